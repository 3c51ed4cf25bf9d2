"""Tasks go to Celery after commit; with the broker down they wait in the outbox; a real worker runs them."""

import datetime
import re
import time
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from portal.models import OutboundEmail, QueuedTask
from portal.services import outbox_flush, task_enqueue
from portal.tasks import email_send_task, ping

NOW = datetime.timedelta(0)


def _message(to="someone@example.org", subject="Hello") -> int:
    """A stored email (the task's only argument is its primary key)."""
    return OutboundEmail.objects.create(subject=subject, body="Body", from_email="portal@example.org", to=[to]).pk


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_only_after_the_transaction_commits():
    with transaction.atomic():
        task_enqueue(task=email_send_task.name, args=[_message()])
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["Hello"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue(task=email_send_task.name, args=[_message()])
        raise RuntimeError("boom")
    assert mail.outbox == []
    assert QueuedTask.objects.count() == 0


@pytest.mark.django_db
def test_with_the_broker_down_the_task_is_kept_in_the_outbox(broken_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue(task=email_send_task.name, args=[_message(subject="Kept")])
    queued = QueuedTask.objects.get()
    assert queued.task_name == "portal.tasks.email_send_task"
    assert OutboundEmail.objects.get(pk=queued.args[0]).subject == "Kept"
    assert queued.last_error
    assert queued.attempts == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_outbox_flush_keeps_tasks_while_the_broker_is_still_down(broken_broker):
    QueuedTask.objects.create(task_name=email_send_task.name, args=[_message()])
    assert outbox_flush(min_age=NOW) == 0
    queued = QueuedTask.objects.get()
    assert queued.attempts == 2
    assert mail.outbox == []


@pytest.mark.django_db
def test_outbox_flush_sends_kept_tasks_once_the_broker_is_back():
    QueuedTask.objects.create(task_name=email_send_task.name, args=[_message(subject="First")])
    QueuedTask.objects.create(task_name=email_send_task.name, args=[_message(subject="Second")])
    assert outbox_flush(min_age=NOW) == 2
    assert [m.subject for m in mail.outbox] == ["First", "Second"]
    assert not QueuedTask.objects.exists()
    assert outbox_flush(min_age=NOW) == 0  # idempotent: nothing is sent twice
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_outbox_flush_command_reports_what_it_sent(capsys):
    QueuedTask.objects.create(task_name=email_send_task.name, args=[_message()])
    call_command("outbox_flush")
    assert "0 task(s) sent." in capsys.readouterr().out  # a fresh row may still be in its request's hands
    call_command("outbox_flush", "--min-age", "0")
    assert "1 task(s) sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_unknown_task_in_the_outbox_is_flagged_and_does_not_hold_back_the_others():
    QueuedTask.objects.create(task_name="portal.tasks.no_such_task", args=[])
    QueuedTask.objects.create(task_name=email_send_task.name, args=[_message(subject="After")])
    assert outbox_flush(min_age=NOW, limit=1) == 1
    assert QueuedTask.objects.get().last_error == "Unknown task"
    assert [m.subject for m in mail.outbox] == ["After"]


@pytest.mark.django_db
def test_a_mail_server_failure_in_eager_mode_keeps_the_email_and_the_page_works(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/signup/",
            {"email": "smtp@example.org", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
        )
    assert response.status_code == HTTPStatus.FOUND
    queued = QueuedTask.objects.get()
    assert queued.last_error
    assert OutboundEmail.objects.get(pk=queued.args[0]).to == ["smtp@example.org"]


@pytest.mark.django_db
def test_signup_works_while_redis_is_down_and_the_email_waits(
    client, broken_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/signup/",
            {"email": "new@example.org", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox == []
    queued = QueuedTask.objects.get()
    assert OutboundEmail.objects.get(pk=queued.args[0]).to == ["new@example.org"]


@pytest.mark.needs_redis
def test_a_task_round_trips_through_a_real_worker_on_redis(celery_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_verification_email_is_sent_by_the_worker(client, celery_worker):
    # Committed for real: the worker reads the stored email (the task carries only its id).
    response = client.post(
        "/bg/accounts/signup/",
        {"email": "worker@example.org", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox == []  # not sent by the web process
    mail_dir = celery_worker["mail_dir"]
    deadline = time.monotonic() + 20
    sent = ""
    # The worker's mail folder holds the whole run's emails: wait for this address's own message (an
    # earlier email to caseworker@example.org contains "worker@example.org" too).
    while time.monotonic() < deadline:
        messages = [path.read_text() for path in mail_dir.glob("*.log")]
        sent = next((text for text in messages if re.search(r"^To: worker@example\.org$", text, re.M)), "")
        if sent:
            break
        time.sleep(0.2)
    assert sent, "the worker sent no email to worker@example.org"
    assert "/bg/accounts/confirm-email/" in sent
    assert not QueuedTask.objects.exists()
