"""What people are told about proposals: the step notices and the reminders, with their wording."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matching.models import MatchProposal, ProposalTransition
from matching.services.proposals import S
from portal.access import is_caseworker
from portal.models import User
from portal.notifications import user_notify


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


def _proposal_link(proposal: MatchProposal, user: User) -> str:
    if is_caseworker(user):
        return reverse("admin:matching_matchproposal_change", args=[proposal.pk])
    return reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})


@dataclass(frozen=True)
class _Message:
    title: str
    body: str


def _step_message(step: ProposalTransition) -> _Message:
    messages: dict[str, tuple[str, str]] = {
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
