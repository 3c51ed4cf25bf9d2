"""Personal data stays in PostgreSQL: emails wait in the database, tasks and queued messages carry ids,
logs carry paths, and production refuses the console email backend unless it is asked for."""

import base64
import codecs
import contextlib
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from portal.logs import RedactFilter, path_redact
from portal.models import OutboundEmail, QueuedTask
from portal.services import EmailRetryableError, email_address_mask, email_deliver, email_send
from portal.tasks import email_send_task
from tests import pii_guard
from tests.helpers import BASE_DIR

RESET_LINK = "http://testserver/en/accounts/password/reset/key/3-abc123-secretkey/"


def _email(to="olena.kovalenko@example.org", subject="Reset your password", body=f"Open {RESET_LINK}"):
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to], headers={"X-Portal": "1"})
    message.attach_alternative(f"<a href='{RESET_LINK}'>reset</a>", "text/html")
    return message


# --- The email outbox --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_email_send_stores_the_message_and_queues_only_its_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        outbound = email_send(message=_email(), language="bg")
    stored = OutboundEmail.objects.get()
    assert stored == outbound
    assert stored.to == ["olena.kovalenko@example.org"]
    assert RESET_LINK in stored.body and stored.language == "bg"
    assert stored.alternatives == [[f"<a href='{RESET_LINK}'>reset</a>", "text/html"]]
    queued = QueuedTask.objects.get()
    assert queued.task_name == email_send_task.name
    assert queued.args == [stored.pk] and queued.kwargs == {}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_email():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(message=_email())
        raise RuntimeError("boom")
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_once_after_commit_and_its_row_deleted():
    with transaction.atomic():
        outbound = email_send(message=_email())
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["olena.kovalenko@example.org"]]
    sent = mail.outbox[0]
    assert RESET_LINK in sent.body and sent.alternatives[0][1] == "text/html" and sent.extra_headers["X-Portal"] == "1"
    assert not OutboundEmail.objects.exists()
    # A redelivered task finds no row: already sent, nothing is sent twice.
    assert email_send_task.apply(args=[outbound.pk]).get() is False
    assert email_deliver(outbound_id=outbound.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_unreachable_mail_server_keeps_the_email_and_records_no_address(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    outbound = OutboundEmail.objects.create(to=["olena.kovalenko@example.org"], subject="Hi", body=RESET_LINK)
    with caplog.at_level(logging.DEBUG), pytest.raises(EmailRetryableError) as raised:
        email_deliver(outbound_id=outbound.pk)
    outbound.refresh_from_db()
    assert outbound.attempts == 1
    assert outbound.last_error.startswith("ConnectionRefusedError")
    for text in (str(raised.value), outbound.last_error, caplog.text):
        assert "example.org" not in text and "reset" not in text
    assert f"Email #{outbound.pk} not sent" in caplog.text


@pytest.mark.django_db
def test_a_malformed_message_is_recorded_and_not_retried(caplog):
    outbound = OutboundEmail.objects.create(to=["olena.kovalenko@example.org"], subject="Bad\nheader", body="x")
    with caplog.at_level(logging.WARNING):
        assert email_deliver(outbound_id=outbound.pk) is False
    outbound.refresh_from_db()
    assert outbound.attempts == 1 and outbound.last_error == "BadHeaderError"
    assert "example.org" not in caplog.text and "Bad" not in caplog.text.replace("BadHeaderError", "")
    assert mail.outbox == []


def test_email_addresses_are_masked_for_the_admin():
    assert email_address_mask("olena.kovalenko@example.org") == "o•••@example.org"
    assert email_address_mask("no-at-sign") == "•••"


@pytest.mark.django_db
def test_outbound_emails_are_shown_to_superusers_masked_and_without_bodies(client, user_factory, caseworker):
    outbound = OutboundEmail.objects.create(
        to=["olena.kovalenko@example.org"], subject="Olena's reset", body=RESET_LINK, last_error="SMTPDataError (554)"
    )
    client.force_login(caseworker)
    assert client.get("/en/admin/portal/outboundemail/").status_code == HTTPStatus.FORBIDDEN
    admin = user_factory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in ("/en/admin/portal/outboundemail/", f"/en/admin/portal/outboundemail/{outbound.pk}/change/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert "o•••@example.org" in page and "SMTPDataError" in page
        assert "olena.kovalenko" not in page and "reset/key" not in page and "Olena" not in page


@pytest.mark.django_db(transaction=True)
def test_the_admin_can_queue_a_kept_email_again(client, user_factory):
    admin = user_factory(email="root@example.org", is_staff=True, is_superuser=True)
    outbound = OutboundEmail.objects.create(to=["olena.kovalenko@example.org"], subject="Again", body="x", attempts=9)
    client.force_login(admin)
    response = client.post(
        "/en/admin/portal/outboundemail/", {"action": "requeue", "_selected_action": [outbound.pk]}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert [m.subject for m in mail.outbox] == ["Again"]
    assert not OutboundEmail.objects.exists()


# --- Every task takes ids ------------------------------------------------------------------------------


def test_every_task_of_the_portal_takes_ids_or_nothing():
    """The signatures of all the portal's tasks: primary keys and numbers only, never text, a message or an
    address (task arguments travel through Redis and its logs)."""
    import inspect

    from celery import current_app

    tasks = {name: task for name, task in current_app.tasks.items() if name.split(".")[0] in settings.INSTALLED_APPS}
    assert "portal.tasks.email_send_task" in tasks and len(tasks) >= 12
    for name, task in tasks.items():
        for parameter in inspect.signature(task.run).parameters.values():
            assert parameter.annotation in (int, bool, float, "int", "bool", "float"), (name, parameter)


# --- Messages and settings -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_flash_messages_live_in_the_session_not_in_a_cookie(client, user_factory):
    user_factory(email="leila.karimi@example.org", password="correct-horse-battery")
    response = client.post(
        "/en/accounts/login/", {"login": "leila.karimi@example.org", "password": "correct-horse-battery"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "messages" not in response.cookies
    assert all("leila" not in morsel.value for morsel in response.cookies.values())
    page = client.get(response["Location"]).content.decode()
    assert "leila.karimi@example.org" in page  # the "signed in as" message is still shown, from the session


def _settings_probe(**env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "EMAIL_BACKEND"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        SECRET_KEY="a-real-production-key-9f8e7d6c5b4a3210-abcdefghijklmnop",
        **env_vars,
    )
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_an_explicit_email_backend():
    result = _settings_probe(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_BACKEND is not set while DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "backend", ["django.core.mail.backends.smtp.EmailBackend", "django.core.mail.backends.console.EmailBackend"]
)
def test_production_starts_with_an_email_backend_asked_for_explicitly(backend):
    result = _settings_probe(DEBUG="0", EMAIL_BACKEND=backend)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


def test_development_defaults_to_the_console():
    result = _settings_probe(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend"


def test_the_messages_storage_is_the_session():
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.session.SessionStorage"


# --- Logs ----------------------------------------------------------------------------------------------


def test_log_lines_lose_query_strings_secret_keys_and_addresses():
    assert path_redact("/en/admin/sponsorship/household/?q=FP1234567&o=1") == "/en/admin/sponsorship/household/"
    assert path_redact("/lt/accounts/password/reset/key/3-abc-def/") == "/lt/accounts/password/reset/key/***/"
    assert path_redact("/bg/accounts/confirm-email/MQ:1tXyz:abc/") == "/bg/accounts/confirm-email/***/"
    assert path_redact("/en/sponsor/invitations/tok3n/?x=1") == "/en/sponsor/invitations/***/"
    assert path_redact("sent to olena@example.org") == "sent to ***@***"
    assert path_redact("/en/projects/rise/") == "/en/projects/rise/"


def test_the_runserver_access_line_is_written_without_its_query_string():
    """Django's `django.server` record, as runserver logs it, through the handler filter of LOGGING."""
    from portal.settings import base

    assert base.LOGGING["filters"]["redact"]["()"] == "portal.logs.RedactFilter"
    assert base.LOGGING["handlers"]["console"]["filters"] == ["redact"]
    # Every handler redacts: the suite-wide guard (tests/pii_guard.py) checks log lines as redacted.
    assert all("redact" in handler.get("filters", []) for handler in base.LOGGING["handlers"].values())
    assert base.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
    line = "GET /en/admin/sponsorship/household/?q=olena%40example.org+%2B370+611+11111 HTTP/1.1"
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', (line, "200", "512"), None)
    assert RedactFilter().filter(record) is True
    assert record.getMessage() == '"GET /en/admin/sponsorship/household/ HTTP/1.1" 200 512'


def test_a_logged_traceback_is_redacted_too():
    try:
        raise ValueError("bad value for olena.kovalenko@example.org at /en/x/?q=FP1234567")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal error", (), sys.exc_info())
    RedactFilter().filter(record)
    assert "olena" not in record.exc_text and "FP1234567" not in record.exc_text
    assert "ValueError" in record.exc_text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_gunicorn_logs_paths_only(tmp_path, production_static_root):
    """The real gunicorn with portal/gunicorn.conf.py (as in the Dockerfile): an admin search and a
    reset link leave only their paths, masked, in the access log; no client address or user agent."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "gunicorn-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP here; in production nginx terminates TLS in front of gunicorn.
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(production_static_root),
    }
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = urlunparse(
            urlparse(os.environ["DATABASE_URL"])._replace(path="/" + settings.DATABASES["default"]["NAME"])
        )
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "portal/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz?who=olena.kovalenko%40example.org", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # answered (a component may be failing: the status does not matter here)
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not start: " + log_path.read_text()) from None
                time.sleep(0.3)
        for path in ("/en/admin/sponsorship/household/?q=FP1234567", "/en/accounts/password/reset/key/3-abc-secret/"):
            request = urllib.request.Request(base + path, headers={"User-Agent": "AuditBrowser/1.0", "Referer": base})
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=10)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    text = log_path.read_text()
    assert '"GET /healthz" ' in text
    assert '"GET /en/admin/sponsorship/household/"' in text
    assert '"GET /en/accounts/password/reset/key/***/"' in text
    for secret in ("olena", "FP1234567", "abc-secret", "AuditBrowser", "127.0.0.1 -", "q=", "who="):
        assert secret not in text, secret
    assert pii_guard.markers_in(text) == []


# --- The guard over the suite sees what it must ---------------------------------------------------------


@pytest.mark.django_db
def test_the_guard_sees_personal_data_in_logs_and_task_arguments():
    with pii_guard.captured() as hits:
        logging.getLogger("portal.anything").debug("mail for %s", "Olena Kovalenko")
        logging.getLogger("django.server").info('"GET /x/ HTTP/1.1" 200 1 +370 611 11111')  # does not propagate
        # Log lines are checked as the handlers write them (redacted): this one leaves no marker.
        logging.getLogger("celery.worker").info("sent %s", "olena@example.org /en/accounts/confirm-email/MQ:1t:abc/")
        QueuedTask.objects.create(
            task_name="portal.tasks.ping", args=["olena@example.org", "/en/accounts/confirm-email/MQ:1t:abc/"]
        )
    assert {hit.marker for hit in hits} == {"email address", "phone number", "fixture name or document", "secret link"}
    assert {hit.source for hit in hits} == {"log portal.anything", "log django.server", "QueuedTask portal.tasks.ping"}
    assert pii_guard.markers_in("QueuedTask args [12, 7] for HH-2026-0001 at /en/projects/rise/") == []


# --- The email flows through Redis and a real worker ---------------------------------------------------


class RedisSniffer(threading.Thread):
    """Records every command the Redis server receives (MONITOR) that writes to `queue` or to a task result:
    the raw messages as the broker holds them, whoever published them (this process or the worker)."""

    ARG = re.compile(rb'"((?:[^"\\]|\\.)*)"')

    def __init__(self, url: str, queue: str):
        super().__init__(daemon=True)
        import redis

        self.redis = redis.Redis.from_url(url)
        self.queue = queue.encode()
        self.keys = (self.queue, self.queue + b"\x06\x16")  # the queue, and its priority lists
        self.commands: list[list[bytes]] = []
        self.ready = threading.Event()
        self.stopping = threading.Event()

    def run(self):
        with self.redis.monitor() as monitor:
            self.ready.set()
            while not self.stopping.is_set():
                line = monitor.connection.read_response()
                line = line if isinstance(line, bytes) else str(line).encode()
                args = [codecs.escape_decode(arg)[0] for arg in self.ARG.findall(line)]
                if len(args) >= 2 and (self._ours(args[1]) or args[1].startswith(b"celery-task-meta-")):
                    self.commands.append(args)

    def _ours(self, key: bytes) -> bool:
        return key == self.queue or key.startswith(self.keys[1])

    def stop(self):
        self.stopping.set()
        self.redis.ping()  # wakes the monitor up
        self.join(timeout=10)

    def queue_messages(self) -> list[dict]:
        """The messages pushed onto the queue, their bodies decoded."""
        messages = []
        for args in self.commands:
            if args[0].upper() in (b"LPUSH", b"RPUSH") and self._ours(args[1]):
                for payload in args[2:]:
                    envelope = json.loads(payload)
                    assert envelope["properties"]["body_encoding"] == "base64"
                    envelope["decoded_body"] = json.loads(base64.b64decode(envelope["body"]))
                    messages.append(envelope)
        return messages

    def results(self, task_ids: set[str]) -> list[bytes]:
        return [
            b" ".join(args)
            for args in self.commands
            if args[1].startswith(b"celery-task-meta-") and args[1][len(b"celery-task-meta-") :].decode() in task_ids
        ]


def _sent_mails(mail_dir) -> list[str]:
    separator = "\n" + "-" * 79 + "\n"
    return [
        part for path in sorted(mail_dir.glob("*.log")) for part in path.read_text().split(separator) if "To:" in part
    ]


@pytest.mark.reliability
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_email_flows_put_no_personal_data_in_redis_or_the_worker_log(
    client,
    celery_worker,
    user_factory,
    sponsor_factory,
    caseworker,
    proposal_at,
    municipality,
    figure,
):
    from sponsorship.models import SponsorProfile
    from sponsorship.services import group_member_invite, sponsor_verify
    from training.models import RecruitmentEvent
    from training.services import event_register

    log_start = celery_worker["log"].stat().st_size
    sniffer = RedisSniffer(settings.CELERY_BROKER_URL, celery_worker["queue"])
    sniffer.start()
    assert sniffer.ready.wait(10)
    password = "a-long-passphrase-42"

    # Sign-up (confirmation link) and password reset (reset link), through the pages.
    response = client.post(
        "/en/accounts/signup/", {"email": "leila.karimi@example.org", "password1": password, "password2": password}
    )
    assert response.status_code == HTTPStatus.FOUND
    user_factory(email="amir.haddad@example.org", first_name="Amir", last_name="Haddad")
    assert client.post("/en/accounts/password/reset/", {"email": "amir.haddad@example.org"}).status_code == 302
    # A group invites a member (the worker renders the invitation link); a caseworker verifies the group.
    group = sponsor_factory(email="rasa.host@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    group_member_invite(
        sponsor=group, by=group.user, full_name="Mia Member", email="mia.member@example.org", role="housing"
    )
    sponsor_verify(sponsor=group, by=caseworker)
    # A public event registration, and a proposal sent to a sponsor who accepts it (caseworker told).
    event = RecruitmentEvent.objects.create(
        slug="pii-meeting",
        kind=RecruitmentEvent.Kind.INFORMATION,
        title_en="Information meeting",
        starts_at=pii_now_plus(days=5),
        ends_at=pii_now_plus(days=5, hours=2),
        place="Kaunas library",
    )
    event_register(
        event=event,
        name="Vytautė Narytė",
        email="vytaute.naryte@example.org",
        municipality=municipality,
        consent=True,
        language="en",
    )
    proposal = proposal_at("sponsor_accepted")
    expected = {
        "leila.karimi@example.org",
        "amir.haddad@example.org",
        "mia.member@example.org",
        "rasa.host@example.org",
        "vytaute.naryte@example.org",
        proposal.offer.sponsor.user.email,
        proposal.household.caseworker.email,
    }

    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        recipients = {
            line[4:].strip()
            for text in _sent_mails(celery_worker["mail_dir"])
            for line in text.splitlines()
            if line.startswith("To: ")
        }
        if expected <= recipients and not OutboundEmail.objects.exists() and not QueuedTask.objects.exists():
            break
        time.sleep(0.3)
    time.sleep(1)  # the results of the last tasks
    sniffer.stop()

    mails = _sent_mails(celery_worker["mail_dir"])
    recipients = [line[4:].strip() for text in mails for line in text.splitlines() if line.startswith("To: ")]
    assert expected <= set(recipients)
    # Each email once: no (recipient, subject) twice.
    keyed = [
        (re.search(r"^To: (.*)$", text, re.M).group(1), re.search(r"^Subject: (.*)$", text, re.M).group(1))
        for text in mails
    ]
    assert len(keyed) == len(set(keyed))
    assert "/accounts/confirm-email/" in "".join(mails) and "/accounts/password/reset/key/" in "".join(mails)
    assert "/sponsor/invitations/" in "".join(mails)
    assert not OutboundEmail.objects.exists() and not QueuedTask.objects.exists()

    messages = sniffer.queue_messages()
    email_tasks = [m for m in messages if m["headers"]["task"] == "portal.tasks.email_send_task"]
    assert len(email_tasks) >= len(expected)
    assert all(
        len(m["decoded_body"][0]) == 1 and isinstance(m["decoded_body"][0][0], int) and not m["decoded_body"][1]
        for m in email_tasks
    )
    task_ids = {m["headers"]["id"] for m in messages}
    results = sniffer.results(task_ids)
    assert results == []  # email tasks keep no result (CELERY_TASK_IGNORE_RESULT): nothing to leak there
    worker_log = celery_worker["log"].read_text(errors="replace")[log_start:]
    assert "portal.tasks.email_send_task" in worker_log

    texts = [json.dumps(m, ensure_ascii=False) for m in messages]
    texts += [result.decode(errors="replace") for result in results]
    texts += worker_log.splitlines()
    markers = [marker for text in texts for marker in pii_guard.markers_in(text)]
    figure("Email flows through Redis and a real worker: personal-data markers in messages, results, log", len(markers))
    assert markers == []

    # The worker's own log handlers redact too: a stray message quoting an address is logged masked.
    from celery import current_app

    with pii_guard.captured():  # published on purpose; the worker's log is what this checks
        current_app.send_task(
            "portal.tasks.no_such_task", kwargs={"to": "olena.kovalenko@example.org"}, queue=celery_worker["queue"]
        )
    deadline = time.monotonic() + 20
    while "portal.tasks.no_such_task" not in celery_worker["log"].read_text(errors="replace")[log_start:]:
        assert time.monotonic() < deadline, "the worker did not log the unregistered task"
        time.sleep(0.2)
    time.sleep(0.5)
    worker_log = celery_worker["log"].read_text(errors="replace")[log_start:]
    assert "olena" not in worker_log and "***@***" in worker_log

    # A redelivery of a sent email sends nothing more.
    before = len(_sent_mails(celery_worker["mail_dir"]))
    redelivered = email_send_task.apply_async(args=[email_tasks[0]["decoded_body"][0][0]], ignore_result=False)
    assert redelivered.get(timeout=20) is False
    assert len(_sent_mails(celery_worker["mail_dir"])) == before


def pii_now_plus(*, days: float, hours: float = 0):
    import datetime

    from django.utils import timezone

    return (timezone.now() + datetime.timedelta(days=days, hours=hours)).replace(microsecond=0)
