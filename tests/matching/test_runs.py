"""The matching engine end to end: runs through the services on real households and offers (hard
constraints, eligible sponsors, earlier declines, idempotency, determinism), notifications, explanations
in three languages, policy versions, the nightly run, a real Celery worker and the benchmark command."""

import ast
import datetime
import io
import json
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from housing.models import HousingOffer
from matching.benchmark import matching_bench, synthetic_data_create
from matching.criteria import CONSTRAINT_CODES, CONSTRAINTS, CRITERIA, CRITERION_CODES, NEEDS, UNMATCHED_LABELS
from matching.explain import LAYOUT, LAYOUTS, explanation_expand, explanation_lines, unmatched_reason_text
from matching.models import (
    MatchingPolicy,
    MatchingRun,
    MatchProposal,
    RunNotice,
    SafeguardingConcern,
    UnmatchedHousehold,
)
from matching.runs import (
    matching_run_execute,
    matching_run_nightly,
    matching_run_notify,
    policy_current,
    policy_publish,
    progress_get,
)
from matching.selectors import household_matching_result, sponsors_suspended_ids
from matching.services.proposals import proposal_transition
from matching.services.safeguarding import concern_close, concern_raise
from matching.tasks import matching_nightly_task, matching_run_task
from portal.models import Notification, QueuedTask
from portal.notifications import notification_render
from portal.tasks import ping
from projects.models import Language, Municipality
from sponsorship.models import Household, SponsorCheck
from sponsorship.selectors import sponsor_matching_blockers, sponsors_eligible_ids
from sponsorship.services import sponsor_check_record
from training.models import Certificate, Programme

S = MatchProposal.Status
# The criterion labels of an explanation, in English and in the engine's order.
CRITERION_LABELS_EN = [
    "Preferred municipality",
    "Shared language",
    "Rent",
    "Size fit",
    "Duration fit",
    "Near the needs named",
    "Time waiting",
]
NOTICE_TITLE_EN = "New housing proposals to review"


def _today() -> datetime.date:
    return timezone.localdate()


def _run(**kwargs) -> MatchingRun:
    """Request a run the way the button and beat do (a row), and execute it through the service."""
    run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL)
    return matching_run_execute(run_id=run.pk, **kwargs)


def _pairs(run: MatchingRun) -> list[tuple[int, int]]:
    return sorted(MatchProposal.objects.filter(run=run).values_list("household_id", "offer_id"))


def _assert_hard_constraints(proposal: MatchProposal) -> None:
    """The proposal satisfies every hard constraint, read back from the rows themselves."""
    household, offer = proposal.household, proposal.offer
    members = list(household.members.all())
    assert household.consent_given_on is not None
    assert offer.capacity >= len(members)
    assert offer.step_free or not household.needs_step_free
    assert offer.pets_allowed or not household.has_pets
    assert offer.children_welcome or not any(m.kind == "child" for m in members)
    accepted = set(household.preferences.values_list("municipality_id", flat=True))
    assert not accepted or offer.municipality_id in accepted
    if household.max_monthly_rent is not None and offer.cost != HousingOffer.Cost.FREE:
        assert offer.monthly_rent <= household.max_monthly_rent
    assert offer.available_from <= max(household.move_in_from or _today(), _today())


@pytest.fixture
def vilnius(db):
    return Municipality.objects.create(
        slug="vilnius-city", country="LT", kind="city", name_lt="Vilniaus m.", name_en="Vilnius", name_bg="Вилнюс"
    )


@pytest.fixture
def languages(db):
    """The languages a real database has after `seed_content`, with their names in the three languages."""
    names = {
        "lt": ("lietuvių", "Lithuanian", "литовски"),
        "en": ("anglų", "English", "английски"),
        "uk": ("ukrainiečių", "Ukrainian", "украински"),
        "ru": ("rusų", "Russian", "руски"),
    }
    return {
        code: Language.objects.get_or_create(code=code, defaults={"name_lt": lt, "name_en": en, "name_bg": bg})[0]
        for code, (lt, en, bg) in names.items()
    }


# --- 1. A run writes proposals and its figures ------------------------------------------------------


