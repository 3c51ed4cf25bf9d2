"""Proposals and their lifecycle.

Every proposal step goes through `proposal_transition`, which refuses steps that are not allowed for
the status or the person, records the step, and notifies (through Celery, after commit, once).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.models import HousingOffer
from housing.services import offer_transition
from matching.models import MatchProposal, Placement, ProposalTransition
from portal.models import User
from portal.services import task_enqueue
from sponsorship.households.selectors import household_can_see
from sponsorship.models import Household
from sponsorship.selectors import sponsor_matching_blockers

S = MatchProposal.Status
FOLLOW_UP_MONTHS = [1, 3, 6]
# Households that may receive a proposal (by hand or from the matching engine).
PROPOSABLE = [Household.Status.SEEKING, Household.Status.REGISTERED, Household.Status.PROPOSED]
# Queued by name (`matching.tasks` registers it, and imports this module).
PROPOSAL_STEP_NOTIFY_TASK = "matching.tasks.proposal_step_notify_task"


class ProposalError(ValidationError):
    """A mediation rule was broken; the message is translated and safe to show."""


# Allowed steps, and who takes them: "caseworker" of the household's organisation, the offer's
# "sponsor", or the "system" (reminder and expiry jobs).
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PROPOSED, S.APPROVED): "caseworker",
    (S.APPROVED, S.SENT): "caseworker",
    (S.SENT, S.SPONSOR_ACCEPTED): "sponsor",
    (S.SENT, S.SPONSOR_DECLINED): "sponsor",
    (S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED): "caseworker",
    (S.SPONSOR_ACCEPTED, S.BENEFICIARY_DECLINED): "caseworker",
    (S.BENEFICIARY_ACCEPTED, S.MEETING): "caseworker",
    (S.MEETING, S.CONFIRMED): "caseworker",
    (S.SENT, S.EXPIRED): "system",
    (S.SPONSOR_ACCEPTED, S.EXPIRED): "system",
    **{(status, S.WITHDRAWN): "caseworker" for status in MatchProposal.OPEN},
}
DECLINES = {S.SPONSOR_DECLINED, S.BENEFICIARY_DECLINED}
# Once sent, the offer is reserved for the proposal; these steps free it again.
FREES_OFFER = {S.SPONSOR_DECLINED, S.BENEFICIARY_DECLINED, S.WITHDRAWN, S.EXPIRED}


def _role(proposal: MatchProposal, user: User | None) -> str:
    if user is None:
        return "system"
    if user.is_staff and household_can_see(user=user, household=proposal.household):
        return "caseworker"
    if proposal.offer.sponsor.user_id == user.pk:
        return "sponsor"
    return "other"


def proposal_create(
    *, household: Household, offer: HousingOffer, by: User, score: float | None = None, explanation: dict | None = None
) -> MatchProposal:
    """A caseworker (or the matching engine, acting for one) proposes an offer to a household."""
    if not by.is_staff or not household_can_see(user=by, household=household):
        raise PermissionDenied
    household.refresh_from_db(fields=["status", "consent_given_on"])
    offer.refresh_from_db(fields=["status"])
    if not household.has_consent:
        raise ProposalError(_("Record the household's consent before proposing housing."))
    if household.status not in PROPOSABLE:
        raise ProposalError(_("This household is not seeking housing."))
    if offer.status != HousingOffer.Status.AVAILABLE:
        raise ProposalError(_("Only an available offer can be proposed."))
    blockers = sponsor_matching_blockers(sponsor=offer.sponsor)
    if blockers:
        raise ProposalError(_("The sponsor cannot be matched yet: %(reasons)s") % {"reasons": " ".join(blockers)})
    with transaction.atomic():
        proposal = MatchProposal(
            household=household, offer=offer, score=score, explanation=explanation or {}, created_by=by
        )
        # The database decides about duplicates (a partial unique constraint), also under concurrency.
        proposal.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError as exc:
            raise ProposalError(_("This household already has an open proposal for this offer.")) from exc
        households_mark_proposed(household_ids=[household.pk])
    return proposal


def households_mark_proposed(*, household_ids) -> int:
    """Households that just got an open proposal are "proposed" (one rule for proposals made by hand and
    by the matching engine)."""
    return Household.objects.filter(pk__in=household_ids, status__in=PROPOSABLE).update(
        status=Household.Status.PROPOSED, updated_at=timezone.now()
    )


def proposal_transition(
    *,
    proposal: MatchProposal,
    to: str,
    by: User | None,
    note: str = "",
    decline_reason: str = "",
) -> MatchProposal:
    """Move a proposal one step, if the step is allowed for its status and for `by`."""
    with transaction.atomic():
        proposal = (
            MatchProposal.objects.select_for_update(of=("self",))
            .select_related("household", "offer__sponsor")
            .get(pk=proposal.pk)
        )
        actor = TRANSITIONS.get((proposal.status, to))
        if actor is None:
            raise ProposalError(
                _("A proposal cannot go from “%(from)s” to “%(to)s”.")
                % {"from": proposal.get_status_display(), "to": S(to).label}
            )
        if _role(proposal, by) != actor:
            raise PermissionDenied(_("You cannot take this step."))
        if to in DECLINES:
            if decline_reason not in MatchProposal.DeclineReason.values:
                raise ProposalError(_("Choose the reason for declining."))
            proposal.decline_reason = decline_reason
            proposal.decline_note = note
        if to == S.WITHDRAWN:
            if not note.strip():
                raise ProposalError(_("Give the reason for withdrawing the proposal."))
            proposal.withdraw_reason = note
        if to == S.SENT and proposal.offer.status != HousingOffer.Status.AVAILABLE:
            raise ProposalError(_("The offer is no longer available."))
        _proposal_apply(proposal=proposal, to=to, by=by, note=note)
    return proposal


def _proposal_apply(
    *, proposal: MatchProposal, to: str, by: User | None, note: str = "", free_offer: bool = True
) -> ProposalTransition:
    """The effects of a step (the caller checked it is allowed and holds the proposal's lock):
    reserve or free the offer, update the household, record the step, notify after commit."""
    previous = proposal.status
    if to == S.SENT:
        # No household detail in the offer's history: offers are seen by every organisation's staff.
        offer_transition(
            offer=proposal.offer, to=HousingOffer.Status.RESERVED, by=by, note=_("Proposed to a household.")
        )
    if free_offer and to in FREES_OFFER and previous not in (S.PROPOSED, S.APPROVED):
        _offer_free(proposal.offer, by)
    proposal.status = to
    proposal.awaiting_since = timezone.now() if to in MatchProposal.AWAITING else None
    proposal.reminded_at = None
    proposal.save()
    if to in FREES_OFFER:
        _household_after_proposal_end(proposal.household_id)
    step = ProposalTransition.objects.create(proposal=proposal, from_status=previous, to_status=to, by=by, note=note)
    task_enqueue(task=PROPOSAL_STEP_NOTIFY_TASK, args=[step.pk])
    return step


def _household_after_proposal_end(household_id: int) -> None:
    """After a proposal ended, the household is seeking again (the caseworker can rematch it), unless it
    is housed (an active placement) or still has another open proposal."""
    if Placement.objects.filter(household_id=household_id, end_date__isnull=True).exists():
        return
    still_open = MatchProposal.objects.filter(household_id=household_id, status__in=MatchProposal.OPEN).exists()
    Household.objects.filter(pk=household_id).update(
        status=Household.Status.PROPOSED if still_open else Household.Status.SEEKING
    )


def proposals_end_for_offer(*, offer: HousingOffer, by: User | None, to: str = S.WITHDRAWN) -> int:
    """The offer was withdrawn or expired: its open proposals end with it (households seek again, their
    caseworkers are told). Called by the offer lifecycle, inside its transaction."""
    ended = 0
    for proposal in MatchProposal.objects.select_for_update(of=("self",)).filter(
        offer=offer, status__in=MatchProposal.OPEN
    ):
        proposal.withdraw_reason = _("The housing offer was withdrawn or has expired.")
        # The offer itself is leaving: it is not made available again on the way.
        _proposal_apply(proposal=proposal, to=to, by=by, note=proposal.withdraw_reason, free_offer=False)
        ended += 1
    return ended


def _offer_free(offer: HousingOffer, by: User | None) -> None:
    """The proposal that reserved the offer ended: the offer is available again (a consequence of the
    proposal step, which records who took it, so the offer step is the system's)."""
    offer = HousingOffer.objects.get(pk=offer.pk)
    if offer.status == HousingOffer.Status.RESERVED:
        offer_transition(offer=offer, to=HousingOffer.Status.AVAILABLE, by=None, note=_("The proposal ended."))


def proposals_expire(*, now: datetime.datetime | None = None) -> int:
    """Periodic: proposals waiting longer than PROPOSAL_EXPIRY_DAYS expire and free the offer."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PROPOSAL_EXPIRY_DAYS)
    expired = 0
    for proposal in MatchProposal.objects.filter(status__in=MatchProposal.AWAITING, awaiting_since__lte=cutoff):
        try:
            proposal_transition(proposal=proposal, to=S.EXPIRED, by=None, note=_("No answer in time."))
        except ProposalError:
            continue
        expired += 1
    return expired
