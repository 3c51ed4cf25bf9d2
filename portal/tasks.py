"""Thin Celery tasks of the core app."""

from celery import shared_task

from portal.retention import retention_apply
from portal.services import BROKER_ERRORS, EMAIL_SEND_TASK, EmailRetryableError, email_deliver, outbox_flush


@shared_task(name="portal.tasks.ping", ignore_result=False)
def ping() -> str:
    """Answers "pong": used by health checks and tests to prove a worker round-trip."""
    return "pong"


@shared_task(
    name=EMAIL_SEND_TASK,
    # Only transient failures are retried: a refused recipient or bad credentials fail at once.
    autoretry_for=(EmailRetryableError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def email_send_task(outbound_id: int) -> bool:
    """Send the stored email `outbound_id` (an `OutboundEmail`) once; a missing row was already sent."""
    return email_deliver(outbound_id=outbound_id)


@shared_task(name="portal.tasks.outbox_flush_task", ignore_result=True, autoretry_for=BROKER_ERRORS, max_retries=3)
def outbox_flush_task() -> int:
    """Periodic (beat): hand the tasks kept while the broker was down to the broker again."""
    return outbox_flush()


@shared_task(name="portal.tasks.retention_apply_task", ignore_result=True)
def retention_apply_task() -> dict[str, int]:
    """Daily (beat): apply the retention schedule. Idempotent: what was applied is no longer due."""
    return retention_apply()