@pytest.mark.django_db
def test_a_run_proposes_homes_and_records_its_figures(seeker, home, municipality):
    households = [seeker(prefs=[municipality]) for _ in range(3)]
    offers = [home() for _ in range(3)]

    run = _run()

    proposals = list(MatchProposal.objects.filter(run=run).order_by("pk"))
    assert len(proposals) == 3
    assert {p.household_id for p in proposals} == {h.pk for h in households}
    assert {p.offer_id for p in proposals} == {o.pk for o in offers}
    policy = policy_current()
    for proposal in proposals:
        assert proposal.status == S.PROPOSED
        assert proposal.run_id == run.pk
        assert proposal.created_by is None
        assert proposal.score is not None and 0 < proposal.score <= 1
        assert {"criteria", "details", "constraints", "policy"} <= set(proposal.explanation)
        assert set(proposal.explanation["criteria"]) == set(CRITERION_CODES)
        assert proposal.explanation["constraints"] == list(CONSTRAINT_CODES)
        assert proposal.explanation["policy"] == policy.version
        assert proposal.explanation["score"] == pytest.approx(proposal.score, abs=1e-4)
    assert set(Household.objects.filter(pk__in=[h.pk for h in households]).values_list("status", flat=True)) == {
        Household.Status.PROPOSED
    }

    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    assert run.finished_at is not None
    assert run.policy == policy
    # Stored compact (an array in the layout written now), read as the dict.
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM matching_matchproposal WHERE id = %s", [proposals[0].pk])
        stored = cursor.fetchone()[0]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored[0] == LAYOUT and explanation_expand(stored) == proposals[0].explanation

    assert (run.households, run.offers, run.feasible_pairs) == (3, 3, 9)
    assert run.kept == 0
    assert run.proposals_created == 3
    assert run.total_score == pytest.approx(sum(p.score for p in proposals), abs=1e-3)
    assert run.greedy_score is not None and run.greedy_score <= run.total_score + 1e-9
    assert run.greedy_matched == 3
    assert set(run.phase_seconds) == {"load", "filter", "score", "solve", "greedy", "write", "total"}
    assert all(seconds >= 0 for seconds in run.phase_seconds.values())
    assert not UnmatchedHousehold.objects.filter(run=run).exists()
    assert progress_get(run.pk) == {"phase": "done", "percent": 100}


def test_the_explanation_layout_written_now_is_the_engines_criteria_constraints_and_needs():
    assert LAYOUTS[LAYOUT] == (CRITERION_CODES, CONSTRAINT_CODES, tuple(need.code for need in NEEDS))
    # Older rows hold the dict itself (and hand-made proposals {}): read as they are.
    old = {"policy": 1, "score": 0.5, "criteria": {}, "details": {}, "constraints": ["consent"]}
    assert explanation_expand(old) == old and explanation_expand({}) == {}


# --- 2. Hard constraints ----------------------------------------------------------------------------


def _place(slug: str) -> Municipality:
    return Municipality.objects.create(slug=slug, country="LT", kind="district", name=slug.title())


@pytest.mark.django_db
def test_hard_constraints_hold_for_every_proposal_of_a_run(seeker, home, municipality, vilnius, languages):
    # Each household accepts a municipality of its own, where it has one lawful offer and a bait: the
    # bait scores higher (free or cheaper, the household's language, a better size fit) but breaks
    # exactly that household's hard constraint, so only the constraint keeps the household off it.
    alytus, utena, nowhere = _place("alytus"), _place("utena"), _place("nowhere")
    lawful = {"capacity": 6}
    bait = {"capacity": 3, "cost": HousingOffer.Cost.FREE, "monthly_rent": None}

    needs_step_free = seeker(prefs=[municipality], speaks=[languages["lt"]], needs_step_free=True)
    step_free = home(municipality=municipality, step_free=True, **lawful)
    stairs = home(municipality=municipality, speaks=[languages["lt"]], **bait)

    with_pets = seeker(prefs=[vilnius], speaks=[languages["en"]], has_pets=True)
    pets = home(municipality=vilnius, pets_allowed=True, **lawful)
    no_pets = home(municipality=vilnius, speaks=[languages["en"]], **bait)

    low_rent = seeker(prefs=[alytus], speaks=[languages["uk"]], max_monthly_rent=150)
    cheap = home(municipality=alytus, monthly_rent=120, **lawful)
    dear = home(municipality=alytus, speaks=[languages["uk"]], **{**bait, "cost": "reduced", "monthly_rent": 300})

    only_utena = seeker(prefs=[utena], speaks=[languages["ru"]])
    in_utena = home(municipality=utena, **lawful)
    elsewhere = home(municipality=nowhere, speaks=[languages["ru"]], **bait)

    no_consent = seeker(prefs=[municipality], consent_given_on=None, consent_version="", consent_recorded_by=None)

    run = _run()

    proposals = list(MatchProposal.objects.filter(run=run).select_related("household", "offer"))
    for proposal in proposals:
        _assert_hard_constraints(proposal)
    assert {p.household_id: p.offer_id for p in proposals} == {
        needs_step_free.pk: step_free.pk,
        with_pets.pk: pets.pk,
        low_rent.pk: cheap.pk,
        only_utena.pk: in_utena.pk,
    }
    assert not MatchProposal.objects.filter(offer__in=[stairs, no_pets, dear, elsewhere]).exists()
    reason = UnmatchedHousehold.objects.get(run=run, household=no_consent)
    assert reason.reason == "consent"
    assert reason.offers_ruled_out == run.offers == 8
    no_consent.refresh_from_db()
    assert no_consent.status == Household.Status.SEEKING


