"""Core services: handing tasks to Celery after commit, with a database outbox when the broker is down,
and emails, which wait in the database (`OutboundEmail`) until a worker sent them."""

import datetime
import logging
import smtplib
import time
from email.utils import getaddresses
from functools import partial
from typing import Any

from celery import current_app
from celery.exceptions import Retry
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from portal.models import OutboundEmail, QueuedTask

logger = logging.getLogger(__name__)

# What a failed publish raises when the broker (or the result backend) cannot be reached. Publishing
# itself falls back to the outbox on *any* exception (see `_task_send`); this list is for callers that
# retry (the outbox flush task) and for the health check.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, RedisError, ConnectionError, TimeoutError)

# After a failed publish, this process sends straight to the outbox for `TASK_PUBLISH_PAUSE` seconds,
# so that a request queuing several tasks while Redis hangs waits at most once.
_publish_paused_until: dict[str, float] = {}


# The task this module queues, by the name `portal.tasks` registers it under (the tasks import this
# module, so it names them rather than import them).
EMAIL_SEND_TASK = "portal.tasks.email_send_task"


class UnknownTaskError(LookupError):
    """No Celery task is registered under the name given to `task_enqueue` (a programming error)."""


def task_enqueue(*, task: str, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None) -> None:
    """Send the task registered as `task` once the current transaction commits (at once outside a
    transaction).

    `task` is the name a `tasks` module gives its task (`@shared_task(name=...)`), kept in a constant
    next to the service that queues it: services name their tasks instead of importing them, since the
    tasks import the services. A name that no task is registered under raises `UnknownTaskError` here,
    before anything is written, rather than leaving a row that no worker would ever run.

    A transactional outbox: the call is written to `QueuedTask` in the caller's transaction, so it
    exists exactly when the data it is about was committed, and it is deleted once the broker took it.
    If the broker cannot be reached, fails in any way, or hangs (connect and send are bounded by
    `TASK_PUBLISH_TIMEOUT`), or the process dies before sending, the row stays and `outbox_flush`
    sends it later: never dropped, and the request never fails or waits because of the broker.
    Arguments must be JSON (primary keys, plain data). In eager mode (no REDIS_URL) the task runs in
    this process.
    """
    if not task_registered(task):
        raise UnknownTaskError(f"No Celery task is registered as {task!r}.")
    queued = QueuedTask.objects.create(task_name=task, args=list(args or []), kwargs=dict(kwargs or {}), attempts=0)
    transaction.on_commit(partial(_task_send, queued.pk))


def _task_send(queued_pk: int) -> bool:
    queued = QueuedTask.objects.filter(pk=queued_pk).first()
    if queued is None:
        return False  # already sent by a flush
    try:
        paused = _publish_paused()
        if paused:
            raise paused
        _publish(queued)
    except _send_errors() as exc:
        _publish_failed(exc)
        # Log the task name and the error only: arguments may hold personal data.
        logger.warning("Task %s not sent, kept in the outbox: %s", queued.task_name, type(exc).__name__)
        QueuedTask.objects.filter(pk=queued_pk).update(
            attempts=queued.attempts + 1, last_error=_error_text(exc), updated_at=timezone.now()
        )
        return False
    QueuedTask.objects.filter(pk=queued_pk).delete()
    return True


class PublishPaused(Exception):
    """A publish failed moments ago in this process: the task goes straight to the outbox."""


def _publish(queued: QueuedTask) -> None:
    """Hand one outbox row to the broker, bounded in time.

    Results are never subscribed to (`ignore_result`): the Redis result backend would otherwise
    subscribe to the result's channel before publishing, with its own long retry policy (what made
    requests hang about 19 s with Redis down). The publish uses a connection of its own with short
    connect and socket timeouts and no retries (`TASK_PUBLISH_TIMEOUT`): the outbox is the retry. The
    worker's own connection keeps the longer timeouts its blocking reads need.
    """
    app = current_app
    task = app.tasks[queued.task_name]
    if app.conf.task_always_eager:
        task.apply_async(args=queued.args, kwargs=queued.kwargs)
        return
    timeout = float(getattr(settings, "TASK_PUBLISH_TIMEOUT", 0.5))
    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "max_retries": 0,
    }
    with app.connection_for_write(connect_timeout=timeout, transport_options=options) as connection:
        task.apply_async(args=queued.args, kwargs=queued.kwargs, connection=connection, retry=False, ignore_result=True)


