"""Proposals and their lifecycle.

`PROPOSAL_WORKFLOW` is the table of allowed steps and who takes them; services, the step form, the
admin and the sponsor's page all ask it. Every step goes through `proposal_transition`, which refuses
steps the workflow does not allow for the status or the person; `_proposal_record` records each step
(and notifies, through Celery, after commit, once). An offer that leaves ends its proposals here
(`proposals_end_for_offer`, on housing's `offer_leaving` signal).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.models import HousingOffer
from housing.services import offer_transition
from matching.access import proposal_role
from matching.models import MatchProposal, ProposalTransition
from matching.services.households import household_status_sync
from portal.models import User
from portal.services import task_enqueue
from portal.workflow import Role, Workflow, WorkflowError
from sponsorship.access import can_handle_household
from sponsorship.models import Household
from sponsorship.selectors import sponsor_matching_blockers

S = MatchProposal.Status
FOLLOW_UP_MONTHS = [1, 3, 6]
# Households that may receive a proposal (by hand or from the matching engine).
PROPOSABLE = [Household.Status.SEEKING, Household.Status.REGISTERED, Household.Status.PROPOSED]
# Queued by name (`matching.tasks` registers it, and imports this module).
PROPOSAL_STEP_NOTIFY_TASK = "matching.tasks.proposal_step_notify_task"


class ProposalError(WorkflowError):
    """A mediation rule was broken; the message is translated and safe to show."""


# The proposal's lifecycle: the allowed steps, and who takes them.
PROPOSAL_WORKFLOW = Workflow(
    statuses=S,
    steps={
        (S.PROPOSED, S.APPROVED): {Role.CASEWORKER},
        (S.APPROVED, S.SENT): {Role.CASEWORKER},
        (S.SENT, S.SPONSOR_ACCEPTED): {Role.SPONSOR},
        (S.SENT, S.SPONSOR_DECLINED): {Role.SPONSOR},
        (S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED): {Role.CASEWORKER},
        (S.SPONSOR_ACCEPTED, S.BENEFICIARY_DECLINED): {Role.CASEWORKER},
        (S.BENEFICIARY_ACCEPTED, S.MEETING): {Role.CASEWORKER},
        (S.MEETING, S.CONFIRMED): {Role.CASEWORKER},
        (S.SENT, S.EXPIRED): {Role.SYSTEM},
        (S.SPONSOR_ACCEPTED, S.EXPIRED): {Role.SYSTEM},
        **{(status, S.WITHDRAWN): {Role.CASEWORKER} for status in MatchProposal.OPEN},
    },
    role_of=proposal_role,
    error=ProposalError,
    refused=gettext_lazy("A proposal cannot go from “%(from)s” to “%(to)s”."),
    denied=gettext_lazy("You cannot take this step."),
)
DECLINES = {S.SPONSOR_DECLINED, S.BENEFICIARY_DECLINED}
# Once sent, the offer is reserved for the proposal; these steps free it again.
FREES_OFFER = {S.SPONSOR_DECLINED, S.BENEFICIARY_DECLINED, S.WITHDRAWN, S.EXPIRED}


def proposal_create(
    *, household: Household, offer: HousingOffer, by: User, score: float | None = None, explanation: dict | None = None
) -> MatchProposal:
    """A caseworker (or the matching engine, acting for one) proposes an offer to a household."""
    if not can_handle_household(by, household):
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
        household_status_sync(household_id=household.pk)
    return proposal


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
        PROPOSAL_WORKFLOW.check(proposal, to, by)
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


def _proposal_apply(*, proposal: MatchProposal, to: str, by: User | None, note: str = "") -> ProposalTransition:
    """A step and its effect on the offer (the caller checked the step is allowed and holds the proposal's
    lock): sending reserves the offer; ending a sent proposal makes the offer available again."""
    if to == S.SENT:
        # No household detail in the offer's history: offers are seen by every organisation's staff.
        offer_transition(
            offer=proposal.offer, to=HousingOffer.Status.RESERVED, by=by, note=_("Proposed to a household.")
        )
    if to in FREES_OFFER and proposal.status not in (S.PROPOSED, S.APPROVED):
        _offer_free(proposal.offer)
    return _proposal_record(proposal=proposal, to=to, by=by, note=note)


def _proposal_record(*, proposal: MatchProposal, to: str, by: User | None, note: str = "") -> ProposalTransition:
    """The step itself, in one place for every step: the proposal's new status (after an ending step, the
    household's status derived again), the step recorded, its notice queued after commit."""
    previous = proposal.status
    proposal.status = to
    proposal.awaiting_since = timezone.now() if to in MatchProposal.AWAITING else None
    proposal.reminded_at = None
    proposal.save()
    if to in FREES_OFFER:
        household_status_sync(household_id=proposal.household_id)
    step = ProposalTransition.objects.create(proposal=proposal, from_status=previous, to_status=to, by=by, note=note)
    task_enqueue(task=PROPOSAL_STEP_NOTIFY_TASK, args=[step.pk])
    return step


def proposals_end_for_offer(*, offer: HousingOffer, by: User | None) -> int:
    """An offer that leaves (withdrawn or expired) ends its open proposals: they are withdrawn, the
    households seek again, their caseworkers (and, once sent, the sponsor) are told. The offer itself is
    not touched: it has already left. Called inside the offer's step (see `offer_left`); returns how many
    proposals ended."""
    ended = 0
    for proposal in MatchProposal.objects.select_for_update(of=("self",)).filter(
        offer=offer, status__in=MatchProposal.OPEN
    ):
        proposal.withdraw_reason = _("The housing offer was withdrawn or has expired.")
        _proposal_record(proposal=proposal, to=S.WITHDRAWN, by=by, note=proposal.withdraw_reason)
        ended += 1
    return ended


def offer_left(sender, *, offer: HousingOffer, by: User | None, **kwargs) -> None:
    """Receiver of `housing.signals.offer_leaving` (connected in `MatchingConfig.ready`)."""
    proposals_end_for_offer(offer=offer, by=by)


def _offer_free(offer: HousingOffer) -> None:
    """The proposal that reserved the offer ended: the offer is available again (a consequence of the
    proposal step, which records who took it, so the offer step is the system's). An offer that is no
    longer reserved (withdrawn, say) is left as it is."""
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