# --- 3. Eligible sponsors only ------------------------------------------------------------------------


@pytest.fixture
def required_training(db):
    return Programme.objects.create(
        slug="sponsor-basics",
        title="Sponsor basics",
        description="What hosting involves.",
        audience=Programme.Audience.SPONSORS,
        required_for_matching=True,
        is_published=True,
    )


def _certify(sponsor, programme) -> None:
    Certificate.objects.create(user=sponsor.user, holder_name=sponsor.user.get_full_name(), programme=programme)


@pytest.mark.django_db
def test_only_offers_of_eligible_sponsors_are_proposed(
    seeker, home, sponsor_factory, municipality, required_training, organisation_caseworker
):
    unverified = sponsor_factory(email="unverified@example.org", verified=False)
    untrained = sponsor_factory(email="untrained@example.org", verified=True)
    expired = sponsor_factory(email="expired@example.org", verified=True)
    suspended = sponsor_factory(email="suspended@example.org", verified=True)
    eligible = sponsor_factory(email="eligible@example.org", verified=True)
    offers = {sponsor.pk: home(sponsor) for sponsor in [unverified, untrained, expired, suspended, eligible]}
    # Each ineligible sponsor has exactly one blocker: all but `untrained` hold the required certificate.
    for sponsor in [unverified, expired, suspended, eligible]:
        _certify(sponsor, required_training)
    for person in unverified.persons.all():
        for kind in SponsorCheck.Kind:
            sponsor_check_record(
                person=person, kind=kind, result=SponsorCheck.Result.PASSED, checked_on=_today(), by=unverified.user
            )
    # The latest criminal-record check of `expired` was valid until yesterday.
    SponsorCheck.objects.filter(person__sponsor=expired, kind=SponsorCheck.Kind.CRIMINAL_RECORD).update(
        checked_on=_today() - datetime.timedelta(days=400), expires_on=_today() - datetime.timedelta(days=1)
    )
    concern_raise(sponsor=suspended, by=organisation_caseworker, severity="high", note="Reported by a neighbour.")
    households = [seeker(prefs=[municipality]) for _ in range(5)]

    run = _run()

    assert _pairs(run) and {offer for _h, offer in _pairs(run)} == {offers[eligible.pk].pk}
    assert MatchProposal.objects.filter(run=run).count() == 1
    assert set(UnmatchedHousehold.objects.filter(run=run).values_list("reason", flat=True)) == {"taken"}
    assert UnmatchedHousehold.objects.filter(run=run).count() == len(households) - 1

    sponsors = [unverified, untrained, expired, suspended, eligible]
    # The sponsorship rules in bulk, then safeguarding suspension (its own constraint in a run).
    qualified = sponsors_eligible_ids(sponsor_ids=[s.pk for s in sponsors])
    assert qualified == {suspended.pk, eligible.pk}
    assert sponsors_suspended_ids(sponsor_ids=[s.pk for s in sponsors]) == {suspended.pk}
    matchable = qualified - sponsors_suspended_ids(sponsor_ids=qualified)
    assert matchable == {eligible.pk}
    for sponsor in sponsors:
        blockers = sponsor_matching_blockers(sponsor=sponsor)
        assert (sponsor.pk in matchable) == (blockers == []), (sponsor.user.email, blockers)
        assert len(blockers) == (0 if sponsor == eligible else 1), (sponsor.user.email, blockers)


