"""Shared fixtures. Service-backed tests skip without their service, and fail under REQUIRE_SERVICES=1."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from celery import current_app
from django.conf import settings
from django.utils import translation

# The personal-data guard over the whole suite (logs, queued messages, task arguments): see tests/pii_guard.py.
pytest_plugins = ["tests.pii_guard"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
BASE_DIR = Path(__file__).resolve().parent.parent


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return url.startswith(("postgres://", "postgresql://")) and _reachable(url, 5432)


def redis_available() -> bool:
    url = os.environ.get("REDIS_URL", "")
    return url.startswith(("redis://", "rediss://")) and _reachable(url, 6379)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


_SERVICES = {
    "needs_postgres": (postgres_available, "PostgreSQL is not configured or not reachable (DATABASE_URL)"),
    "needs_redis": (redis_available, "Redis is not configured or not reachable (REDIS_URL)"),
    "browser": (chromium_available, f"Chromium is not installed at {CHROMIUM}"),
}


def _require(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 requires it.", pytrace=False)
    pytest.skip(reason)


_FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def figure():
    """Record a measured figure of the reliability report: `figure("Junk inputs: server errors", 0)`.

    Figures are printed at the end of the run (`make reliability` runs the tests marked `reliability`).
    """

    def record(name: str, value) -> None:
        _FIGURES.append((name, str(value)))

    return record


def pytest_terminal_summary(terminalreporter):
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, value in _FIGURES:
        terminalreporter.write_line(f"{name}: {value}")


def pytest_runtest_setup(item):
    for marker, (available, reason) in _SERVICES.items():
        if item.get_closest_marker(marker):
            _require(available(), reason)


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user_factory(db):
    from allauth.account.models import EmailAddress

    from portal.models import User

    def make(
        email: str = "person@example.org",
        password: str = "correct-horse-battery",
        verified: bool = True,
        mfa: bool | None = None,
        **extra,
    ):
        user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        if user.is_staff if mfa is None else mfa:
            # Staff use a second factor (as the portal requires); tests compute codes with `totp_code`.
            from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

            user.totp_secret = generate_totp_secret()
            TOTP.activate(user, user.totp_secret)
        return user

    return make


def totp_code(secret: str) -> str:
    """The current authenticator-app code for `secret`.

    A code typed in the last seconds of its 30-second period may reach the server in the next
    one, as with a real person; the helper waits for a fresh period so tests are not flaky.
    """
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    period = 30
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _celery_reconfigure(**values) -> dict:
    """Change Celery settings for a test and drop pooled connections; returns the previous values."""
    app = current_app._get_current_object()
    previous = {key: app.conf[key] for key in values}
    app.conf.update(values)
    # Celery caches the broker pool, the producer pool and the result backend; drop them so the
    # new settings take effect (the same reset Celery does after a fork).
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None
    app._local.__dict__.pop("backend", None)
    return previous


@pytest.fixture
def broken_broker():
    """Celery as in production (not eager) but with Redis unreachable."""
    dead = "redis://127.0.0.1:9/0"
    previous = _celery_reconfigure(task_always_eager=False, broker_url=dead, result_backend=None)
    yield dead
    _celery_reconfigure(**previous)


@pytest.fixture(scope="session")
def celery_worker_process(tmp_path_factory, django_db_setup):
    """A real Celery worker process consuming this test run's queue on Redis.

    It runs the production settings (`portal.settings.base`) with the file email backend, so tests
    can see what the worker sent.
    """
    _require(redis_available(), "Redis is not reachable (REDIS_URL)")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        # Tasks the worker queues itself (follow-ups, notifications) stay on the test run's queue.
        "CELERY_QUEUE": queue,
    }
    if postgres_available():
        # The worker uses the test database that pytest-django created.
        env["DATABASE_URL"] = urlunparse(
            urlparse(os.environ["DATABASE_URL"])._replace(path="/" + settings.DATABASES["default"]["NAME"])
        )
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        queue,
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    log = (tmp_path_factory.mktemp("worker-log") / "worker.log").open("w")
    from tests.pii_guard import watch_file

    watch_file(log.name)  # the worker's log holds no personal data either
    proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _worker_wait_ready(proc, log.name)
        yield {"process": proc, "mail_dir": mail_dir, "queue": queue, "log": Path(log.name)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _worker_wait_ready(proc: subprocess.Popen, log_name: str) -> None:
    from portal.tasks import ping

    previous = _celery_reconfigure(task_always_eager=False)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if ping.delay().get(timeout=5) == "pong":
                    return
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Celery worker did not start; see {log_name}") from None
    finally:
        _celery_reconfigure(**previous)


@pytest.fixture
def celery_worker(celery_worker_process):
    """Per test: the real worker is running and Celery is not eager."""
    previous = _celery_reconfigure(task_always_eager=False)
    yield celery_worker_process
    _celery_reconfigure(**previous)


# --- Browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    _require(chromium_available(), f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-sync",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


# --- Sponsors and housing offers --------------------------------------------------------------------


@pytest.fixture
def municipality(db):
    from projects.models import Municipality

    return Municipality.objects.get_or_create(
        slug="kaunas-city",
        defaults={"country": "LT", "kind": "city", "name_lt": "Kauno m.", "name_en": "Kaunas", "name_bg": "Каунас"},
    )[0]


@pytest.fixture
def caseworker(user_factory):
    from django.contrib.auth.models import Group

    from portal.roles import CASEWORKERS_GROUP, roles_ensure

    roles_ensure()
    user = user_factory(email="caseworker@example.org", is_staff=True, first_name="Case", last_name="Worker")
    user.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    return user


@pytest.fixture
def sponsor_factory(user_factory, municipality):
    """A sponsor profile with consent, through the real service. `verified=True` also records passed checks."""
    import datetime

    from django.utils import timezone

    from sponsorship.models import SponsorCheck, SponsorProfile
    from sponsorship.services import sponsor_check_record, sponsor_profile_save

    def make(email: str = "sponsor@example.org", kind: str = SponsorProfile.Kind.HOST_FAMILY, verified=False, **data):
        user = user_factory(email=email, first_name="Sam", last_name="Sponsor")
        fields = {"kind": kind, "municipality": municipality, "phone": "+370 600 00000", "motivation": "We can help."}
        if kind in SponsorProfile.ORGANISATION_KINDS:
            fields["organisation_name"] = "Kaunas Neighbours"
        fields.update(data)
        sponsor = sponsor_profile_save(user=user, data=fields, languages=[], consent=True, language_code="en")
        if verified:
            SponsorProfile.objects.filter(pk=sponsor.pk).update(
                status=SponsorProfile.Status.VERIFIED, decided_at=timezone.now()
            )
            sponsor.refresh_from_db()
            for person in sponsor.persons.all():
                for kind_ in SponsorCheck.Kind:
                    sponsor_check_record(
                        person=person,
                        kind=kind_,
                        result=SponsorCheck.Result.PASSED,
                        checked_on=timezone.localdate(),
                        expires_on=timezone.localdate() + datetime.timedelta(days=365),
                        by=user,
                    )
        return sponsor

    return make


@pytest.fixture
def offer_factory(municipality):
    """A complete draft offer of `sponsor`, saved through the real service."""
    import datetime

    from django.utils import timezone

    from housing.services import offer_save

    def make(sponsor, **data):
        fields = {
            "kind": "flat",
            "municipality": municipality,
            "street_address": "Laisvės al. 10-3",
            "capacity": 3,
            "bedrooms": 2,
            "cost": "reduced",
            "monthly_rent": 200,
            "available_from": timezone.localdate() + datetime.timedelta(days=10),
            "description": "A bright flat near the school.",
        }
        fields.update(data)
        return offer_save(sponsor=sponsor, data=fields, host_languages=[], language_code="en", by=sponsor.user)

    return make
