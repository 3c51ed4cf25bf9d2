"""Logs carry paths and ids, never query strings, secret links or email addresses.

`RedactFilter` is attached to every handler in `LOGGING` (and to gunicorn's loggers in
portal/gunicorn.conf.py). Admin searches and filters travel in the query string (names, document
numbers, phones), and confirmation, password-reset and invitation links carry a secret in their path;
both are cut from every message before it is written. Plain Python: gunicorn loads it before Django.
"""

import logging
import re

# Paths whose next segment is a secret key: email confirmation, password reset, group invitation.
SECRET_PATHS = ("accounts/confirm-email", "accounts/password/reset/key", "sponsor/invitations")
_SECRET_ALTERNATIVES = "|".join(re.escape(path) for path in SECRET_PATHS)
_SECRET_RE = re.compile(rf"(/(?:{_SECRET_ALTERNATIVES})/)[^/\s?#\"']+")
# A query string after a path or URL: from "?" up to whitespace or a quote.
_QUERY_RE = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
REDACTED = "***"


def path_redact(path: str) -> str:
    """A request path (or a whole log line) without query strings, secret keys or email addresses."""
    text = _QUERY_RE.sub(r"\1", path)
    text = _SECRET_RE.sub(r"\1" + REDACTED, text)
    return _EMAIL_RE.sub(REDACTED + "@" + REDACTED, text)


class RedactFilter(logging.Filter):
    """Rewrites each record's message (and traceback) through `path_redact`; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: let logging report it as usual
            return True
        record.msg, record.args = path_redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = path_redact(record.exc_text)
        return True
