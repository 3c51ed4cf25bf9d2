"""The Celery app. Configuration comes from Django settings (CELERY_* names); tasks are autodiscovered."""

import os

from celery import Celery, signals

from portal.logs import RedactFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _logs_redact(logger=None, **kwargs) -> None:
    """The worker replaces the root handlers with its own: they strip query strings, secret links and
    addresses too (portal.logs), like the web process's."""
    for handler in logger.handlers if logger else []:
        if not any(isinstance(existing, RedactFilter) for existing in handler.filters):
            handler.addFilter(RedactFilter())
