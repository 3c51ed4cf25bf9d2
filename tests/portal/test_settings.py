"""The environment switches: DATABASE_URL, REDIS_URL, and the refusal of the development key."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.helpers import BASE_DIR

PROBE = (
    "import json, django; django.setup(); from django.conf import settings; from celery import current_app; "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']"
    "['NAME']), 'eager': current_app.conf.task_always_eager, 'broker': current_app.conf.broker_url, "
    "'backend': current_app.conf.result_backend, 'cache': settings.CACHES['default']['BACKEND'], "
    "'sessions': settings.SESSION_ENGINE}))"
)


def _settings_with(**env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.base", **env_vars})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True)


def _probe(**env_vars: str) -> dict:
    result = _settings_with(**env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_database_url_the_portal_uses_sqlite_under_var():
    probe = _probe(DEBUG="1")
    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["name"] == str(BASE_DIR / "var" / "db.sqlite3")


def test_database_url_switches_to_postgresql():
    probe = _probe(DEBUG="1", DATABASE_URL="postgres://portal:secret@db.internal:5433/portal")
    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["name"] == "portal"


def test_without_redis_url_celery_runs_eagerly():
    probe = _probe(DEBUG="1")
    assert probe["eager"] is True


def test_redis_url_makes_redis_the_broker_and_result_backend():
    probe = _probe(DEBUG="1", REDIS_URL="redis://cache.internal:6380/2")
    assert probe["eager"] is False
    assert probe["broker"] == "redis://cache.internal:6380/2"
    assert probe["backend"] == "redis://cache.internal:6380/2"


def test_sessions_and_rate_limit_cache_never_depend_on_redis():
    probe = _probe(DEBUG="1", REDIS_URL="redis://cache.internal:6380/2")
    assert probe["sessions"] == "django.contrib.sessions.backends.db"
    assert probe["cache"] == "django.core.cache.backends.db.DatabaseCache"


def test_production_settings_refuse_the_development_secret_key():
    from portal.settings.base import DEV_SECRET_KEY

    result = _settings_with(DEBUG="0", SECRET_KEY=DEV_SECRET_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_start_with_a_real_secret_key():
    probe = _probe(DEBUG="0", SECRET_KEY="a-real-production-key-9f8e7d6c5b4a3210-abcdefghijklmnop")
    assert probe["engine"] == "django.db.backends.sqlite3"


def test_a_malformed_boolean_is_refused_with_a_clear_error():
    result = _settings_with(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_the_suite_really_runs_on_postgresql_through_psycopg3():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
    assert type(connection.connection).__module__.startswith("psycopg")
