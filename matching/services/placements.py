"""Placements: a confirmed proposal becomes one; follow-ups, mediation notes and the end of a placement."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.models import HousingOffer
from housing.services import offer_transition
from matching.models import FollowUp, MatchProposal, MediationNote, Placement
from matching.services.households import household_status_sync
from matching.services.proposals import FOLLOW_UP_MONTHS, ProposalError, S, _proposal_apply, proposal_transition
from portal.models import User
from sponsorship.access import can_handle_household
from sponsorship.models import Household


def proposal_confirm(
    *, proposal: MatchProposal, by: User, move_in_date: datetime.date, agreed_months: int, note: str = ""
) -> Placement:
    """Confirm the placement. The database refuses a second active placement in the same slot, so two
    caseworkers confirming at once get exactly one placement.

    Rows are locked in one fixed order, so concurrent confirmations never deadlock: the household, then
    every offer the step touches (this one and those of the household's other open proposals, which it
    withdraws) by primary key, then the proposals. A confirmation that loses the race to another of the
    same household's proposals gets a clear error."""
    try:
        with transaction.atomic():
            Household.objects.select_for_update().filter(pk=proposal.household_id).first()
            if Placement.objects.filter(household_id=proposal.household_id, end_date__isnull=True).exists():
                raise ProposalError(_("This household has just been placed in another home."))
            offer_ids = {proposal.offer_id} | set(
                MatchProposal.objects.filter(
                    household_id=proposal.household_id, status__in=MatchProposal.OPEN
                ).values_list("offer_id", flat=True)
            )
            offers = {
                offer.pk: offer
                for offer in HousingOffer.objects.select_for_update().filter(pk__in=offer_ids).order_by("pk")
            }
            offer = offers[proposal.offer_id]
            proposal = proposal_transition(proposal=proposal, to=S.CONFIRMED, by=by, note=note)
            taken = set(Placement.objects.filter(offer=offer, end_date__isnull=True).values_list("slot", flat=True))
            free = [slot for slot in range(1, offer.max_households + 1) if slot not in taken]
            if not free:
                raise ProposalError(_("This home is already taken: another placement was confirmed first."))
            placement = Placement(
                proposal=proposal,
                household=proposal.household,
                offer=offer,
                slot=free[0],
                move_in_date=move_in_date,
                agreed_months=agreed_months,
                created_by=by,
            )
            placement.full_clean(validate_constraints=False)
            placement.save()
            follow_ups_create(placement=placement)
            household_status_sync(household_id=proposal.household_id)
            for other in (
                MatchProposal.objects.select_for_update(of=("self",))
                .filter(household_id=proposal.household_id, status__in=MatchProposal.OPEN)
                .order_by("pk")
            ):
                other.withdraw_reason = _("The household was placed in another home.")
                _proposal_apply(proposal=other, to=S.WITHDRAWN, by=by, note=other.withdraw_reason)
            if len(free) == 1:
                offer_transition(offer=offer, to=HousingOffer.Status.OCCUPIED, by=by)
            else:
                offer_transition(offer=offer, to=HousingOffer.Status.AVAILABLE, by=by)
    except IntegrityError as exc:
        raise ProposalError(_("This home is already taken: another placement was confirmed first.")) from exc
    except OperationalError as exc:
        # A lock conflict with another kind of step (e.g. the sponsor withdrawing the offer at that very
        # moment): nothing was written; the caseworker can try again.
        if getattr(getattr(exc, "__cause__", None), "sqlstate", None) not in DEADLOCK_SQLSTATES:
            raise
        raise ProposalError(_("Someone changed this proposal at the same moment. Please try again.")) from exc
    return placement


# PostgreSQL's deadlock_detected and serialization_failure.
DEADLOCK_SQLSTATES = {"40P01", "40001"}


def follow_ups_create(*, placement: Placement) -> list[FollowUp]:
    """The placement's follow-up questionnaires: after each of `FOLLOW_UP_MONTHS` (1, 3, 6) from the
    move-in, one for the household and one for the sponsor."""
    return FollowUp.objects.bulk_create(
        FollowUp(
            placement=placement,
            respondent=respondent,
            milestone=months,
            due_on=placement.move_in_date + relativedelta(months=months),
        )
        for months in FOLLOW_UP_MONTHS
        for respondent in FollowUp.Respondent.values
    )


def follow_up_record(
    *,
    follow_up: FollowUp,
    by: User,
    note: str,
    rating: int | None,
    housing_condition: str | None = None,
    relationship: str | None = None,
    integration_steps: list[str] | None = None,
    done_on: datetime.date | None = None,
) -> FollowUp:
    """Record the answers of a follow-up questionnaire (the household's or the sponsor's): the rating,
    the condition of the home, the relationship, the integration steps taken and a note. `None` leaves an
    answer as it was; `done_on` (today by default) cannot be in the future."""
    if not can_handle_household(by, follow_up.placement.household):
        raise PermissionDenied
    if follow_up.placement.household.anonymised_at:
        raise ProposalError(_("This household's data has been erased: nothing more can be recorded."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ProposalError({"done_on": _("A follow-up cannot be done in the future.")})
    follow_up.note = note
    follow_up.rating = rating
    if housing_condition is not None:
        follow_up.housing_condition = housing_condition
    if relationship is not None:
        follow_up.relationship = relationship
    if integration_steps is not None:
        follow_up.integration_steps = list(integration_steps)
    follow_up.done_on = done_on
    follow_up.done_by = by
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def placement_end(
    *, placement: Placement, by: User, end_date: datetime.date, outcome: str, note: str = ""
) -> Placement:
    """End a placement with its outcome; the home is free again and the household closed or seeking again."""
    placement = (
        Placement.objects.select_for_update(of=("self",)).select_related("offer", "household").get(pk=placement.pk)
    )
    if not can_handle_household(by, placement.household):
        raise PermissionDenied
    if placement.end_date:
        raise ProposalError(_("This placement has already ended."))
    if outcome not in Placement.Outcome.values:
        raise ProposalError(_("Choose the outcome of the placement."))
    if end_date < placement.move_in_date:
        raise ProposalError(_("The end date cannot be before the move-in date."))
    placement.end_date = end_date
    placement.outcome = outcome
    placement.outcome_note = note
    placement.save()
    # A placement that broke down (conflict, other) leaves the household seeking; any other outcome closes
    # the case.
    needs_home = outcome in (Placement.Outcome.CONFLICT, Placement.Outcome.OTHER)
    household_status_sync(household_id=placement.household_id, closing=not needs_home)
    if placement.offer.status == HousingOffer.Status.OCCUPIED:
        offer_transition(offer=placement.offer, to=HousingOffer.Status.AVAILABLE, by=by)
    return placement


def mediation_note_add(
    *,
    by: User,
    text: str,
    proposal: MatchProposal | None = None,
    placement: Placement | None = None,
    kind: str = MediationNote.Kind.NOTE,
    meeting_at: datetime.datetime | None = None,
) -> MediationNote:
    record = proposal or placement
    assert record is not None, "a note belongs to a proposal or a placement"
    household = record.household
    if not can_handle_household(by, household):
        raise PermissionDenied
    note = MediationNote(proposal=proposal, placement=placement, kind=kind, meeting_at=meeting_at, text=text, author=by)
    note.full_clean()
    note.save()
    return note
