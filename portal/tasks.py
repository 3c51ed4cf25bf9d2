"""Thin Celery tasks of the core app."""

import smtplib

from celery import shared_task

from portal.retention import retention_apply
from portal.services import BROKER_ERRORS, email_message_from_dict, outbox_flush


@shared_task(name="portal.tasks.ping", ignore_result=False)
def ping() -> str:
    """Answers "pong": used by health checks and tests to prove a worker round-trip."""
    return "pong"


@shared_task(
    name="portal.tasks.email_send_task",
    # Only transient failures are retried: a refused recipient or bad credentials fail at once.
    autoretry_for=(ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def email_send_task(message: dict) -> int:
    """Send one already-rendered email. SMTP and network failures are retried with backoff."""
    return email_message_from_dict(message).send()


@shared_task(name="portal.tasks.outbox_flush_task", ignore_result=True, autoretry_for=BROKER_ERRORS, max_retries=3)
def outbox_flush_task() -> int:
    """Periodic (beat): hand the tasks kept while the broker was down to the broker again."""
    return outbox_flush()


@shared_task(name="portal.tasks.retention_apply_task", ignore_result=True)
def retention_apply_task() -> dict[str, int]:
    """Daily (beat): apply the retention schedule. Idempotent: what was applied is no longer due."""
    return retention_apply()
