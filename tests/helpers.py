"""Helpers shared by the test suites (plain functions; the fixtures live in tests/conftest.py).

Nothing here imports the portal's models at import time: tests/conftest.py imports this module before
Django is set up.
"""

import datetime
import io
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from django.core import mail

BASE_DIR = Path(__file__).resolve().parent.parent

# The measured figures of the reliability report, printed at the end of the run (the `figure` fixture).
FIGURES: list[tuple[str, str]] = []


# --- Time -------------------------------------------------------------------------------------------


def in_days(days: float) -> datetime.datetime:
    """Now plus `days`, to the second (as a trainer would enter it, and as iCalendar carries it)."""
    from django.utils import timezone

    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


def session_started(session):
    """Move a training session (with its enrolments made while it was upcoming) to "started an hour ago"."""
    from django.utils import timezone

    from training.models import Session

    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=2),
        registration_deadline=now - datetime.timedelta(hours=2),
    )
    session.refresh_from_db()
    return session


# --- Accounts ---------------------------------------------------------------------------------------


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


def sign_up(page, base: str, email: str, password: str) -> None:
    """Sign up through the portal's page in the browser, confirm the address from the email's link and
    sign in (a new sponsor's first steps)."""
    page.goto(f"{base}/en/accounts/signup/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password (again):", exact=True).fill(password)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/en/accounts/confirm-email/")
    link = re.search(r"https?://\S+/en/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    sign_in(page, base, email, password)


def sign_in(page, base: str, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign in through the portal's page in the browser (Playwright `page`), with the authenticator
    app's code when `totp_secret` is given (staff)."""
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        # Staff sign in with a second factor: the authenticator app's code.
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_placeholder("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)


def client_of(user):
    """A browser of its own for `user`, signed in (messages live in a cookie, so each user needs one).
    Staff have an authenticator (`user_factory` sets one up); a forced login passes the second factor."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- Concurrency ------------------------------------------------------------------------------------


def all_at_once(work: Callable, items: Sequence) -> list:
    """Run `work(item)` for each item in its own thread, all released together by a barrier; returns each
    result (or the exception it raised) in the order of `items`.

    Each thread speaks the caller's language and closes its own database connection. Meant for
    `django_db(transaction=True)` tests on PostgreSQL, where the threads really race for rows.
    """
    from django.db import connection
    from django.utils import translation

    language = translation.get_language()
    barrier = threading.Barrier(len(items))
    results: list = [None] * len(items)

    def run(index: int, item) -> None:
        translation.activate(language)  # each thread has its own language
        try:
            barrier.wait(timeout=10)
            results[index] = work(item)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


# --- Celery -----------------------------------------------------------------------------------------


def celery_reconfigure(**values) -> dict:
    """Change Celery settings for a test and drop pooled connections; returns the previous values."""
    from celery import current_app

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


# --- Files and the database -------------------------------------------------------------------------


def jpeg_upload(name: str = "room.jpg"):
    """A small JPEG photo, as a browser uploads it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def database_text() -> str:
    """Every value of every row of every table, as one text to search."""
    from django.apps import apps

    values = []
    for model in apps.get_models(include_auto_created=True):
        names = [field.attname for field in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names):
            values.extend(str(value) for value in row)
    return "\n".join(values)


def pg_dump() -> str:
    """The data of the PostgreSQL test database, as `pg_dump` writes it (backups hold the same)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    command = ["pg_dump", "--data-only", "--no-owner", "--dbname", str(database["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [flag, str(database[key])]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env, timeout=60).stdout


def record_force(record, **fields):
    """Put a record in a state directly, bypassing the services (and so recording no step)."""
    type(record).objects.filter(pk=record.pk).update(**fields)
    record.refresh_from_db()
    return record


def status_of(record) -> str:
    """The record's status as stored now."""
    record.refresh_from_db()
    return record.status
