"""The portal project: settings, URLs, the Celery app, and the core app (users, home, health, task outbox)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
