"""What people are told about proposals: the step notices and the reminders (their wording is in
`matching.notification_kinds`)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from matching.models import MatchProposal, ProposalTransition
from matching.notification_kinds import PROPOSAL_REMINDER, PROPOSAL_STEP
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
                user_notify(
                    user=recipient,
                    code=PROPOSAL_REMINDER,
                    params={**_proposal_params(proposal, recipient), "days": settings.PROPOSAL_EXPIRY_DAYS},
                )
            proposal.reminded_at = now
            proposal.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def _proposal_params(proposal: MatchProposal, user: User) -> dict:
    """Which proposal, and whether the recipient follows it in the admin (a caseworker) or on the
    sponsor's pages: the link is made from these when the notification is read."""
    return {"proposal": proposal.pk, "admin": is_caseworker(user)}


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
            user_notify(
                user=user,
                code=PROPOSAL_STEP,
                params={**_proposal_params(step.proposal, user), "status": step.to_status},
            )
        step.notified_at = timezone.now()
        step.save(update_fields=["notified_at"])
    return len(recipients)