def _publish_key() -> str:
    return str(current_app.conf.broker_url)


def _publish_paused() -> PublishPaused | None:
    if current_app.conf.task_always_eager:
        return None
    until = _publish_paused_until.get(_publish_key(), 0.0)
    if time.monotonic() < until:
        return PublishPaused("The broker failed moments ago; kept in the outbox.")
    return None


def _publish_failed(exc: BaseException) -> None:
    if current_app.conf.task_always_eager or isinstance(exc, PublishPaused):
        return
    pause = float(getattr(settings, "TASK_PUBLISH_PAUSE", 5))
    _publish_paused_until[_publish_key()] = time.monotonic() + pause


def _error_text(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}")[:2000]


def _send_errors() -> tuple[type[BaseException], ...]:
    """Failures that keep a task for later. With a broker: any failure of the publish (broker, result
    backend, serialisation, a hang cut by the timeout). When tasks run eagerly in the web process: the
    broker errors and transient failures of the task itself (e.g. the mail server is unreachable);
    other errors of an eager task propagate, as a worker would report them."""
    if current_app.conf.task_always_eager:
        return (*BROKER_ERRORS, OSError, Retry)
    return (Exception,)


def tasks_load() -> None:
    """Register every app's tasks in this process (once). Celery's autodiscovery is lazy: a worker
    imports the `tasks` modules on start; a web process or a management command (cron's `outbox_flush`)
    imports them here, the first time it queues or flushes a task (services name their tasks, they
    never import them)."""
    global _tasks_loaded
    if not _tasks_loaded:
        current_app.loader.import_default_modules()
        _tasks_loaded = True


_tasks_loaded = False


def task_registered(name: str) -> bool:
    """Whether a task is registered with the Celery app under `name` (every app's tasks loaded first,
    unless it is already there: a worker has them all, and loading them again inside a running task
    stalls it)."""
    if name in current_app.tasks:
        return True
    tasks_load()
    return name in current_app.tasks


def outbox_flush(*, limit: int = 500, min_age: datetime.timedelta = datetime.timedelta(seconds=60)) -> int:
    """Send the tasks kept in the outbox, oldest first; returns how many were sent.

    Only rows older than `min_age` are taken, so that a request still sending its own task is not
    raced. Each row is locked while it is sent and deleted in the same transaction, so two flushes
    never send the same task twice. Rows of unknown tasks (renamed or removed) are skipped and keep
    their error; they never hold back the others. The same from the command line, beat and a worker:
    every app's tasks are registered first.
    """
    tasks_load()
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
                _publish(queued)
            except _send_errors() as exc:
                queued.attempts += 1
                queued.last_error = _error_text(exc)
                queued.save(update_fields=["attempts", "last_error", "updated_at"])
                logger.warning("Tasks still not sent; %s left in the outbox", len(pks) - sent)
                break
            queued.delete()
            sent += 1
    if sent:
        _publish_paused_until.pop(_publish_key(), None)  # the broker is back
    return sent


class EmailRetryableError(ConnectionError):
    """A transient delivery failure (the mail server is unreachable or said "try later"), worth a retry.

    Its message names the error class and SMTP code only: the original exception may quote recipients,
    and Celery logs the exception of a retried or failed task.
    """


