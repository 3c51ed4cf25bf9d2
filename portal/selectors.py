"""Core read-side functions."""

import redis
from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connections

from portal.models import Notification
from portal.notifications import notifications_render


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
    """Redis answers a PING within TASK_PUBLISH_TIMEOUT (a frozen Redis accepts connections but never
    answers, so connecting is not enough); other brokers: a connection can be made."""
    if current_app.conf.task_always_eager:
        return "eager"
    url = str(current_app.conf.broker_url or "")
    timeout = float(getattr(settings, "TASK_PUBLISH_TIMEOUT", 0.5))
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
            try:
                client.ping()
            finally:
                client.close()
        else:
            with current_app.connection_for_write(connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception:
        return "error"
    return "ok"


def notification_list(*, user, limit: int = 100) -> list[Notification]:
    """The user's latest notifications, newest first, each `rendered` in the active language."""
    return notifications_render(Notification.objects.filter(user=user)[:limit])
