"""Faults never become errors: with Redis stopped or frozen, every view that queues a task answers at
once and keeps its data; the tasks wait in the outbox, and after recovery `outbox_flush` (command line,
beat task run by a worker) delivers each one exactly once to a real worker.

Each test starts a Redis server of its own (stopped with kill, frozen with SIGSTOP) and a real worker.
"""

import collections
import datetime
import subprocess
import sys
import time
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from matching.models import MatchingRun, ProposalTransition
from portal.models import QueuedTask
from portal.services import outbox_flush
from portal.tasks import outbox_flush_task, ping
from sponsorship.models import SponsorProfile
from tests.helpers import BASE_DIR, celery_reconfigure
from tests.processes import mails_sent, process_env, wait_for, worker_start, worker_stop

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.needs_postgres,
    pytest.mark.needs_redis,
    pytest.mark.django_db(transaction=True),
]

LIMIT_SECONDS = 2.0
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def scene(proposal_at, sponsor_factory, event_factory, organisation_caseworker):
    """The data behind every task-queuing view, made while Celery is still eager (before the fault)."""
    return {
        "sent": proposal_at("sent"),
        "proposed": proposal_at("proposed"),
        "pending": sponsor_factory(email="verify@example.org"),
        "group": sponsor_factory(email="lead@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP),
        "event": event_factory(),
        "caseworker": organisation_caseworker,
        "run": MatchingRun.objects.create(status=MatchingRun.Status.RUNNING, started_at=timezone.now()),
    }


@pytest.fixture
def on_own_redis(own_redis, settings):
    """Celery as in production (not eager, Redis broker and result backend) on the test's own Redis,
    and the progress cache there too."""
    previous = celery_reconfigure(task_always_eager=False, broker_url=own_redis.url, result_backend=own_redis.url)
    settings.CACHES = {
        **settings.CACHES,
        "progress": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    yield own_redis
    celery_reconfigure(**previous)


def _views(scene, tag: str) -> list[tuple[str, int, float]]:
    """Call each task-queuing view once (addresses made unique by `tag`); (view, status, seconds)."""
    sponsor = Client()
    sponsor.force_login(scene["sent"].offer.sponsor.user)
    caseworker = Client()
    caseworker.force_login(scene["caseworker"])
    group = Client()
    group.force_login(scene["group"].user)
    calls = [
        (
            "sign-up",
            Client(),
            "/en/accounts/signup/",
            {"email": f"signup-{tag}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ),
        ("sponsor's answer", sponsor, f"/en/sponsor/proposals/{scene['sent'].pk}/", {"answer": "accept"}),
        (
            "proposal step",
            caseworker,
            f"/en/admin/matching/matchproposal/{scene['proposed'].pk}/step/",
            {"to": "approved", "note": ""},
        ),
        (
            "sponsor verification",
            caseworker,
            f"/en/admin/sponsorship/sponsorprofile/{scene['pending'].pk}/decide/",
            {"decision": "verify", "notes": "ID seen."},
        ),
        (
            "group invitation",
            group,
            "/en/sponsor/group/",
            {"full_name": "Mia Member", "email": f"mia-{tag}@example.org", "role": "housing"},
        ),
        (
            "event registration",
            Client(),
            f"/en/meetings/{scene['event'].slug}/",
            {"name": "Ona Onaitė", "email": f"ona-{tag}@example.org", "municipality": "kaunas-city", "consent": "on"},
        ),
    ]
    results = []
    for name, client, url, data in calls:
        started = time.monotonic()
        response = client.post(url, data)
        results.append((name, response.status_code, round(time.monotonic() - started, 3)))
    return results


def _assert_saved(scene, tag: str) -> None:
    from portal.models import User
    from sponsorship.models import SponsorPerson
    from training.models import EventRegistration

    scene["sent"].refresh_from_db()
    scene["proposed"].refresh_from_db()
    scene["pending"].refresh_from_db()
    assert User.objects.filter(email=f"signup-{tag}@example.org").exists()
    assert scene["sent"].status == "sponsor_accepted"
    assert scene["proposed"].status == "approved"
    assert scene["pending"].status == SponsorProfile.Status.VERIFIED
    assert SponsorPerson.objects.filter(email=f"mia-{tag}@example.org").exists()
    assert EventRegistration.objects.filter(email=f"ona-{tag}@example.org").exists()


def _expected_single(tag: str) -> list[str]:
    return [f"signup-{tag}@example.org", f"mia-{tag}@example.org", f"ona-{tag}@example.org", "verify@example.org"]


def _drain(timeout: float = 40) -> None:
    """Wait until the outbox is empty and the worker did everything queued so far (follow-ups included)."""
    for _round in range(3):
        assert wait_for(lambda: not QueuedTask.objects.exists(), timeout=timeout), list(
            QueuedTask.objects.values_list("task_name", "last_error")
        )
        assert ping.delay().get(timeout=timeout) == "pong"


def _assert_delivered_once(mail_dir, tag: str) -> int:
    """Every email once: the single ones by address, and no (recipient, subject) twice."""
    sent = mails_sent(mail_dir)
    counts = collections.Counter(sent)
    by_address = collections.Counter(to for to, _subject in sent)
    for address in _expected_single(tag):
        assert by_address[address] == 1, (address, sent)
    assert all(n == 1 for n in counts.values()), counts
    # The two proposal steps were notified (once: the step's marker), to the caseworker and the sponsor.
    assert not ProposalTransition.objects.filter(notified_at__isnull=True).exists()
    return len(sent)


def test_with_redis_stopped_every_view_answers_at_once_and_the_command_delivers_once(
    scene, on_own_redis, tmp_path, figure
):
    on_own_redis.stop()

    results = _views(scene, "stopped")

    errors = [r for r in results if r[1] >= 500]
    slowest = max(seconds for _name, _status, seconds in results)
    figure("Redis stopped: server errors", len(errors))
    figure("Redis stopped: slowest response (s)", slowest)
    assert errors == [], results
    assert all(status in (HTTPStatus.FOUND, HTTPStatus.OK) for _n, status, _s in results), results
    assert slowest < LIMIT_SECONDS, results
    _assert_saved(scene, "stopped")
    kept = QueuedTask.objects.count()
    assert kept >= len(results)
    assert all(row.last_error for row in QueuedTask.objects.all())

    # Recovery: Redis back, a real worker, the cron command.
    on_own_redis.start()
    mail_dir = tmp_path / "mail"
    worker = worker_start(redis_url=on_own_redis.url, mail_dir=mail_dir, log_path=tmp_path / "worker.log")
    try:
        call_command("outbox_flush", "--min-age", "0")
        _drain()
        total = _assert_delivered_once(mail_dir, "stopped")
        # A second flush finds nothing: nothing is delivered twice.
        assert outbox_flush(min_age=datetime.timedelta(0)) == 0
        _drain()
        assert len(mails_sent(mail_dir)) == total
    finally:
        worker_stop(worker)
    figure("Redis stopped: outbox delivered once after recovery (command line)", f"{kept}/{kept} tasks")


def test_with_redis_frozen_every_view_answers_at_once_and_the_beat_task_delivers_once(
    scene, on_own_redis, tmp_path, figure
):
    on_own_redis.freeze()
    try:
        results = _views(scene, "frozen")
        caseworker = Client()
        caseworker.force_login(scene["caseworker"])
        started = time.monotonic()
        run_page = caseworker.get(f"/en/admin/matching/matchingrun/{scene['run'].pk}/change/")
        results.append(("matching run page", run_page.status_code, round(time.monotonic() - started, 3)))
        started = time.monotonic()
        health = Client().get("/healthz")
        health_seconds = round(time.monotonic() - started, 3)
    finally:
        on_own_redis.thaw()

    errors = [r for r in results if r[1] >= 500]
    slowest = max(seconds for _name, _status, seconds in results)
    figure("Redis frozen: server errors", len(errors))
    figure("Redis frozen: slowest response (s)", slowest)
    assert errors == [], results
    assert slowest < LIMIT_SECONDS, results
    assert "Progress unavailable" in run_page.content.decode()
    # The health check says so, quickly (503 is its answer for a failing component).
    assert health.status_code == HTTPStatus.SERVICE_UNAVAILABLE and health.json()["failing"] == ["broker"]
    assert health_seconds < LIMIT_SECONDS
    _assert_saved(scene, "frozen")
    kept = QueuedTask.objects.count()
    assert kept >= len(results) - 1

    # Recovery: beat's outbox task, run by a real worker (the rows are older than its minimum age).
    mail_dir = tmp_path / "mail"
    worker = worker_start(redis_url=on_own_redis.url, mail_dir=mail_dir, log_path=tmp_path / "worker.log")
    try:
        QueuedTask.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=2))
        outbox_flush_task.apply_async(ignore_result=True)
        _drain()
        total = _assert_delivered_once(mail_dir, "frozen")
        outbox_flush_task.apply_async(ignore_result=True)
        _drain()
        assert len(mails_sent(mail_dir)) == total
    finally:
        worker_stop(worker)
    figure("Redis frozen: outbox delivered once after recovery (beat task)", f"{kept}/{kept} tasks")


def test_outbox_flush_from_the_command_line_sends_to_a_real_worker(scene, on_own_redis, tmp_path, figure):
    """The cron path, in a process of its own (where no view imported the tasks): nothing is "Unknown"."""
    on_own_redis.stop()
    _views(scene, "cron")
    kept = QueuedTask.objects.count()
    assert kept >= 6
    on_own_redis.start()
    mail_dir = tmp_path / "mail"
    worker = worker_start(redis_url=on_own_redis.url, mail_dir=mail_dir, log_path=tmp_path / "worker.log")
    try:
        command = subprocess.run(
            [sys.executable, "manage.py", "outbox_flush", "--min-age", "0"],
            cwd=BASE_DIR,
            env=process_env(redis_url=on_own_redis.url, mail_dir=mail_dir),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert command.returncode == 0, command.stderr
        assert f"{kept} task(s) sent." in command.stdout
        assert not QueuedTask.objects.filter(last_error="Unknown task").exists()
        _drain()
        _assert_delivered_once(mail_dir, "cron")
    finally:
        worker_stop(worker)
    figure("manage.py outbox_flush: tasks sent to the worker", f"{kept}/{kept}")