@pytest.mark.django_db
def test_a_household_whose_only_suiting_home_is_of_a_suspended_sponsor_is_told_so(
    seeker, home, municipality, vilnius, organisation_caseworker
):
    household = seeker(prefs=[municipality])
    elsewhere = [home(municipality=vilnius) for _ in range(3)]  # eligible sponsors, a place it does not accept
    suiting = home()
    concern = concern_raise(
        sponsor=suiting.sponsor,
        by=organisation_caseworker,
        severity=SafeguardingConcern.Severity.HIGH,
        note="Reported by a neighbour.",
    )

    run = _run()

    assert run.offers == len(elsewhere) + 1 and not _pairs(run)
    reason = UnmatchedHousehold.objects.get(run=run, household=household)
    # Suspension is applied once, as its own constraint: the offer is in the run, ruled out by it alone.
    assert reason.counts == {"municipality": 3, "suspended": 1}
    assert (reason.reason, reason.offers_ruled_out) == ("suspended", 1)
    labels = {}
    for code in ["en", "lt", "bg"]:
        with translation.override(code):
            labels[code] = str(UNMATCHED_LABELS[reason.reason])
            text = unmatched_reason_text(reason.reason, reason.offers_ruled_out, run.offers)
            assert text.startswith(labels[code])
            assert household_matching_result(household=household).endswith(f"{text}.")
            if code == "en":
                assert text == "Sponsor suspended by an open safeguarding concern (ruled out 1 of 4 offers)"
    assert len(set(labels.values())) == 3, labels

    concern_close(concern=concern, by=organisation_caseworker, note="Checked: unfounded.")
    household.refresh_from_db()

    assert _pairs(_run()) == [(household.pk, suiting.pk)]


def test_the_high_severity_is_named_by_its_choice_never_by_a_literal():
    """Suspension has one owner (`matching.selectors.sponsors_suspended_ids`), which names the severity by
    `SafeguardingConcern.Severity.HIGH`: no code spells "high" but the choice itself."""
    root = Path(settings.BASE_DIR)
    found = []
    for app in ["portal", "projects", "sponsorship", "training", "housing", "matching"]:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value == "high":
                    found.append(str(path.relative_to(root)))
    assert found == ["matching/models.py"]  # HIGH = "high", _("High")
    assert SafeguardingConcern.Severity.HIGH == "high"


# --- 4. Earlier declines ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("declined_by", ["sponsor", "household"])
def test_a_pair_declined_before_is_not_proposed_again(seeker, home, municipality, proposal_at, declined_by):
    household = seeker(prefs=[municipality])
    offer = home()
    if declined_by == "sponsor":
        proposal = proposal_at(S.SENT, household=household, offer=offer)
        proposal_transition(
            proposal=proposal,
            to=S.SPONSOR_DECLINED,
            by=offer.sponsor.user,
            decline_reason=MatchProposal.DeclineReason.DATES,
        )
    else:
        proposal = proposal_at(S.SPONSOR_ACCEPTED, household=household, offer=offer)
        proposal_transition(
            proposal=proposal,
            to=S.BENEFICIARY_DECLINED,
            by=household.caseworker,
            decline_reason=MatchProposal.DeclineReason.LOCATION,
        )
    household.refresh_from_db()
    offer.refresh_from_db()
    assert (household.status, offer.status) == (Household.Status.SEEKING, HousingOffer.Status.AVAILABLE)
    other = seeker(prefs=[municipality])

    run = _run()

    # The offer is still matched, to someone else; the household is not offered it again.
    assert _pairs(run) == [(other.pk, offer.pk)]
    assert not MatchProposal.objects.filter(household=household, status__in=MatchProposal.OPEN).exists()
    reason = UnmatchedHousehold.objects.get(run=run, household=household)
    assert reason.reason == "declined"
    assert reason.counts == {"declined": 1}


