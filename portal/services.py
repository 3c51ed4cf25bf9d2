"""Core services: handing tasks to Celery after commit, with a database outbox when the broker is down."""

import datetime
import logging
from functools import partial
from typing import Any

from celery import Task, current_app
from celery.exceptions import Retry
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from portal.models import QueuedTask

logger = logging.getLogger(__name__)

# What a failed publish raises when the broker (or the result backend) cannot be reached.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, RedisError, ConnectionError, TimeoutError)


def task_enqueue(*, task: Task, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None) -> None:
    """Send `task` once the current transaction commits (at once outside a transaction).

    A transactional outbox: the call is written to `QueuedTask` in the caller's transaction, so it
    exists exactly when the data it is about was committed, and it is deleted once the broker took it.
    If the broker cannot be reached, or the process dies before sending, the row stays and
    `outbox_flush` sends it later: never dropped. Arguments must be JSON (primary keys, plain data).
    In eager mode (no REDIS_URL) the task runs in this process.
    """
    queued = QueuedTask.objects.create(
        task_name=task.name, args=list(args or []), kwargs=dict(kwargs or {}), attempts=0
    )
    transaction.on_commit(partial(_task_send, queued.pk))


def _task_send(queued_pk: int) -> bool:
    queued = QueuedTask.objects.filter(pk=queued_pk).first()
    if queued is None:
        return False  # already sent by a flush
    task = current_app.tasks[queued.task_name]
    try:
        task.apply_async(args=queued.args, kwargs=queued.kwargs)
    except _send_errors() as exc:
        # Log the task name and the error only: arguments may hold personal data.
        logger.warning("Task %s not sent, kept in the outbox: %s", queued.task_name, type(exc).__name__)
        QueuedTask.objects.filter(pk=queued_pk).update(
            attempts=queued.attempts + 1, last_error=str(exc)[:2000], updated_at=timezone.now()
        )
        return False
    QueuedTask.objects.filter(pk=queued_pk).delete()
    return True


def _send_errors() -> tuple[type[BaseException], ...]:
    """Failures that keep a task for later: the broker is down, or, when tasks run eagerly in the web
    process, a transient failure of the task itself (e.g. the mail server is unreachable)."""
    if current_app.conf.task_always_eager:
        return (*BROKER_ERRORS, OSError, Retry)
    return BROKER_ERRORS


def outbox_flush(*, limit: int = 500, min_age: datetime.timedelta = datetime.timedelta(seconds=60)) -> int:
    """Send the tasks kept in the outbox, oldest first; returns how many were sent.

    Only rows older than `min_age` are taken, so that a request still sending its own task is not
    raced. Each row is locked while it is sent and deleted in the same transaction, so two flushes
    never send the same task twice. Rows of unknown tasks (renamed or removed) are skipped and keep
    their error; they never hold back the others.
    """
    sent = 0
    known = list(current_app.tasks.keys())
    cutoff = timezone.now() - min_age
    pks = list(
        QueuedTask.objects.filter(task_name__in=known, updated_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    QueuedTask.objects.exclude(task_name__in=known).filter(last_error="").update(last_error="Unknown task")
    for pk in pks:
        with transaction.atomic():
            queued = QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if queued is None:
                continue
            try:
                current_app.tasks[queued.task_name].apply_async(args=queued.args, kwargs=queued.kwargs)
            except _send_errors() as exc:
                queued.attempts += 1
                queued.last_error = str(exc)[:2000]
                queued.save(update_fields=["attempts", "last_error", "updated_at"])
                logger.warning("Tasks still not sent; %s left in the outbox", len(pks) - sent)
                break
            queued.delete()
            sent += 1
    return sent


def email_send(*, message: EmailMessage) -> None:
    """Queue an already-rendered email for the `email_send_task` worker task (after commit)."""
    from portal.tasks import email_send_task  # tasks import this module

    task_enqueue(task=email_send_task, args=[email_message_to_dict(message)])


def email_message_to_dict(message: EmailMessage) -> dict[str, Any]:
    """A rendered email as JSON data; `email_message_from_dict` turns it back."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


def email_message_from_dict(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data.get("from_email"),
        to=data["to"],
        cc=data.get("cc") or [],
        bcc=data.get("bcc") or [],
        reply_to=data.get("reply_to") or [],
        headers=data.get("headers") or {},
    )
    for content, mimetype in data.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    return message
