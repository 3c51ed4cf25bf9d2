"""A guard over the whole test suite: personal data never reaches a log, a queued message or a task's arguments.

Loaded from tests/conftest.py (`pytest_plugins`). While the tests run it records

- every log record emitted in the test process, at every level (the root logger is set to DEBUG, and
  records of loggers that do not propagate are seen too), with its traceback;
- every message published to Celery (`before_task_publish`: arguments, keyword arguments, headers), and
  the arguments of every task run in the process (eager mode);
- the arguments of every `QueuedTask` row (the broker outbox);
- the log files registered with `watch_file` (the real worker's log), read at the end of the session;

and checks each for markers of personal data: email addresses, phone numbers, confirmation,
password-reset and invitation links, and the names and document numbers the fixtures use. The count is
the figure "Logs, queued messages and task arguments: personal-data markers"; the session fails if it
is not 0, listing where each marker was seen.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

FIGURE = "Logs, queued messages and task arguments: personal-data markers"

MARKERS: dict[str, re.Pattern[str]] = {
    "email address": re.compile(r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"),
    "phone number": re.compile(r"\+\d{2,3}[ -]?\d{3}[ -]?\d{4,5}\b"),
    "secret link": re.compile(
        r"/(?:accounts/confirm-email|accounts/password/reset/key|sponsor/invitations)/(?!\*\*\*)[^/\s\"'?]+"
    ),
    # Names and document numbers the fixtures and tests give households, sponsors and group members.
    "fixture name or document": re.compile(
        r"Kovalenko|Karimi|Haddad|Narytė|Logauskaitė|Onaitė|Mia Member|Rasa Host|Sam Sponsor|FP1234567", re.I
    ),
}


@dataclass(frozen=True)
class Hit:
    test: str
    source: str
    marker: str
    excerpt: str


_hits: list[Hit] = []
_sinks: list[list[Hit]] = [_hits]
_watched: list[Path] = []
_current_test = "(collection)"
_scanning = False


def markers_in(text: str) -> list[tuple[str, str]]:
    """The markers of personal data found in `text`: (kind, the text matched)."""
    return [(kind, match.group(0)) for kind, pattern in MARKERS.items() for match in pattern.finditer(text)]


def record(source: str, text: str) -> int:
    """Check `text` seen at `source` (e.g. "log portal.services"); returns how many markers it held."""
    found = markers_in(text)
    for kind, matched in found:
        start = max(text.find(matched) - 40, 0)
        _sinks[-1].append(Hit(_current_test, source, kind, text[start : start + 120].replace("\n", " ")))
    return len(found)


@contextlib.contextmanager
def captured() -> Iterator[list[Hit]]:
    """Collect the markers seen inside the block apart from the session's (for tests of the guard itself)."""
    hits: list[Hit] = []
    _sinks.append(hits)
    try:
        yield hits
    finally:
        _sinks.remove(hits)


def watch_file(path: str | Path) -> None:
    """Check this file (e.g. a worker's log) at the end of the session."""
    _watched.append(Path(path))


def _as_text(value) -> str:
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


# --- Sources ---------------------------------------------------------------------------------------

_original_handle = logging.Logger.handle


def _handle(self: logging.Logger, log_record: logging.LogRecord):
    global _scanning
    if not _scanning:  # a record logged while checking one is not checked again
        _scanning = True
        try:
            try:
                text = log_record.getMessage()
            except Exception:  # noqa: BLE001 - a broken format string is logging's problem, not ours
                text = str(log_record.msg)
            if log_record.exc_info:
                text += "\n" + logging.Formatter().formatException(log_record.exc_info)
            data = log_record.__dict__.get("data")  # Celery's structured context (task arguments)
            if data is not None:
                text += "\n" + _as_text(data)
            # What a log handler writes: every handler of the portal's LOGGING (and the worker's) runs
            # `portal.logs.RedactFilter`, so the check is on the redacted line (tests/portal/test_pii.py
            # proves the handlers carry it). A marker that survives redaction is a leak.
            from portal.logs import path_redact

            record(f"log {log_record.name}", path_redact(text))
        finally:
            _scanning = False
    return _original_handle(self, log_record)


def _on_publish(sender=None, body=None, headers=None, **kwargs):
    record(f"published {sender}", _as_text({"body": body, "headers": headers}))


def _on_prerun(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
    record(f"task run {getattr(task, 'name', sender)}", _as_text({"args": args, "kwargs": kwargs}))


def _on_queued_task_saved(sender, instance, **kwargs):
    record(f"QueuedTask {instance.task_name}", _as_text({"args": instance.args, "kwargs": instance.kwargs}))


# --- Hooks -----------------------------------------------------------------------------------------


def pytest_configure(config):
    logging.Logger.handle = _handle
    logging.getLogger().setLevel(logging.DEBUG)
    from celery import signals
    from django.db.models.signals import post_save

    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="pii_guard_publish")
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="pii_guard_prerun")
    # A lazy reference: the model is resolved once the app registry is ready.
    post_save.connect(_on_queued_task_saved, sender="portal.QueuedTask", weak=False, dispatch_uid="pii_guard_queued")


def pytest_unconfigure(config):
    logging.Logger.handle = _original_handle


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _current_test
    _current_test = item.nodeid
    yield
    _current_test = "(between tests)"


def pytest_sessionfinish(session, exitstatus):
    if not session.testscollected:
        return
    for path in _watched:
        if path.exists():
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
                record(f"file {path.name}:{number}", line)
    from tests.helpers import FIGURES

    FIGURES.append((FIGURE, str(len(_hits))))
    if _hits and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not _hits:
        return
    terminalreporter.section("personal data seen in logs, queued messages or task arguments", red=True)
    for hit in _hits[:50]:
        terminalreporter.write_line(f"{hit.test} | {hit.source} | {hit.marker}: …{hit.excerpt}…")
    if len(_hits) > 50:
        terminalreporter.write_line(f"… and {len(_hits) - 50} more")