def email_send(*, message: EmailMessage, language: str | None = None) -> OutboundEmail:
    """Store an already-rendered email in the database outbox and queue `email_send_task` after commit.

    Written in the caller's transaction, so the email exists exactly when the data it tells about was
    committed. The task carries only the row's primary key: recipients, names and links (password
    reset, confirmation, invitation) never travel through the broker or appear in task arguments.
    """
    if message.attachments:
        raise ValueError("Emails with attachments are not supported by the outbox.")
    outbound = OutboundEmail.objects.create(
        from_email=message.from_email or "",
        to=[str(address) for address in message.to],
        cc=[str(address) for address in message.cc],
        bcc=[str(address) for address in message.bcc],
        reply_to=[str(address) for address in message.reply_to],
        subject=str(message.subject),
        body=str(message.body),
        alternatives=[[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        headers={str(key): str(value) for key, value in message.extra_headers.items()},
        language=(language or translation.get_language() or "")[:8],
    )
    task_enqueue(task=EMAIL_SEND_TASK, args=[outbound.pk])
    return outbound


def email_message(*, outbound: OutboundEmail) -> EmailMultiAlternatives:
    """The stored email as a Django message, ready to send."""
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body,
        from_email=outbound.from_email or None,
        to=outbound.to,
        cc=outbound.cc,
        bcc=outbound.bcc,
        reply_to=outbound.reply_to,
        headers=outbound.headers,
    )
    for content, mimetype in outbound.alternatives:
        message.attach_alternative(content, mimetype)
    return message


def email_deliver(*, outbound_id: int) -> bool:
    """Send the stored email `outbound_id` and delete it; returns whether this call sent it.

    Idempotent: the row is locked while it is sent and deleted in the same transaction, so a
    redelivered or concurrent task waits for the lock, then finds no row ("already sent") and sends
    nothing. A transient failure is counted on the row and raised as `EmailRetryableError` (the task
    retries it); any other failure is recorded on the row, which stays for an administrator, and
    nothing is raised. Logs and errors name the row and the error class only, never an address.
    """
    with transaction.atomic():
        outbound = OutboundEmail.objects.select_for_update().filter(pk=outbound_id).first()
        if outbound is None:
            return False
        try:
            email_message(outbound=outbound).send()
        except Exception as exc:  # noqa: BLE001 - every failure is recorded; none may leak the message
            error = _email_error_describe(exc)
            outbound.attempts += 1
            outbound.last_error = error
            outbound.save(update_fields=["attempts", "last_error", "updated_at"])
            retry = _email_error_is_transient(exc)
        else:
            outbound.delete()
            return True
    logger.warning("Email #%s not sent (attempt %s): %s", outbound_id, outbound.attempts, error)
    if retry:
        raise EmailRetryableError(error) from None
    return False


def _email_error_is_transient(exc: BaseException) -> bool:
    """Worth a retry: the mail server is unreachable or answered "try later" (4xx). A refused recipient,
    bad credentials or a malformed message are not."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # network: refused, reset, timed out, name not resolved


def _email_error_describe(exc: BaseException) -> str:
    """The error class and SMTP code: SMTP errors and their texts may quote the recipients."""
    code = getattr(exc, "smtp_code", None) or getattr(exc, "errno", None)
    return f"{type(exc).__name__} ({code})" if code else type(exc).__name__


def email_requeue(*, outbound_ids: list[int]) -> int:
    """Queue the stored emails again (e.g. after a mail server outage outlasted the retries); returns how
    many. Sending stays idempotent: a row already sent is gone and is skipped."""
    pks = list(OutboundEmail.objects.filter(pk__in=outbound_ids).values_list("pk", flat=True))
    for pk in pks:
        task_enqueue(task=EMAIL_SEND_TASK, args=[pk])
    return len(pks)


def emails_discard(*, addresses: list[str]) -> int:
    """Delete the unsent emails to any of `addresses` (an erased person's: their bodies hold names and
    links); returns how many. The outbox is small, so the rows are read rather than queried by JSON."""
    wanted = {address.strip().lower() for address in addresses if address}
    pks = [
        outbound.pk
        for outbound in OutboundEmail.objects.only("pk", "to", "cc", "bcc", "reply_to")
        if wanted
        & {
            parsed.lower()
            for _name, parsed in getaddresses([*outbound.to, *outbound.cc, *outbound.bcc, *outbound.reply_to])
        }
    ]
    return OutboundEmail.objects.filter(pk__in=pks).delete()[0]


def email_address_mask(address: str) -> str:
    """The address as "o•••@example.org": enough to tell emails apart in the admin, not to read it."""
    name, _at, domain = str(address).rpartition("@")
    if not name:
        return "•••"
    return f"{name[0]}•••@{domain}"
