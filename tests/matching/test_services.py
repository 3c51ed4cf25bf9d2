"""Mediation rules, through the services: proposals and their lifecycle, notifications, reminders and
expiry, placements, follow-ups, safeguarding, what sponsors see, and confirming under concurrency."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from housing.models import HousingOffer, OfferTransition
from housing.selectors import offers_matchable
from matching.models import FollowUp, MatchProposal, Placement, ProposalTransition, SafeguardingConcern
from matching.selectors import household_for_sponsor, sponsors_suspended_ids
from matching.services.notifications import proposal_step_notify, proposals_remind
from matching.services.placements import follow_up_record, placement_end, proposal_confirm
from matching.services.proposals import (
    PROPOSAL_WORKFLOW,
    ProposalError,
    proposal_create,
    proposal_transition,
    proposals_expire,
)
from matching.services.safeguarding import concern_close, concern_raise
from portal.models import Notification, QueuedTask
from sponsorship.models import Household
from sponsorship.selectors import sponsor_matching_blockers
from tests.helpers import all_at_once
from tests.helpers import record_force as _set
from tests.helpers import status_of as _status

S = MatchProposal.Status
Offer = HousingOffer.Status
ACTORS = ("caseworker", "sponsor", "other_caseworker", "other_sponsor", "system")

TRANSITIONS = PROPOSAL_WORKFLOW.steps
REFUSED_PAIRS = [(a, b) for a in S for b in S if (a, b) not in TRANSITIONS]
WRONG_ACTORS = [(a, b, actor) for (a, b), roles in TRANSITIONS.items() for actor in ACTORS if actor not in roles]
ALLOWED_STEPS = [(a, b, actor) for (a, b), roles in TRANSITIONS.items() for actor in sorted(roles)]
NOTIFY_TASK = "matching.tasks.proposal_step_notify_task"


def _today() -> datetime.date:
    return timezone.localdate()


def _state(proposal: MatchProposal) -> tuple:
    """Everything a refused step must leave as it was."""
    return (
        MatchProposal.objects.values().get(pk=proposal.pk),
        list(ProposalTransition.objects.filter(proposal=proposal).values_list("pk", flat=True)),
        HousingOffer.objects.values().get(pk=proposal.offer_id),
        list(OfferTransition.objects.filter(offer_id=proposal.offer_id).values_list("pk", flat=True)),
        Household.objects.values().get(pk=proposal.household_id),
        QueuedTask.objects.count(),
        Notification.objects.count(),
        Placement.objects.count(),
    )


# What a step may need besides its status: a reason to decline, a note to withdraw.
STEP_KWARGS = {"note": "Not a fit after all.", "decline_reason": MatchProposal.DeclineReason.OTHER}


def _steps(proposal: MatchProposal) -> list[tuple]:
    return list(ProposalTransition.objects.filter(proposal=proposal).values_list("from_status", "to_status", "by_id"))


def _confirm(proposal: MatchProposal, by=None, move_in_date: datetime.date | None = None) -> Placement:
    return proposal_confirm(
        proposal=proposal,
        by=by or proposal.household.caseworker,
        move_in_date=move_in_date or _today() + datetime.timedelta(days=14),
        agreed_months=6,
    )


@pytest.fixture
def other_sponsor(sponsor_factory):
    return sponsor_factory(email="other-sponsor@example.org", verified=True)


@pytest.fixture
def actors(caseworker, other_caseworker, other_sponsor):
    def of(proposal: MatchProposal) -> dict:
        return {
            "caseworker": caseworker,
            "sponsor": proposal.offer.sponsor.user,
            "other_caseworker": other_caseworker,
            "other_sponsor": other_sponsor.user,
            "system": None,
        }

    return of


# --- Creating a proposal ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_proposal_create_marks_household_proposed(household_factory, available_offer, caseworker):
    household = household_factory()
    offer = available_offer()

    proposal = proposal_create(household=household, offer=offer, by=caseworker, score=0.8, explanation={"a": 1})

    assert proposal.status == S.PROPOSED
    assert proposal.created_by == caseworker
    assert _status(household) == Household.Status.PROPOSED
    assert _status(offer) == Offer.AVAILABLE  # only sending reserves it


@pytest.mark.django_db
def test_proposal_create_refuses_household_without_consent(household_factory, available_offer, caseworker):
    household = household_factory(consent_given_on=None, consent_version="", consent_recorded_by=None)

    with pytest.raises(ProposalError):
        proposal_create(household=household, offer=available_offer(), by=caseworker)

    assert not MatchProposal.objects.exists()
    assert _status(household) == Household.Status.SEEKING


@pytest.mark.django_db
def test_proposal_create_refuses_household_of_another_organisation(
    household_factory, available_offer, caseworker, other_caseworker
):
    household = household_factory(caseworker=other_caseworker)

    with pytest.raises(PermissionDenied):
        proposal_create(household=household, offer=available_offer(), by=caseworker)

    assert not MatchProposal.objects.exists()


@pytest.mark.django_db
def test_proposal_create_refuses_non_staff(household_factory, available_offer):
    offer = available_offer()

    with pytest.raises(PermissionDenied):
        proposal_create(household=household_factory(), offer=offer, by=offer.sponsor.user)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Offer.DRAFT, Offer.SUBMITTED, Offer.RESERVED, Offer.OCCUPIED, Offer.WITHDRAWN])
def test_proposal_create_refuses_unavailable_offer(household_factory, available_offer, caseworker, status):
    offer = available_offer()
    HousingOffer.objects.filter(pk=offer.pk).update(status=status)
    offer.refresh_from_db()

    with pytest.raises(ProposalError):
        proposal_create(household=household_factory(), offer=offer, by=caseworker)

    assert not MatchProposal.objects.exists()


@pytest.mark.django_db
def test_proposal_create_refuses_unverified_sponsor(household_factory, sponsor_factory, available_offer, caseworker):
    sponsor = sponsor_factory(email="new@example.org", verified=False)
    offer = available_offer(sponsor=sponsor)
    assert offer.status == Offer.AVAILABLE

    with pytest.raises(ProposalError):
        proposal_create(household=household_factory(), offer=offer, by=caseworker)

    assert not MatchProposal.objects.exists()


@pytest.mark.django_db
def test_proposal_create_refuses_sponsor_with_open_high_concern(household_factory, available_offer, caseworker):
    offer = available_offer()
    concern_raise(sponsor=offer.sponsor, by=caseworker, severity=SafeguardingConcern.Severity.HIGH, note="Report.")

    with pytest.raises(ProposalError):
        proposal_create(household=household_factory(), offer=offer, by=caseworker)

    assert not MatchProposal.objects.exists()


@pytest.mark.django_db
def test_proposal_create_refuses_second_open_proposal_for_same_household_and_offer(proposal_at, caseworker):
    first = proposal_at(S.APPROVED)

    with pytest.raises(ValidationError):
        proposal_create(household=first.household, offer=first.offer, by=caseworker)

    assert MatchProposal.objects.filter(household=first.household, offer=first.offer).count() == 1


@pytest.mark.django_db
def test_proposal_create_refuses_second_open_proposal_with_proposal_error(proposal_at, caseworker):
    first = proposal_at(S.APPROVED)

    with pytest.raises(ProposalError):
        proposal_create(household=first.household, offer=first.offer, by=caseworker)


@pytest.mark.django_db
def test_proposal_create_allows_new_proposal_after_the_first_ended(proposal_at, caseworker):
    first = proposal_at(S.PROPOSED)
    proposal_transition(proposal=first, to=S.WITHDRAWN, by=caseworker, note="Wrong offer.")

    second = proposal_create(household=first.household, offer=first.offer, by=caseworker)

    assert second.pk != first.pk


# --- The lifecycle ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["caseworker", "sponsor"])
@pytest.mark.parametrize(("from_status", "to_status"), REFUSED_PAIRS, ids=[f"{a}->{b}" for a, b in REFUSED_PAIRS])
def test_proposal_transition_refuses_every_step_not_in_the_transition_table(
    proposal_at, actors, actor, from_status, to_status
):
    proposal = _set(proposal_at(S.PROPOSED), status=from_status)
    before = _state(proposal)

    with pytest.raises(ProposalError):
        proposal_transition(proposal=proposal, to=to_status, by=actors(proposal)[actor], **STEP_KWARGS)

    assert _state(proposal) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"), WRONG_ACTORS, ids=[f"{a}->{b}-by-{c}" for a, b, c in WRONG_ACTORS]
)
def test_proposal_transition_refuses_allowed_step_by_the_wrong_actor(
    proposal_at, actors, from_status, to_status, actor
):
    proposal = _set(proposal_at(S.PROPOSED), status=from_status)
    before = _state(proposal)

    with pytest.raises(PermissionDenied):
        proposal_transition(proposal=proposal, to=to_status, by=actors(proposal)[actor], **STEP_KWARGS)

    assert _state(proposal) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"), ALLOWED_STEPS, ids=[f"{a}->{b}-by-{c}" for a, b, c in ALLOWED_STEPS]
)
def test_proposal_transition_takes_and_records_every_allowed_step(proposal_at, actors, from_status, to_status, actor):
    proposal = _set(proposal_at(S.PROPOSED), status=from_status)
    by = actors(proposal)[actor]
    steps_before = _steps(proposal)

    proposal = proposal_transition(proposal=proposal, to=to_status, by=by, **STEP_KWARGS)

    assert _status(proposal) == to_status
    assert _steps(proposal) == [*steps_before, (from_status, to_status, by.pk if by else None)]


@pytest.mark.django_db
def test_proposal_happy_path_records_every_step_with_its_actor(proposal_at, caseworker):
    proposal = proposal_at(S.MEETING)
    sponsor = proposal.offer.sponsor.user

    assert _steps(proposal) == [
        (S.PROPOSED, S.APPROVED, caseworker.pk),
        (S.APPROVED, S.SENT, caseworker.pk),
        (S.SENT, S.SPONSOR_ACCEPTED, sponsor.pk),
        (S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED, caseworker.pk),
        (S.BENEFICIARY_ACCEPTED, S.MEETING, caseworker.pk),
    ]


@pytest.mark.django_db
def test_any_caseworker_of_the_household_organisation_takes_caseworker_steps(proposal_at, caseworker_of):
    colleague = caseworker_of()
    proposal = proposal_at(S.PROPOSED)

    proposal_transition(proposal=proposal, to=S.APPROVED, by=colleague)

    assert _status(proposal) == S.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "bogus"])
def test_decline_requires_reason_from_the_list(proposal_at, reason):
    proposal = proposal_at(S.SENT)
    before = _state(proposal)

    with pytest.raises(ProposalError):
        proposal_transition(
            proposal=proposal, to=S.SPONSOR_DECLINED, by=proposal.offer.sponsor.user, decline_reason=reason
        )

    assert _state(proposal) == before


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["", "   \n"])
def test_withdraw_requires_note(proposal_at, caseworker, note):
    proposal = proposal_at(S.SENT)
    before = _state(proposal)

    with pytest.raises(ProposalError):
        proposal_transition(proposal=proposal, to=S.WITHDRAWN, by=caseworker, note=note)

    assert _state(proposal) == before


@pytest.mark.django_db
def test_sponsor_decline_frees_offer_and_household_seeks_again(proposal_at):
    proposal = proposal_at(S.SENT)

    proposal = proposal_transition(
        proposal=proposal,
        to=S.SPONSOR_DECLINED,
        by=proposal.offer.sponsor.user,
        decline_reason=MatchProposal.DeclineReason.DATES,
        note="We travel in May.",
    )

    assert (proposal.decline_reason, proposal.decline_note) == ("dates", "We travel in May.")
    assert _status(proposal.offer) == Offer.AVAILABLE
    assert _status(proposal.household) == Household.Status.SEEKING


@pytest.mark.django_db
def test_beneficiary_decline_frees_offer_and_household_seeks_again(proposal_at, caseworker):
    proposal = proposal_at(S.SPONSOR_ACCEPTED)

    proposal_transition(
        proposal=proposal,
        to=S.BENEFICIARY_DECLINED,
        by=caseworker,
        decline_reason=MatchProposal.DeclineReason.LOCATION,
    )

    assert _status(proposal.offer) == Offer.AVAILABLE
    assert _status(proposal.household) == Household.Status.SEEKING


@pytest.mark.django_db
def test_sending_reserves_the_offer(proposal_at, caseworker):
    proposal = proposal_at(S.APPROVED)

    proposal = proposal_transition(proposal=proposal, to=S.SENT, by=caseworker)

    assert _status(proposal.offer) == Offer.RESERVED
    assert proposal.awaiting_since is not None
    assert OfferTransition.objects.filter(offer=proposal.offer, to_status=Offer.RESERVED).count() == 1


@pytest.mark.django_db
def test_sending_refuses_offer_no_longer_available(proposal_at, caseworker):
    proposal = proposal_at(S.APPROVED)
    HousingOffer.objects.filter(pk=proposal.offer_id).update(status=Offer.WITHDRAWN)
    before = _state(proposal)

    with pytest.raises(ProposalError):
        proposal_transition(proposal=proposal, to=S.SENT, by=caseworker)

    assert _state(proposal) == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SENT, S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED, S.MEETING])
def test_withdraw_after_sending_frees_the_offer(proposal_at, caseworker, status):
    proposal = proposal_at(status)
    assert _status(proposal.offer) == Offer.RESERVED

    proposal = proposal_transition(proposal=proposal, to=S.WITHDRAWN, by=caseworker, note="Household moved away.")

    assert proposal.withdraw_reason == "Household moved away."
    assert _status(proposal.offer) == Offer.AVAILABLE
    assert _status(proposal.household) == Household.Status.SEEKING


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.PROPOSED, S.APPROVED])
def test_withdraw_before_sending_leaves_offer_available(proposal_at, caseworker, status):
    proposal = proposal_at(status)
    offer_steps = list(OfferTransition.objects.filter(offer=proposal.offer).values_list("pk", flat=True))

    proposal_transition(proposal=proposal, to=S.WITHDRAWN, by=caseworker, note="Wrong household.")

    assert _status(proposal.offer) == Offer.AVAILABLE
    assert list(OfferTransition.objects.filter(offer=proposal.offer).values_list("pk", flat=True)) == offer_steps


# --- Notifications ----------------------------------------------------------------------------------


def _queued_pks() -> list[int]:
    return list(QueuedTask.objects.order_by("pk").values_list("pk", flat=True))


def _queued_for(step: ProposalTransition) -> list[QueuedTask]:
    """The outbox rows of this step's notification task (the setup's own steps leave rows of theirs)."""
    return [task for task in QueuedTask.objects.filter(task_name=NOTIFY_TASK) if task.args == [step.pk]]


@pytest.mark.django_db
def test_sent_step_notifies_sponsor_once(proposal_at, caseworker, django_capture_on_commit_callbacks):
    proposal = proposal_at(S.APPROVED)
    sponsor = proposal.offer.sponsor.user
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(proposal=proposal, to=S.SENT, by=caseworker)

    step = ProposalTransition.objects.get(proposal=proposal, to_status=S.SENT)
    assert step.notified_at is not None
    assert Notification.objects.filter(user=sponsor).count() == 1
    assert not Notification.objects.filter(user=caseworker).exists()
    assert [message.to for message in mail.outbox] == [[sponsor.email]]
    assert _queued_for(step) == []  # sent, so out of the outbox

    with django_capture_on_commit_callbacks(execute=True):
        assert proposal_step_notify(step_id=step.pk) == 0

    assert Notification.objects.filter(user=sponsor).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sponsor_answer_notifies_the_caseworker_not_the_sponsor(proposal_at, django_capture_on_commit_callbacks):
    proposal = proposal_at(S.SENT)
    sponsor = proposal.offer.sponsor.user
    caseworker = proposal.household.caseworker
    notified_before = Notification.objects.filter(user=sponsor).count()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(proposal=proposal, to=S.SPONSOR_ACCEPTED, by=sponsor)

    assert Notification.objects.filter(user=caseworker).count() == 1
    assert Notification.objects.filter(user=sponsor).count() == notified_before


@pytest.mark.django_db
def test_step_rolled_back_sends_nothing_and_leaves_nothing(proposal_at, caseworker, django_capture_on_commit_callbacks):
    proposal = proposal_at(S.APPROVED)
    sponsor = proposal.offer.sponsor.user
    queued_before = _queued_pks()
    mail.outbox.clear()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        proposal_transition(proposal=proposal, to=S.SENT, by=caseworker)
        raise RuntimeError("the request failed after the step")

    assert callbacks == []
    assert _status(proposal) == S.APPROVED
    assert _status(proposal.offer) == Offer.AVAILABLE
    assert not ProposalTransition.objects.filter(proposal=proposal, to_status=S.SENT).exists()
    assert _queued_pks() == queued_before
    assert not Notification.objects.filter(user=sponsor).exists()
    assert mail.outbox == []


# --- Reminders and expiry ---------------------------------------------------------------------------


def _waiting(proposal: MatchProposal, delta: datetime.timedelta) -> MatchProposal:
    return _set(proposal, awaiting_since=timezone.now() - delta)


@pytest.mark.django_db
def test_proposals_remind_reminds_a_late_sent_proposal_once(proposal_at, django_capture_on_commit_callbacks):
    proposal = _waiting(proposal_at(S.SENT), datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS, minutes=5))
    sponsor = proposal.offer.sponsor.user
    notified_before = Notification.objects.filter(user=sponsor).count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_remind() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_remind() == 0

    assert Notification.objects.filter(user=sponsor).count() == notified_before + 1
    assert [message.to for message in mail.outbox] == [[sponsor.email]]
    proposal.refresh_from_db()
    assert proposal.reminded_at is not None


@pytest.mark.django_db
def test_proposals_remind_reminds_the_caseworker_when_the_household_must_answer(proposal_at):
    proposal = _waiting(
        proposal_at(S.SPONSOR_ACCEPTED), datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS, minutes=5)
    )

    assert proposals_remind() == 1

    assert Notification.objects.filter(user=proposal.household.caseworker).count() == 1


@pytest.mark.django_db
def test_proposals_remind_leaves_a_fresh_proposal_alone(proposal_at):
    proposal = _waiting(proposal_at(S.SENT), datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS, minutes=-5))
    notified_before = Notification.objects.count()

    assert proposals_remind() == 0

    assert Notification.objects.count() == notified_before
    proposal.refresh_from_db()
    assert proposal.reminded_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SENT, S.SPONSOR_ACCEPTED])
def test_proposals_expire_expires_late_proposal_once_and_frees_offer(proposal_at, status):
    proposal = _waiting(proposal_at(status), datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS, minutes=5))

    assert proposals_expire() == 1
    assert proposals_expire() == 0

    assert _status(proposal) == S.EXPIRED
    assert ProposalTransition.objects.filter(proposal=proposal, to_status=S.EXPIRED).count() == 1
    step = ProposalTransition.objects.get(proposal=proposal, to_status=S.EXPIRED)
    assert (step.from_status, step.by) == (status, None)
    assert _status(proposal.offer) == Offer.AVAILABLE
    assert _status(proposal.household) == Household.Status.SEEKING


@pytest.mark.django_db
def test_proposals_expire_leaves_a_proposal_within_the_time_alone(proposal_at):
    proposal = _waiting(proposal_at(S.SENT), datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS, minutes=-5))

    assert proposals_expire() == 0

    assert _status(proposal) == S.SENT
    assert _status(proposal.offer) == Offer.RESERVED


@pytest.mark.django_db
def test_proposals_expire_ignores_proposals_not_waiting_for_an_answer(proposal_at):
    proposal = _waiting(proposal_at(S.BENEFICIARY_ACCEPTED), datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS + 5))

    assert proposals_expire() == 0

    assert _status(proposal) == S.BENEFICIARY_ACCEPTED


# --- Confirming a placement -------------------------------------------------------------------------


@pytest.mark.django_db
def test_proposal_confirm_creates_placement_with_follow_ups(proposal_at, caseworker):
    proposal = proposal_at(S.MEETING)
    move_in = datetime.date(2031, 1, 31)  # month ends show that months are calendar months

    placement = _confirm(proposal, move_in_date=move_in)

    assert (placement.slot, placement.household, placement.offer) == (1, proposal.household, proposal.offer)
    assert (placement.move_in_date, placement.agreed_months, placement.created_by) == (move_in, 6, caseworker)
    # Six questionnaires: after 1, 3 and 6 months, the household's and the sponsor's.
    assert list(placement.follow_ups.values_list("milestone", "respondent", "due_on")) == [
        (months, respondent, move_in + relativedelta(months=months))
        for months in (1, 3, 6)
        for respondent in ("household", "sponsor")
    ]
    assert list(placement.follow_ups.values_list("due_on", flat=True))[0] == datetime.date(2031, 2, 28)
    assert not placement.follow_ups.filter(done_on__isnull=False).exists()
    assert _status(proposal) == S.CONFIRMED
    assert _status(proposal.offer) == Offer.OCCUPIED
    assert _status(proposal.household) == Household.Status.HOUSED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.PROPOSED, S.SENT, S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED])
def test_proposal_confirm_refuses_proposal_not_at_meeting(proposal_at, status):
    proposal = proposal_at(status)
    before = _state(proposal)

    with pytest.raises(ProposalError):
        _confirm(proposal)

    assert _state(proposal) == before
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_proposal_confirm_refuses_caseworker_of_another_organisation(proposal_at, other_caseworker):
    proposal = proposal_at(S.MEETING)

    with pytest.raises(PermissionDenied):
        _confirm(proposal, by=other_caseworker)

    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_proposal_confirm_refuses_second_household_on_a_full_offer(
    household_factory, available_offer, proposal_at, caseworker
):
    offer = available_offer()
    second = proposal_create(household=household_factory(head_name="Second Head"), offer=offer, by=caseworker)
    first = proposal_at(S.MEETING, offer=offer)
    second = _set(second, status=S.MEETING)
    _confirm(first)
    before = _state(second)

    with pytest.raises(ProposalError):
        _confirm(second)

    assert _state(second) == before
    assert _status(second) == S.MEETING
    assert Placement.objects.filter(offer=offer, end_date__isnull=True).count() == 1
    assert _status(second.household) == Household.Status.PROPOSED


@pytest.mark.django_db
def test_offer_for_two_households_takes_two_placements(proposal_at, available_offer):
    offer = available_offer()
    HousingOffer.objects.filter(pk=offer.pk).update(max_households=2)

    first = _confirm(proposal_at(S.MEETING, offer=offer))

    assert first.slot == 1
    assert _status(offer) == Offer.AVAILABLE

    second = _confirm(proposal_at(S.MEETING, offer=offer))

    assert second.slot == 2
    assert _status(offer) == Offer.OCCUPIED
    assert Placement.objects.filter(offer=offer, end_date__isnull=True).count() == 2
    assert OfferTransition.objects.filter(offer=offer, to_status=Offer.OCCUPIED).count() == 1


# --- Ending a placement -----------------------------------------------------------------------------


@pytest.fixture
def placement(proposal_at):
    return _confirm(proposal_at(S.MEETING), move_in_date=_today() - datetime.timedelta(days=60))


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["", "evicted"])
def test_placement_end_requires_outcome_from_the_list(placement, caseworker, outcome):
    with pytest.raises(ProposalError):
        placement_end(placement=placement, by=caseworker, end_date=_today(), outcome=outcome)

    placement.refresh_from_db()
    assert placement.end_date is None
    assert _status(placement.offer) == Offer.OCCUPIED


@pytest.mark.django_db
def test_placement_end_refuses_end_before_move_in(placement, caseworker):
    with pytest.raises(ProposalError):
        placement_end(
            placement=placement,
            by=caseworker,
            end_date=placement.move_in_date - datetime.timedelta(days=1),
            outcome=Placement.Outcome.OWN_HOUSING,
        )

    placement.refresh_from_db()
    assert placement.end_date is None


@pytest.mark.django_db
def test_placement_end_refuses_ending_twice(placement, caseworker):
    placement_end(placement=placement, by=caseworker, end_date=_today(), outcome=Placement.Outcome.OWN_HOUSING)

    with pytest.raises(ProposalError):
        placement_end(placement=placement, by=caseworker, end_date=_today(), outcome=Placement.Outcome.CONFLICT)

    placement.refresh_from_db()
    assert placement.outcome == Placement.Outcome.OWN_HOUSING
    assert OfferTransition.objects.filter(offer=placement.offer, from_status=Offer.OCCUPIED).count() == 1


@pytest.mark.django_db
def test_placement_end_refuses_caseworker_of_another_organisation(placement, other_caseworker):
    with pytest.raises(PermissionDenied):
        placement_end(
            placement=placement, by=other_caseworker, end_date=_today(), outcome=Placement.Outcome.OWN_HOUSING
        )

    placement.refresh_from_db()
    assert placement.end_date is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "household_status"),
    [
        (Placement.Outcome.OWN_HOUSING, Household.Status.CLOSED),
        (Placement.Outcome.RETURNED, Household.Status.CLOSED),
        (Placement.Outcome.CONFLICT, Household.Status.SEEKING),
        (Placement.Outcome.OTHER, Household.Status.SEEKING),
    ],
)
def test_placement_end_frees_offer_and_sets_household_status(placement, caseworker, outcome, household_status):
    placement = placement_end(placement=placement, by=caseworker, end_date=_today(), outcome=outcome, note="Moved on.")

    assert (placement.end_date, placement.outcome, placement.outcome_note) == (_today(), outcome, "Moved on.")
    assert _status(placement.household) == household_status
    assert _status(placement.offer) == Offer.AVAILABLE


# --- Follow-ups -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("rating", [1, 3, 5, None])
def test_follow_up_record_stores_the_visit(placement, caseworker_of, rating):
    colleague = caseworker_of()
    follow_up = placement.follow_ups.first()

    follow_up_record(follow_up=follow_up, by=colleague, note="All well.", rating=rating)

    follow_up.refresh_from_db()
    assert (follow_up.note, follow_up.rating, follow_up.done_on, follow_up.done_by) == (
        "All well.",
        rating,
        _today(),
        colleague,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("rating", [0, 6])
def test_follow_up_record_refuses_rating_outside_one_to_five(placement, caseworker, rating):
    follow_up = placement.follow_ups.first()

    with pytest.raises(ValidationError):
        follow_up_record(follow_up=follow_up, by=caseworker, note="Hm.", rating=rating)

    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    assert (follow_up.note, follow_up.rating, follow_up.done_on, follow_up.done_by) == ("", None, None, None)


@pytest.mark.django_db
def test_follow_up_record_refuses_caseworker_of_another_organisation(placement, other_caseworker):
    follow_up = placement.follow_ups.first()

    with pytest.raises(PermissionDenied):
        follow_up_record(follow_up=follow_up, by=other_caseworker, note="Looked.", rating=4)

    assert FollowUp.objects.get(pk=follow_up.pk).done_on is None


# --- Safeguarding -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_high_concern_suspends_sponsor_until_closed(available_offer, other_caseworker):
    offer = available_offer()
    sponsor = offer.sponsor
    assert sponsor_matching_blockers(sponsor=sponsor) == []
    assert sponsors_suspended_ids(sponsor_ids=[sponsor.pk]) == set()

    # Any caseworker can raise a concern, whatever their organisation.
    concern = concern_raise(
        sponsor=sponsor, by=other_caseworker, severity=SafeguardingConcern.Severity.HIGH, note="A report."
    )

    assert sponsor_matching_blockers(sponsor=sponsor) != []
    assert sponsors_suspended_ids(sponsor_ids=[sponsor.pk]) == {sponsor.pk}

    concern_close(concern=concern, by=other_caseworker, note="Checked: unfounded.")

    assert sponsor_matching_blockers(sponsor=sponsor) == []
    assert sponsors_suspended_ids(sponsor_ids=[sponsor.pk]) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("severity", [SafeguardingConcern.Severity.LOW, SafeguardingConcern.Severity.MEDIUM])
def test_lower_concern_does_not_suspend_sponsor(available_offer, caseworker, severity):
    offer = available_offer()

    concern_raise(sponsor=offer.sponsor, by=caseworker, severity=severity, note="Minor remark.")

    assert sponsor_matching_blockers(sponsor=offer.sponsor) == []
    assert offers_matchable().filter(pk=offer.pk).exists()
    assert sponsors_suspended_ids(sponsor_ids=[offer.sponsor.pk]) == set()


@pytest.mark.django_db
def test_concern_raise_refuses_non_staff(available_offer):
    offer = available_offer()

    with pytest.raises(PermissionDenied):
        concern_raise(sponsor=offer.sponsor, by=offer.sponsor.user, severity="high", note="Nope.")

    assert not SafeguardingConcern.objects.exists()


@pytest.mark.django_db
def test_concern_close_refuses_closing_twice(available_offer, caseworker):
    concern = concern_raise(sponsor=available_offer().sponsor, by=caseworker, severity="high", note="A report.")
    concern_close(concern=concern, by=caseworker, note="Resolved.")

    with pytest.raises(ProposalError):
        concern_close(concern=concern, by=caseworker, note="Again.")


# --- What the sponsor sees of the household ---------------------------------------------------------

HIDDEN_KEYS = {"name", "phone", "email"}


def _assert_hidden(summary: dict, household: Household) -> None:
    assert summary["revealed"] is False
    assert HIDDEN_KEYS.isdisjoint(summary)
    assert household.head_name not in str(summary)
    assert household.phone not in str(summary)
    assert household.email not in str(summary)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.PROPOSED, S.SENT, S.SPONSOR_ACCEPTED])
def test_household_for_sponsor_hides_identity_before_household_accepted(proposal_at, status):
    proposal = proposal_at(status)

    summary = household_for_sponsor(proposal=proposal)

    assert (summary["size"], summary["adults"], summary["children"]) == (3, [38, 35], [9])
    assert summary["needs_step_free"] is False
    assert "has_pets" in summary
    _assert_hidden(summary, proposal.household)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.BENEFICIARY_ACCEPTED, S.MEETING])
def test_household_for_sponsor_hides_identity_without_consent(proposal_at, status):
    proposal = proposal_at(status)
    Household.objects.filter(pk=proposal.household_id).update(consent_given_on=None)
    proposal = MatchProposal.objects.get(pk=proposal.pk)

    summary = household_for_sponsor(proposal=proposal)

    assert summary["size"] == 3
    _assert_hidden(summary, proposal.household)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.BENEFICIARY_ACCEPTED, S.MEETING])
def test_household_for_sponsor_reveals_identity_after_consent_and_acceptance(proposal_at, status):
    proposal = proposal_at(status)

    summary = household_for_sponsor(proposal=proposal)

    assert summary["revealed"] is True
    assert (summary["name"], summary["phone"], summary["email"]) == (
        "Olena Kovalenko",
        "+370 611 11111",
        "olena@example.org",
    )
    assert summary["size"] == 3


# --- Concurrency ------------------------------------------------------------------------------------


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_confirming_the_same_offer_at_once_get_one_placement(
    household_factory, available_offer, proposal_at, caseworker
):
    for round_ in range(3):
        offer = available_offer()
        second = proposal_create(
            household=household_factory(head_name=f"Second Head {round_}"), offer=offer, by=caseworker
        )
        first = proposal_at(S.MEETING, household=household_factory(head_name=f"First Head {round_}"), offer=offer)
        second = _set(second, status=S.MEETING)
        first = MatchProposal.objects.select_related("household__caseworker").get(pk=first.pk)
        second = MatchProposal.objects.select_related("household__caseworker").get(pk=second.pk)

        results = all_at_once(_confirm, [first, second])

        placements = [result for result in results if isinstance(result, Placement)]
        errors = [result for result in results if not isinstance(result, Placement)]
        assert len(placements) == 1, results
        assert len(errors) == 1 and isinstance(errors[0], ProposalError), results
        assert Placement.objects.filter(offer=offer).count() == 1
        assert OfferTransition.objects.filter(offer=offer, to_status=Offer.OCCUPIED).count() == 1
        assert _status(offer) == Offer.OCCUPIED
        assert sorted(MatchProposal.objects.filter(offer=offer).values_list("status", flat=True)) == [
            S.CONFIRMED,
            S.MEETING,
        ]
