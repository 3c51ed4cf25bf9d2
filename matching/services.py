"""Mediation rules: proposals and their lifecycle, placements, follow-ups, notes, safeguarding.

Every proposal step goes through `proposal_transition`, which refuses steps that are not allowed for
the status or the person, records the step, and notifies (through Celery, after commit, once).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from housing.models import HousingOffer
from housing.services import offer_transition
from matching.models import FollowUp, MatchProposal, MediationNote, Placement, ProposalTransition, SafeguardingConcern
from portal.models import User
from portal.notifications import user_notify
from portal.privacy import ErasureResult, fields_pseudonymise
from portal.services import task_enqueue
from sponsorship.households import household_can_see
from sponsorship.models import Household, SponsorProfile
from sponsorship.selectors import sponsor_matching_blockers

S = MatchProposal.Status
FOLLOW_UP_MONTHS = [1, 3, 6]
# Households that may receive a proposal (by hand or from the matching engine).
PROPOSABLE = [Household.Status.SEEKING, Household.Status.REGISTERED, Household.Status.PROPOSED]


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
    from matching.tasks import proposal_step_notify_task

    task_enqueue(task=proposal_step_notify_task, args=[step.pk])
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
            FollowUp.objects.bulk_create(
                FollowUp(placement=placement, due_on=move_in_date + relativedelta(months=months))
                for months in FOLLOW_UP_MONTHS
            )
            Household.objects.filter(pk=proposal.household_id).update(status=Household.Status.HOUSED)
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


def follow_up_record(*, follow_up: FollowUp, by: User, note: str, rating: int | None) -> FollowUp:
    if not household_can_see(user=by, household=follow_up.placement.household):
        raise PermissionDenied
    follow_up.note = note
    follow_up.rating = rating
    follow_up.done_on = timezone.localdate()
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
    if not household_can_see(user=by, household=placement.household):
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
    needs_home = outcome in (Placement.Outcome.CONFLICT, Placement.Outcome.OTHER)
    Household.objects.filter(pk=placement.household_id).update(
        status=Household.Status.SEEKING if needs_home else Household.Status.CLOSED
    )
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
    household = proposal.household if proposal else placement.household
    if not household_can_see(user=by, household=household):
        raise PermissionDenied
    note = MediationNote(proposal=proposal, placement=placement, kind=kind, meeting_at=meeting_at, text=text, author=by)
    note.full_clean()
    note.save()
    return note


def concern_raise(
    *, sponsor: SponsorProfile, by: User, severity: str, note: str, placement: Placement | None = None
) -> SafeguardingConcern:
    """Any caseworker can raise a concern; an open high-severity one suspends the sponsor from matching."""
    if not by.is_staff:
        raise PermissionDenied
    concern = SafeguardingConcern(sponsor=sponsor, placement=placement, severity=severity, note=note, raised_by=by)
    concern.full_clean()
    concern.save()
    return concern


def concern_close(*, concern: SafeguardingConcern, by: User, note: str) -> SafeguardingConcern:
    if not by.is_staff:
        raise PermissionDenied
    if concern.closed_at:
        raise ProposalError(_("This concern is already closed."))
    concern.closed_at = timezone.now()
    concern.closed_by = by
    concern.closing_note = note
    concern.save()
    return concern


# --- Reminders, expiry, notifications ---------------------------------------------------------------


def proposals_remind(*, now: datetime.datetime | None = None) -> int:
    """Periodic: proposals waiting for an answer longer than PROPOSAL_REMINDER_HOURS get one reminder."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS)
    sent = 0
    for pk in list(
        MatchProposal.objects.filter(
            status__in=MatchProposal.AWAITING, awaiting_since__lte=cutoff, reminded_at__isnull=True
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            proposal = (
                MatchProposal.objects.select_for_update(of=("self",))
                .select_related("household__caseworker", "offer__sponsor__user")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if proposal is None:
                continue
            recipient = proposal.offer.sponsor.user if proposal.status == S.SENT else proposal.household.caseworker
            if recipient is not None:
                with translation.override(recipient.language):
                    user_notify(
                        user=recipient,
                        title=_("A housing proposal is waiting for an answer"),
                        body=_("Please answer within %(days)s days of receiving it; after that it expires.")
                        % {"days": settings.PROPOSAL_EXPIRY_DAYS},
                        link=_proposal_link(proposal, recipient),
                    )
            proposal.reminded_at = now
            proposal.save(update_fields=["reminded_at"])
            sent += 1
    return sent


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


def _proposal_link(proposal: MatchProposal, user: User) -> str:
    if user.is_staff:
        return reverse("admin:matching_matchproposal_change", args=[proposal.pk])
    return reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})


@dataclass(frozen=True)
class _Message:
    title: str
    body: str


def _step_message(step: ProposalTransition) -> _Message:
    messages = {
        S.SENT: (_("New housing proposal"), _("A caseworker proposes a household for your offer. Please answer.")),
        S.SPONSOR_ACCEPTED: (_("The sponsor accepted"), _("The sponsor accepted the proposal. Ask the household.")),
        S.SPONSOR_DECLINED: (_("The sponsor declined"), _("The sponsor declined the proposal.")),
        S.BENEFICIARY_ACCEPTED: (_("The household accepted"), _("The household accepted. A meeting will be arranged.")),
        S.BENEFICIARY_DECLINED: (_("The household declined"), _("The household declined the proposal.")),
        S.MEETING: (_("Meeting arranged"), _("A meeting with the household has been arranged.")),
        S.CONFIRMED: (_("Placement confirmed"), _("The placement is confirmed.")),
        S.WITHDRAWN: (_("Proposal withdrawn"), _("The proposal was withdrawn.")),
        S.EXPIRED: (_("Proposal expired"), _("The proposal expired without an answer.")),
    }
    title, body = messages.get(step.to_status, (_("Proposal updated"), ""))
    return _Message(title=title, body=body)


def _step_recipients(step: ProposalTransition) -> list[User]:
    """Who hears of a step: the caseworker hears what the sponsor and the system did; the sponsor hears
    of the proposal once it is sent, and of every later step that is not their own."""
    proposal = step.proposal
    recipients = []
    if step.to_status in (S.SPONSOR_ACCEPTED, S.SPONSOR_DECLINED, S.EXPIRED, S.WITHDRAWN):
        recipients.append(proposal.household.caseworker)
    sponsor_involved = step.to_status == S.SENT or step.from_status not in (S.PROPOSED, S.APPROVED)
    if sponsor_involved and step.to_status not in (S.SPONSOR_ACCEPTED, S.SPONSOR_DECLINED):
        recipients.append(proposal.offer.sponsor.user)
    return [user for user in recipients if user is not None and user != step.by]


def proposal_step_notify(*, step_id: int) -> int:
    """Notify the people concerned by one proposal step, once (idempotent). Returns how many."""
    with transaction.atomic():
        step = (
            ProposalTransition.objects.select_for_update(of=("self",))
            .select_related("proposal__household__caseworker", "proposal__offer__sponsor__user")
            .filter(pk=step_id, notified_at__isnull=True)
            .first()
        )
        if step is None:
            return 0
        recipients = _step_recipients(step)
        for user in recipients:
            with translation.override(user.language):
                message = _step_message(step)
                user_notify(
                    user=user,
                    title=message.title,
                    body=message.body,
                    link=_proposal_link(step.proposal, user),
                )
        step.notified_at = timezone.now()
        step.save(update_fields=["notified_at"])
    return len(recipients)


# --- Erasure ------------------------------------------------------------------------------------------


def mediation_sponsor_erase(
    *, sponsor: SponsorProfile, user: User | None, pseudonym: str, values: list[str]
) -> ErasureResult:
    """For a sponsor's account deletion (after their offers were withdrawn, which ended open proposals).

    What the sponsor wrote goes: their decline notes and the notes of the steps they took. What staff
    wrote about the sponsor's proposals, placements and safeguarding concerns is kept for the
    households' cases, with the sponsor's personal `values` (and the text they wrote) replaced by the
    pseudonym; a concern's label names the sponsor by their erased label only. Statuses, reasons
    (as categories), dates and scores stay: anonymised statistics.
    """
    proposals = MatchProposal.objects.filter(offer__sponsor=sponsor)
    result = ErasureResult(records=list(proposals))
    own_steps = ProposalTransition.objects.filter(proposal__in=proposals, by=user) if user else None
    declined = proposals.filter(transitions__to_status=S.SPONSOR_DECLINED).distinct()
    written = list(declined.values_list("decline_note", flat=True))
    if own_steps is not None:
        written += list(own_steps.exclude(note="").values_list("note", flat=True))
        own_steps.update(note="")
    MatchProposal.objects.filter(pk__in=declined.values("pk")).update(decline_note="")
    result.values += written
    scrub = [*values, *written]
    steps = ProposalTransition.objects.filter(proposal__in=proposals)
    placements = Placement.objects.filter(offer__sponsor=sponsor)
    follow_ups = FollowUp.objects.filter(placement__in=placements)
    notes = MediationNote.objects.filter(Q(proposal__in=proposals) | Q(placement__in=placements))
    concerns = SafeguardingConcern.objects.filter(sponsor=sponsor)
    for queryset, fields in [
        (proposals, ["decline_note", "withdraw_reason"]),
        (steps, ["note"]),
        (placements, ["outcome_note"]),
        (follow_ups, ["note"]),
        (notes, ["text"]),
        (concerns, ["note", "closing_note"]),
    ]:
        fields_pseudonymise(queryset=queryset, fields=fields, pseudonym=pseudonym, values=scrub)
        if queryset.model is not ProposalTransition:
            result.records += list(queryset)
    return result