# --- 5. Idempotency ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_executing_a_run_again_writes_nothing_and_a_new_run_keeps_open_proposals(seeker, home, municipality):
    for _ in range(3):
        seeker(prefs=[municipality])
    for _ in range(2):
        home()
    run = _run()
    proposals = list(MatchProposal.objects.order_by("pk").values())
    unmatched = list(UnmatchedHousehold.objects.order_by("pk").values())
    assert run.proposals_created == 2 and len(proposals) == 2

    again = matching_run_execute(run_id=run.pk)

    assert again.pk == run.pk
    assert again.status == MatchingRun.Status.DONE
    assert again.proposals_created == 2
    assert list(MatchProposal.objects.order_by("pk").values()) == proposals
    assert list(UnmatchedHousehold.objects.order_by("pk").values()) == unmatched

    second = _run()

    assert second.status == MatchingRun.Status.DONE
    assert second.proposals_created == 0
    assert MatchProposal.objects.count() == 2
    assert second.kept == MatchProposal.objects.filter(status__in=MatchProposal.OPEN).count() == 2
    # The proposed households are in mediation, not considered again; the third one still has no home.
    assert second.households == 1
    assert second.offers == 0  # both offers' only place is taken by an open proposal


# --- 6. Determinism ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_data_gives_the_same_proposals(seeker, home, municipality, vilnius):
    # Identical households and offers: many assignments tie, the run must still choose the same one.
    households = [seeker(prefs=[municipality, vilnius]) for _ in range(5)]
    for _ in range(3):
        home()
    for _ in range(2):
        home(municipality=vilnius)

    def proposals_of(run):
        return sorted(MatchProposal.objects.filter(run=run).values_list("household_id", "offer_id", "score"))

    first = _run()
    chosen = proposals_of(first)
    assert len(chosen) == 5

    # Back to the data as it was: no proposals, everyone seeking.
    MatchProposal.objects.filter(run=first).delete()
    Household.objects.filter(pk__in=[h.pk for h in households]).update(status=Household.Status.SEEKING)
    second = _run()

    assert proposals_of(second) == chosen
    assert (second.total_score, second.greedy_score, second.feasible_pairs) == (
        first.total_score,
        first.greedy_score,
        first.feasible_pairs,
    )


# --- 7. Notifications -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_caseworkers_are_told_once_in_their_language(
    seeker, home, municipality, caseworker_of, django_capture_on_commit_callbacks
):
    lithuanian = caseworker_of(email="lt.caseworker@example.org", language="lt")
    bulgarian = caseworker_of(email="bg.caseworker@example.org", language="bg")
    for caseworker in [lithuanian, lithuanian, bulgarian]:
        seeker(prefs=[municipality], caseworker=caseworker)
    for _ in range(3):
        home()
    run = _run()
    assert run.proposals_created == 3
    notified_before = {u.pk: Notification.objects.filter(user=u).count() for u in [lithuanian, bulgarian]}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        told = matching_run_notify(run_id=run.pk)
    with django_capture_on_commit_callbacks(execute=True):
        told_again = matching_run_notify(run_id=run.pk)

    assert (told, told_again) == (2, 0)
    for user, proposals in [(lithuanian, 2), (bulgarian, 1)]:
        notifications = Notification.objects.filter(user=user).order_by("pk")
        assert notifications.count() == notified_before[user.pk] + 1
        notification = notifications.last()
        with translation.override(user.language):
            title = gettext(NOTICE_TITLE_EN)
        assert title != NOTICE_TITLE_EN
        assert notification.params == {"run": run.pk, "count": proposals}
        with translation.override(user.language):
            assert notification_render(notification).title == title
            assert f"run__id__exact={run.pk}" in notification_render(notification).link
        emails = [message for message in mail.outbox if message.to == [user.email]]
        assert len(emails) == 1
        assert emails[0].subject.endswith(title)
        assert RunNotice.objects.get(run=run, recipient=user).proposals == proposals
    assert len(mail.outbox) == 2
    assert RunNotice.objects.filter(run=run).count() == 2


