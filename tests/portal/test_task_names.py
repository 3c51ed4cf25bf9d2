"""Services queue tasks by the name they are registered under (`portal.services.task_enqueue`), so they
never import their tasks module (which imports them). Every name used is a registered task."""

import ast
import importlib
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from portal.models import QueuedTask
from portal.services import UnknownTaskError, task_enqueue, tasks_load

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "sponsorship", "matching", "housing", "training", "projects"]


def _enqueue_calls() -> list[tuple[str, int, ast.expr]]:
    """(module name, line, the `task=` expression) of every `task_enqueue(...)` call in the apps."""
    calls = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == (
                    "task_enqueue"
                ):
                    [task] = [keyword.value for keyword in node.keywords if keyword.arg == "task"]
                    calls.append((module, node.lineno, task))
    return calls


def _task_name(module: str, expression: ast.expr) -> str:
    """The value of a call's `task=` argument: a string, or a constant of the calling module."""
    # Evaluated in the module's namespace: a local variable would fail here, and should be a constant.
    return eval(compile(ast.Expression(expression), module, "eval"), vars(importlib.import_module(module)))


def test_every_task_name_given_to_task_enqueue_is_a_registered_task():
    tasks_load()
    calls = _enqueue_calls()
    names = {f"{module}:{line}": _task_name(module, task) for module, line, task in calls}

    assert len(calls) >= 7  # the finder found the calls (email, sponsors, offers, proposals, runs)
    unknown = {where: name for where, name in names.items() if name not in current_app.tasks}
    assert unknown == {}


def test_every_periodic_task_is_a_registered_task():
    tasks_load()
    unknown = [
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in current_app.tasks
    ]
    assert unknown == []


@pytest.mark.django_db
def test_task_enqueue_refuses_a_name_no_task_is_registered_under():
    with pytest.raises(UnknownTaskError):
        task_enqueue(task="portal.tasks.no_such_task", args=[1])
    assert not QueuedTask.objects.exists()
