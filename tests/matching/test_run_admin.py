"""Matching in the admin: the "run matching now" button, a run's page (progress, the reader's organisation's
proposals with their explanation and its households without a proposal), the explanation on a proposal,
the latest result on a household, policy versions, and a constant number of queries per run page."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from matching.criteria import CRITERIA
from matching.explain import unmatched_reason_text
from matching.models import MatchingPolicy, MatchingRun, MatchProposal, UnmatchedHousehold
from matching.runs import matching_run_execute, policy_current
from matching.selectors import household_matching_result
from portal.models import QueuedTask
from tests.helpers import client_of

pytestmark = pytest.mark.django_db

RUN_URL = "admin:matching_matchingrun_run"
RUN_BUTTON = "Run matching now"
NO_WEIGHT = "Give at least one criterion a weight above zero."


def _today() -> datetime.date:
    return timezone.localdate()


def _run() -> MatchingRun:
    run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL)
    return matching_run_execute(run_id=run.pk)


def _run_page(run: MatchingRun) -> str:
    return reverse("admin:matching_matchingrun_change", args=[run.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def two_organisations(caseworker, other_caseworker, seeker, home):
    """Organisation A and B, each with a household that can be housed and one without consent;
    offers for two households."""
    caseworker_b = other_caseworker
    no_consent = {"consent_given_on": None, "consent_version": "", "consent_recorded_by": None}
    scene = {
        "a_housed": seeker(),
        "a_unmatched": seeker(**no_consent),
        "b_housed": seeker(caseworker=caseworker_b),
        "b_unmatched": seeker(caseworker=caseworker_b, **no_consent),
        "caseworker_a": caseworker,
        "caseworker_b": caseworker_b,
    }
    home()
    home()
    return scene


# --- 13. Running matching from the admin ---------------------------------------------------------------


def test_caseworker_runs_matching_and_reads_the_result_of_their_organisation(
    two_organisations, django_capture_on_commit_callbacks
):
    scene = two_organisations
    client = client_of(scene["caseworker_a"])

    changelist = client.get(reverse("admin:matching_matchingrun_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert RUN_BUTTON in changelist.content.decode()
    assert reverse(RUN_URL) in changelist.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(RUN_URL))

    run = MatchingRun.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == _run_page(run)
    assert run.status == MatchingRun.Status.DONE
    assert run.requested_by == scene["caseworker_a"]
    assert run.trigger == MatchingRun.Trigger.MANUAL
    assert sorted(MatchProposal.objects.filter(run=run).values_list("household_id", flat=True)) == sorted(
        [scene["a_housed"].pk, scene["b_housed"].pk]
    )

    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    proposal = MatchProposal.objects.get(run=run, household=scene["a_housed"])
    assert reverse("admin:matching_matchproposal_change", args=[proposal.pk]) in content
    assert scene["a_housed"].reference in content
    assert "Size fit" in content and "Preferred municipality" in content
    assert "Hard constraints passed:" in content
    unmatched = UnmatchedHousehold.objects.get(run=run, household=scene["a_unmatched"])
    assert scene["a_unmatched"].reference in content
    assert escape(unmatched_reason_text(unmatched.reason, unmatched.offers_ruled_out, run.offers)) in content
    assert "No consent on file" in content
    # Nothing of organisation B.
    assert scene["b_housed"].reference not in content
    assert scene["b_unmatched"].reference not in content
    other = MatchProposal.objects.get(run=run, household=scene["b_housed"])
    assert reverse("admin:matching_matchproposal_change", args=[other.pk]) not in content


# --- 14. One run at a time -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING])
def test_a_second_run_is_refused_while_one_is_queued_or_running(
    organisation_caseworker, django_capture_on_commit_callbacks, status
):
    waiting = MatchingRun.objects.create(status=status)
    queued_tasks = QueuedTask.objects.count()
    client = client_of(organisation_caseworker)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse(RUN_URL))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:matching_matchingrun_changelist")
    assert _messages(response) == ["A matching run is already queued or running: wait for it to finish."]
    assert list(MatchingRun.objects.values_list("pk", "status")) == [(waiting.pk, status)]
    assert QueuedTask.objects.count() == queued_tasks
    assert callbacks == []


# --- 15. Progress while a run is under way ---------------------------------------------------------------


@pytest.mark.parametrize("status", [MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING])
def test_a_run_under_way_shows_its_progress_and_refreshes(organisation_caseworker, status):
    run = MatchingRun.objects.create(status=status)

    content = client_of(organisation_caseworker).get(_run_page(run)).content.decode()

    assert 'id="run-progress"' in content
    assert '<meta http-equiv="refresh"' in content
    if status == MatchingRun.Status.QUEUED:
        assert 'id="run-phase">Waiting for a worker<' in content


def test_a_run_under_way_shows_the_phase_it_reached(organisation_caseworker):
    from matching.runs import progress_set

    run = MatchingRun.objects.create(status=MatchingRun.Status.QUEUED)
    progress_set(run.pk, "solve", 75)

    content = client_of(organisation_caseworker).get(_run_page(run)).content.decode()

    assert 'id="run-phase">Finding the best assignment<' in content
    assert 'value="75"' in content


def test_a_finished_run_shows_no_progress_and_does_not_refresh(organisation_caseworker, seeker, home):
    seeker()
    home()
    run = _run()

    content = client_of(organisation_caseworker).get(_run_page(run)).content.decode()

    assert 'id="run-progress"' not in content
    assert 'http-equiv="refresh"' not in content
    assert 'id="run-phases"' in content and 'id="run-proposals"' in content


# --- 16. Who may run matching ----------------------------------------------------------------------------


@pytest.fixture
def staff_without_group(user_factory, organisation):
    return user_factory(email="staff@example.org", is_staff=True, organisation=organisation)


def test_a_sponsor_cannot_run_matching(sponsor_factory, django_capture_on_commit_callbacks):
    client = client_of(sponsor_factory(verified=True).user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(RUN_URL))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:login") + "?next=" + reverse(RUN_URL)
    assert not MatchingRun.objects.exists()


def test_staff_without_the_permission_cannot_run_matching(staff_without_group, django_capture_on_commit_callbacks):
    client = client_of(staff_without_group)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(RUN_URL))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not MatchingRun.objects.exists()
    assert not QueuedTask.objects.exists()
    changelist = client.get(reverse("admin:matching_matchingrun_changelist"))
    assert changelist.status_code == HTTPStatus.FORBIDDEN


# --- 17. Why this match ------------------------------------------------------------------------------------


def test_a_proposal_shows_why_it_was_made(organisation_caseworker, seeker, home):
    household = seeker()
    home()
    run = _run()
    proposal = MatchProposal.objects.get(run=run, household=household)

    response = client_of(organisation_caseworker).get(
        reverse("admin:matching_matchproposal_change", args=[proposal.pk])
    )

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Why this match" in content
    assert 'class="matching-explanation"' in content
    for label in ["Preferred municipality", "Shared language", "Size fit", "Duration fit", "Time waiting"]:
        assert label in content
    assert "choice no. 1: Kaunas" in content
    assert f"policy version {run.policy.version}" in content
    assert "&lt;table&gt;" not in content  # rendered, not escaped


# --- 18. The latest run on a household's page ------------------------------------------------------------


def test_a_household_shows_what_the_latest_run_did_for_it(organisation_caseworker, seeker, home):
    housed = seeker()
    unmatched = seeker(consent_given_on=None, consent_version="", consent_recorded_by=None)
    home()
    run = _run()
    client = client_of(organisation_caseworker)

    housed_page = client.get(reverse("admin:sponsorship_household_change", args=[housed.pk])).content.decode()
    unmatched_page = client.get(reverse("admin:sponsorship_household_change", args=[unmatched.pk])).content.decode()

    assert escape(f"{run}: a home was proposed.") in housed_page
    reason = household_matching_result(household=unmatched)
    assert reason == f"{run}: no proposal. No consent on file (ruled out 1 of 1 offers)."
    assert escape(reason) in unmatched_page


# --- 19. Policy versions in the admin --------------------------------------------------------------------


def _policy_form(**weights) -> dict:
    data = {criterion.weight_field: 1.0 for criterion in CRITERIA}
    data.update({"waiting_full_days": 180, "reference_rent": 600, "note": "", "_save": "Save"})
    data.update(weights)
    return data


def _policies() -> list[dict]:
    return list(MatchingPolicy.objects.order_by("version").values())


def test_saving_the_weights_publishes_a_new_version_and_keeps_the_old_one(superuser):
    current = policy_current()
    before = MatchingPolicy.objects.values().get(pk=current.pk)
    client = client_of(superuser)

    response = client.post(
        reverse("admin:matching_matchingpolicy_change", args=[current.pk]),
        _policy_form(weight_size=6.5, note="Size matters more"),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:matching_matchingpolicy_changelist")
    assert _messages(response) == ["The weights are saved as version 2, now in use."]
    new = MatchingPolicy.objects.get(version=2)
    assert new.pk != current.pk
    assert (new.is_active, new.weight_size, new.note, new.created_by) == (True, 6.5, "Size matters more", superuser)
    old = MatchingPolicy.objects.values().get(pk=current.pk)
    assert old == {**before, "is_active": False}
    assert list(MatchingPolicy.objects.filter(is_active=True)) == [new]


def test_a_policy_without_any_weight_is_refused(superuser):
    current = policy_current()
    before = _policies()
    client = client_of(superuser)

    response = client.post(
        reverse("admin:matching_matchingpolicy_change", args=[current.pk]),
        _policy_form(**{criterion.weight_field: 0 for criterion in CRITERIA}),
    )
    added = client.post(
        reverse("admin:matching_matchingpolicy_add"),
        _policy_form(**{criterion.weight_field: 0 for criterion in CRITERIA}),
    )

    for page in [response, added]:
        assert page.status_code == HTTPStatus.OK
        assert NO_WEIGHT in page.content.decode()
    assert _policies() == before


def test_a_caseworker_reads_policies_but_cannot_change_them(organisation_caseworker):
    current = policy_current()
    before = _policies()
    client = client_of(organisation_caseworker)

    page = client.get(reverse("admin:matching_matchingpolicy_change", args=[current.pk]))
    changed = client.post(
        reverse("admin:matching_matchingpolicy_change", args=[current.pk]), _policy_form(weight_size=9)
    )
    added = client.post(reverse("admin:matching_matchingpolicy_add"), _policy_form(weight_size=9))

    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert changed.status_code == HTTPStatus.FORBIDDEN
    assert added.status_code == HTTPStatus.FORBIDDEN
    assert _policies() == before


# --- 20. Queries per run page ------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (content types, permissions) before counting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def test_a_run_page_runs_the_same_number_of_queries_whatever_its_proposals(
    organisation_caseworker, seeker, home, sponsor_factory
):
    sponsor = sponsor_factory(email="landlord@example.org", verified=True)
    for _ in range(2):
        seeker()
        home(sponsor)
    small = _run()
    for _ in range(8):
        seeker()
        home(sponsor)
    # Two households without a proposal on the large run too.
    for _ in range(2):
        seeker(consent_given_on=None, consent_version="", consent_recorded_by=None)
    large = _run()
    assert (small.proposals_created, large.proposals_created) == (2, 8)
    client = client_of(organisation_caseworker)

    small_queries = _queries(client, _run_page(small))
    large_queries = _queries(client, _run_page(large))

    assert large_queries == small_queries


# --- Bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
def test_a_missing_or_malformed_run_id_redirects_with_a_message(organisation_caseworker, object_id):
    client = client_of(organisation_caseworker)
    response = client.get(f"/en/admin/matching/matchingrun/{object_id}/change/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(reverse("admin:index"))
    assert any("doesn’t exist" in message for message in _messages(response))


def test_the_notification_link_lists_the_proposals_of_that_run_only(organisation_caseworker, two_organisations, home):
    first = _run()
    home()
    # A second run proposes the new offer to the household left without a home by the first one (if any):
    # whatever it finds, the link of the first run lists exactly the first run's proposals.
    second = _run()
    client = client_of(organisation_caseworker)
    url = reverse("admin:matching_matchproposal_changelist") + f"?run__id__exact={first.pk}&status__exact=proposed"
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    shown = {proposal.pk for proposal in response.context["cl"].result_list}
    expected = set(
        MatchProposal.objects.filter(
            run=first, household__organisation_id=organisation_caseworker.organisation_id
        ).values_list("pk", flat=True)
    )
    assert shown == expected and expected
    assert not shown & set(MatchProposal.objects.filter(run=second).values_list("pk", flat=True))