# --- 8. Explanations in three languages -------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposals_explanation_reads_in_each_language(seeker, home, municipality, languages):
    ukrainian = languages["uk"]
    seeker(prefs=[municipality], speaks=[ukrainian])
    home(speaks=[ukrainian])
    run = _run()
    proposal = MatchProposal.objects.get(run=run)

    labels = {}
    for code in ["en", "lt", "bg"]:
        with translation.override(code):
            breakdown = explanation_lines(proposal.explanation)
            expected = [gettext(label) for label in CRITERION_LABELS_EN]
            place = getattr(municipality, f"name_{code}")
            choice = gettext("choice no. %(rank)s: %(name)s") % {"rank": 1, "name": place}
        rows = {row["label"]: row for row in breakdown["rows"]}
        labels[code] = [row["label"] for row in breakdown["rows"]]
        assert labels[code] == expected
        municipality_row = rows[expected[0]]
        assert municipality_row["detail"] == choice
        assert place in municipality_row["detail"]
        assert getattr(ukrainian, f"name_{code}") in rows[expected[1]]["detail"]
        assert breakdown["policy"] == run.policy.version
        assert len(breakdown["constraints"]) == len(CONSTRAINT_CODES)

    assert labels["en"] == CRITERION_LABELS_EN
    assert "Shared language" in labels["en"] and "Preferred municipality" in labels["en"]
    for english, lithuanian, bulgarian in zip(labels["en"], labels["lt"], labels["bg"], strict=True):
        assert len({english, lithuanian, bulgarian}) == 3, (english, lithuanian, bulgarian)


def test_every_criterion_constraint_need_and_reason_label_reads_in_each_language():
    labels = [
        *(label for criterion in CRITERIA for label in (criterion.label, criterion.weight_label)),
        *(label for constraint in CONSTRAINTS for label in (constraint.label, constraint.unmatched_label)),
        *(need.label for need in NEEDS),
        *UNMATCHED_LABELS.values(),
    ]
    for label in labels:
        with translation.override("en"):
            english = str(label)
        for code in ["lt", "bg"]:
            with translation.override(code):
                assert str(label) != english, (code, english)


# --- 9. Policy versions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_versions_are_kept_and_each_run_records_its_own(seeker, home, municipality, organisation_caseworker):
    first = policy_current()
    assert (first.version, first.is_active) == (1, True)
    seeker(prefs=[municipality])
    home()
    run = _run()
    assert run.policy_id == first.pk
    weights_used = dict(first.weights)

    # As the admin does: the form's instance is the version in use with new weights.
    edited = MatchingPolicy.objects.get(pk=first.pk)
    edited.weight_size = 9.0
    second = policy_publish(policy=edited, by=None)
    third = policy_publish(policy=MatchingPolicy(weight_language=7.0, note="Languages matter more"), by=None)

    assert (second.version, third.version) == (2, 3)
    assert len({first.pk, second.pk, third.pk}) == 3
    assert list(MatchingPolicy.objects.filter(is_active=True)) == [third]
    assert policy_current() == third
    assert MatchingPolicy.objects.get(pk=second.pk).weight_size == 9.0
    run.refresh_from_db()
    assert run.policy_id == first.pk
    assert run.policy.weights == weights_used
    assert run.policy.weight_size == 3.0
    explanation = MatchProposal.objects.get(run=run).explanation
    assert explanation["policy"] == 1
    assert {name: c["weight"] for name, c in explanation["criteria"].items()} == weights_used

    with pytest.raises(PermissionDenied):
        policy_publish(policy=MatchingPolicy(weight_size=1.0), by=organisation_caseworker)
    zero = {criterion.weight_field: 0.0 for criterion in CRITERIA}
    with pytest.raises(ValidationError):
        policy_publish(policy=MatchingPolicy(**zero), by=None)
    assert MatchingPolicy.objects.count() == 3
    assert policy_current() == third

    later = _run()
    assert later.policy_id == third.pk


# --- 10. The nightly run ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_nightly_run_happens_once_a_day(seeker, home, municipality):
    for _ in range(2):
        seeker(prefs=[municipality])
        home()

    first = matching_run_nightly()
    proposals = sorted(MatchProposal.objects.values_list("pk", flat=True))
    second = matching_run_nightly()
    from_task = matching_nightly_task.delay().get()

    assert first.pk == second.pk
    assert list(MatchingRun.objects.values_list("pk", "trigger", "nightly_for")) == [
        (first.pk, MatchingRun.Trigger.NIGHTLY, _today())
    ]
    assert first.proposals_created == 2 and len(proposals) == 2
    assert sorted(MatchProposal.objects.values_list("pk", flat=True)) == proposals
    assert from_task == 2  # the run's figure, not new proposals

    tomorrow = matching_run_nightly(today=_today() + datetime.timedelta(days=1))
    assert tomorrow.pk != first.pk
    assert MatchingRun.objects.count() == 2


