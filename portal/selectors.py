"""Core read-side functions."""

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connections

from portal.services import BROKER_ERRORS


def health_status() -> dict[str, str]:
    """The state of each component the portal depends on: "ok", "eager" or "error".

    Error details are logged by the caller's infrastructure, never returned: the endpoint is public.
    """
    return {"database": _database_status(), "broker": _broker_status()}


def _database_status() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def _broker_status() -> str:
    if current_app.conf.task_always_eager:
        return "eager"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT
            )
    except BROKER_ERRORS:
        return "error"
    return "ok"
