"""Thin Celery tasks for mediation."""

from celery import shared_task

from matching.services import proposal_step_notify, proposals_expire, proposals_remind


@shared_task(name="matching.tasks.proposal_step_notify_task")
def proposal_step_notify_task(step_id: int) -> int:
    return proposal_step_notify(step_id=step_id)


@shared_task(name="matching.tasks.proposals_remind_task", ignore_result=True)
def proposals_remind_task() -> int:
    """Periodic (beat): remind whoever has to answer a proposal."""
    return proposals_remind()


@shared_task(name="matching.tasks.proposals_expire_task", ignore_result=True)
def proposals_expire_task() -> int:
    """Periodic (beat): proposals without an answer in time expire and free the offer."""
    return proposals_expire()