# --- 11. A real worker -------------------------------------------------------------------------------


def _worker_drain(timeout: float = 60) -> None:
    """Wait until the follow-up tasks reached the broker and the worker took them (a ping after them)."""
    deadline = time.monotonic() + timeout
    while QueuedTask.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ping.delay().get(timeout=timeout) == "pong"


# The worker reads the data this test commits, so it needs the test database: PostgreSQL (an SQLite
# test database lives in the test process's memory).
@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_executes_a_run_once(languages, celery_worker):
    synthetic_data_create(households=300, offers=300, seed=3)
    run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL)

    created = matching_run_task.delay(run.pk).get(timeout=120)

    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    assert run.households == 300
    assert created == run.proposals_created > 0
    assert MatchProposal.objects.filter(run=run).count() == run.proposals_created
    assert run.proposals_created + UnmatchedHousehold.objects.filter(run=run).count() == 300
    proposals = sorted(MatchProposal.objects.values_list("pk", flat=True))
    _worker_drain()

    # A redelivered task (acks_late): the run is done, nothing is written twice.
    again = matching_run_task.delay(run.pk).get(timeout=120)

    assert again == run.proposals_created
    assert sorted(MatchProposal.objects.values_list("pk", flat=True)) == proposals
    assert MatchingRun.objects.count() == 1
    _worker_drain()


# --- 12. The benchmark command -----------------------------------------------------------------------


@pytest.mark.django_db
def test_bench_matching_reports_one_json_object_and_leaves_no_data(languages):
    counts = {model: model.objects.count() for model in [Household, HousingOffer, Municipality, MatchingRun]}
    out = io.StringIO()

    call_command("bench_matching", households=60, offers=60, seed=1, json=True, stdout=out)

    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert {
        "households",
        "offers",
        "feasible_pairs",
        "seconds",
        "peak_memory_mb",
        "optimal_score",
        "greedy_score",
        "score_ratio",
        "optimal_matched",
        "greedy_matched",
    } <= set(report)
    assert {"load", "filter", "score", "solve", "write", "total"} <= set(report["seconds"])
    assert (report["households"], report["offers"]) == (60, 60)
    assert report["feasible_pairs"] > 0
    assert report["peak_memory_mb"] > 0
    assert report["optimal_matched"] > 0
    assert report["optimal_score"] >= report["greedy_score"] > 0
    assert report["score_ratio"] == pytest.approx(report["optimal_score"] / report["greedy_score"], abs=1e-3)
    assert {model: model.objects.count() for model in counts} == counts


@pytest.mark.django_db
def test_synthetic_data_is_created_on_a_database_without_languages():
    assert not Language.objects.exists()

    data = synthetic_data_create(households=20, offers=20, seed=5)

    assert (data.households, data.offers) == (20, 20)
    assert Household.objects.count() == 20
    assert Language.objects.filter(code="lt").exists()


@pytest.mark.django_db
def test_matching_bench_reports_each_phase_and_leaves_no_data(languages):
    counts = {model: model.objects.count() for model in [Household, HousingOffer, Municipality, MatchingRun]}

    [report] = matching_bench(sizes=[40], seed=2)

    assert (report["size"], report["households"], report["offers"]) == (40, 40, 40)
    assert report["pairs_per_household"] == round(report["feasible_pairs"] / 40, 1)
    assert [phase["phase"] for phase in report["phases"]] == ["load", "filter", "score", "solve", "greedy", "write"]
    assert all(phase["seconds"] >= 0 and phase["peak_mb"] > 0 and phase["cells"] >= 0 for phase in report["phases"])
    assert report["total_s"] > 0 and report["peak_mb"] > 0
    assert report["optimal_score"] >= report["greedy_score"] > 0
    assert {model: model.objects.count() for model in counts} == counts


@pytest.mark.parametrize("households, offers", [(0, 10), (10, -1), (300_000, 10)])
def test_bench_matching_refuses_sizes_out_of_range(households, offers):
    with pytest.raises(CommandError, match="between 1 and 200000"):
        call_command("bench_matching", households=households, offers=offers, seed=1, json=True, stdout=io.StringIO())
