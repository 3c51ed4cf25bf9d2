"""Shared fixtures. Service-backed tests skip without their service, and fail under REQUIRE_SERVICES=1.

The people and records that several suites need are defined here, once; a suite's conftest holds only its
own. Factories return functions (`offer_factory(sponsor, capacity=2)`). Tests import plain helpers from
tests/helpers.py, never from a conftest.
"""

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.utils import translation

from tests.helpers import BASE_DIR, FIGURES, celery_reconfigure, in_days

# The personal-data guard over the whole suite (logs, queued messages, task arguments): see tests/pii_guard.py.
# Real processes of the fault tests (`own_redis`): see tests/processes.py.
pytest_plugins = ["tests.pii_guard", "tests.processes"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


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


@pytest.fixture
def figure():
    """Record a measured figure of the reliability report: `figure("Junk inputs: server errors", 0)`.

    Figures are printed at the end of the run (`make reliability` runs the tests marked `reliability`).
    """

    def record(name: str, value) -> None:
        FIGURES.append((name, str(value)))

    return record


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, value in FIGURES:
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
    """Rate-limit counters live in the cache, pages in the page cache: each test starts with none."""
    from django.core.cache import cache, caches

    from portal import page_cache

    cache.clear()
    caches[page_cache.CACHE_ALIAS].clear()
    page_cache.pause_clear()
    yield
    cache.clear()
    caches[page_cache.CACHE_ALIAS].clear()
    page_cache.pause_clear()


# --- People ------------------------------------------------------------------------------------------

_user_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _publish_unpaused():
    """A publish that failed in an earlier test pauses publishing in this process for a few seconds
    (`portal.services`): each test starts without that memory, so its tasks go to the broker."""
    from portal import services

    services._publish_paused_until.clear()
    yield
    services._publish_paused_until.clear()


@pytest.fixture
def user_factory(db):
    """`user_factory(email=None, password=..., verified=True, mfa=None, **fields)`: a user with a verified
    address (a new unique one unless `email` is given); staff get an authenticator (`user.totp_secret`)."""
    from allauth.account.models import EmailAddress

    from portal.models import User

    def make(
        email: str | None = None,
        password: str = "correct-horse-battery",
        verified: bool = True,
        mfa: bool | None = None,
        **extra,
    ):
        email = email or f"user{next(_user_numbers)}@example.org"
        user = User.objects.create_user(email=email, password=password, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        if user.is_staff if mfa is None else mfa:
            # Staff use a second factor (as the portal requires); tests compute codes with `tests.helpers.totp_code`.
            from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

            user.totp_secret = generate_totp_secret()
            TOTP.activate(user, user.totp_secret)
        return user

    return make


@pytest.fixture
def superuser(user_factory):
    """An admin: staff and superuser, with an authenticator, of no organisation."""
    return user_factory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def organisation_factory(db):
    """`organisation_factory(name=None, **fields)`: a new organisation each call (slugs and names are
    unique per test)."""
    from projects.models import Organisation

    numbers = itertools.count(1)

    def make(name: str | None = None, **data):
        number = next(numbers)
        name = name or f"Helping Hands {number}"
        fields = {"slug": f"helping-hands-{number}", "name": name, "kind": Organisation.Kind.NGO, "country": "LT"}
        fields.update(data)
        return Organisation.objects.create(**fields)

    return make


@pytest.fixture
def organisation(organisation_factory):
    """The organisation of `caseworker` (and of the households `household_factory` records)."""
    return organisation_factory(name="Kaunas Refugee Help")


@pytest.fixture
def other_organisation(organisation_factory):
    """An organisation that is not `caseworker`'s."""
    return organisation_factory(name="Vilnius Welcome Centre")


@pytest.fixture
def caseworker_of(user_factory, organisation):
    """`caseworker_of(org=None, *, email=None, **fields)`: a new staff caseworker (with an authenticator, in
    the Caseworkers group) of `org` (default: the `organisation` fixture)."""
    from django.contrib.auth.models import Group

    from portal.roles import CASEWORKERS_GROUP, roles_ensure

    numbers = itertools.count(1)

    def make(org=None, *, email: str | None = None, **extra):
        org = org or organisation
        roles_ensure()
        number = next(numbers)
        extra.setdefault("first_name", "Case")
        extra.setdefault("last_name", f"Worker {number}")
        user = user_factory(email=email or f"caseworker{number}@{org.slug}.example.org", is_staff=True, **extra)
        user.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
        user.organisation = org
        user.save(update_fields=["organisation"])
        return user

    return make


@pytest.fixture
def caseworker(caseworker_of):
    """The caseworker (caseworker@example.org) of `organisation`: records households, inspects offers,
    verifies sponsors. Every caseworker belongs to an organisation."""
    return caseworker_of(email="caseworker@example.org", first_name="Case", last_name="Worker")


@pytest.fixture
def organisation_caseworker(caseworker):
    """The same person as `caseworker` (the name the mediation tests use)."""
    return caseworker


@pytest.fixture
def other_caseworker(caseworker_of, other_organisation):
    """A caseworker of `other_organisation`."""
    return caseworker_of(other_organisation)


@pytest.fixture
def broken_broker():
    """Celery as in production (not eager) but with Redis unreachable."""
    dead = "redis://127.0.0.1:9/0"
    previous = celery_reconfigure(task_always_eager=False, broker_url=dead, result_backend=None)
    yield dead
    celery_reconfigure(**previous)


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory) -> Path:
    """A STATIC_ROOT filled by `collectstatic` as a deployment fills it (hashed names, their manifest,
    gzip), for the processes that tests start with the production settings (gunicorn, the worker): with
    DEBUG off, a page naming a static file needs the manifest."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.base", "DEBUG": "1", "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return root


@pytest.fixture(scope="session")
def celery_worker_process(tmp_path_factory, django_db_setup, production_static_root):
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
        "STATIC_ROOT": str(production_static_root),
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

    previous = celery_reconfigure(task_always_eager=False)
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
        celery_reconfigure(**previous)


@pytest.fixture
def celery_worker(celery_worker_process):
    """Per test: the real worker is running and Celery is not eager."""
    previous = celery_reconfigure(task_always_eager=False)
    yield celery_worker_process
    celery_reconfigure(**previous)


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


@pytest.fixture
def available_offer(sponsor_factory, offer_factory, caseworker):
    """`available_offer(sponsor=None, *, email=None, inspector=None, **fields)`: an offer of a verified
    sponsor, submitted and passed at inspection (by `caseworker` unless `inspector` is given): available.

    Pass `sponsor` to reuse one, or `email` for a new sponsor's address; other keywords go to the offer.
    """
    from django.utils import timezone

    from housing.models import Inspection
    from housing.services import offer_inspect, offer_submit

    numbers = itertools.count(1)

    def make(sponsor=None, *, email: str | None = None, inspector=None, **data):
        if sponsor is None:
            sponsor = sponsor_factory(verified=True, email=email or f"sponsor{next(numbers)}@example.org")
        offer = offer_factory(sponsor, **data)
        offer_submit(offer=offer, by=sponsor.user)
        offer_inspect(
            offer=offer,
            inspector=inspector or caseworker,
            visited_on=timezone.localdate(),
            checklist=dict.fromkeys(Inspection.CHECKLIST, True),
            result=Inspection.Result.PASS,
        )
        offer.refresh_from_db()
        return offer

    return make


# --- Households and proposals ------------------------------------------------------------------------


@pytest.fixture
def household_factory(caseworker):
    """`household_factory(caseworker=None, members=..., **fields)`: a seeking household with consent and
    members, recorded through `household_save` by `caseworker` (default: the `caseworker` fixture), so it
    belongs to that caseworker's organisation.

    `members` is a list of (kind, age) pairs.
    """
    from django.utils import timezone

    from sponsorship.households.services import household_save
    from sponsorship.models import Household, HouseholdMember

    default_caseworker = caseworker

    def make(caseworker=None, members=(("adult", 38), ("adult", 35), ("child", 9)), **data):
        caseworker = caseworker or default_caseworker
        fields = {
            "head_name": "Olena Kovalenko",
            "phone": "+370 611 11111",
            "email": "olena@example.org",
            "protection_status": Household.ProtectionStatus.TEMPORARY,
            "consent_version": "1",
            "consent_given_on": timezone.localdate(),
            "consent_recorded_by": caseworker,
            "status": Household.Status.SEEKING,
            "organisation": caseworker.organisation,
            "caseworker": caseworker,
        }
        fields.update(data)
        household = household_save(household=Household(**fields), by=caseworker)
        for kind, age in members:
            member = HouseholdMember(household=household, kind=kind, age=age)
            member.full_clean()
            member.save()
        return household

    return make


# The happy path of a proposal, and who takes each step ("caseworker" of the household, or the
# offer's "sponsor").
PROPOSAL_PATH = [
    ("approved", "caseworker"),
    ("sent", "caseworker"),
    ("sponsor_accepted", "sponsor"),
    ("beneficiary_accepted", "caseworker"),
    ("meeting", "caseworker"),
]


@pytest.fixture
def proposal_at(household_factory, available_offer):
    """`proposal_at(status, household=None, offer=None)`: a proposal created by the household's
    caseworker and walked through `proposal_transition` to `status` (proposed … meeting)."""
    from matching.services.proposals import proposal_create, proposal_transition

    reachable = ["proposed"] + [status for status, _actor in PROPOSAL_PATH]

    def make(status: str = "proposed", *, household=None, offer=None, **create):
        if status not in reachable:
            raise ValueError(f"proposal_at walks to one of {reachable}, not {status!r}")
        household = household or household_factory()
        offer = offer or available_offer()
        caseworker = household.caseworker
        proposal = proposal_create(household=household, offer=offer, by=caseworker, **create)
        for to, actor in PROPOSAL_PATH[: reachable.index(status)]:
            by = offer.sponsor.user if actor == "sponsor" else caseworker
            proposal = proposal_transition(proposal=proposal, to=to, by=by)
        proposal.refresh_from_db()
        return proposal

    return make


@pytest.fixture
def admin_scene(organisation, organisation_factory, caseworker_of, caseworker, household_factory, proposal_at):
    """Two organisations as the admin scope tests see them: organisation A (`organisation`, with a
    seeking household, a household with a proposal sent to a sponsor, a placed household and a transfer
    to a third organisation C) and organisation B with its own household and caseworker. The heads'
    names are in tests/admin_pages.py."""
    import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    from matching.services.placements import proposal_confirm
    from sponsorship.households.services import household_transfer_request
    from tests.admin_pages import HEAD_A, HEAD_A_PLACED, HEAD_A_PROPOSED, HEAD_B

    org_b = organisation_factory(name="Vilnius Welcome Centre")
    org_c = organisation_factory(name="Klaipeda Support")
    caseworker_b = caseworker_of(org_b)
    household = household_factory(head_name=HEAD_A, document_number="FP1234567")
    proposal = proposal_at("sent", household=household_factory(head_name=HEAD_A_PROPOSED))
    meeting = proposal_at("meeting", household=household_factory(head_name=HEAD_A_PLACED))
    placement = proposal_confirm(
        proposal=meeting,
        by=caseworker,
        move_in_date=timezone.localdate() + datetime.timedelta(days=10),
        agreed_months=6,
    )
    transfer = household_transfer_request(household=household, to_organisation=org_c, by=caseworker)
    household_b = household_factory(caseworker=caseworker_b, head_name=HEAD_B)
    return SimpleNamespace(
        org_a=organisation,
        org_b=org_b,
        org_c=org_c,
        caseworker_a=caseworker,
        caseworker_b=caseworker_b,
        household=household,
        proposal=proposal,
        placement=placement,
        transfer=transfer,
        household_b=household_b,
        # What B's caseworker must never read: A's references and names.
        secrets_of_a=[
            household.reference,
            proposal.household.reference,
            placement.household.reference,
            HEAD_A,
            HEAD_A_PROPOSED,
            HEAD_A_PLACED,
        ],
    )


# --- Training ----------------------------------------------------------------------------------------


@pytest.fixture
def event_factory(db):
    """`event_factory(starts_in_days=7, capacity=None, **fields)`: a published information meeting."""
    import datetime

    from training.models import RecruitmentEvent

    numbers = itertools.count(1)

    def make(*, starts_in_days: float = 7, capacity: int | None = None, **fields):
        number = next(numbers)
        starts_at = in_days(starts_in_days)
        values = {
            "slug": f"information-meeting-{number}",
            "kind": RecruitmentEvent.Kind.INFORMATION,
            "title_en": f"Information meeting {number}",
            "title_lt": f"Informacinis susitikimas {number}",
            "title_bg": f"Информационна среща {number}",
            "description_en": "Come and hear what sponsoring involves.",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "place": "Kaunas library",
            "capacity": capacity,
        }
        values.update(fields)
        return RecruitmentEvent.objects.create(**values)

    return make


# --- Files -------------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploaded files go to a directory of this test's own; returns it."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
