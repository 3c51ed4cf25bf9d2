"""The shared state-machine helper: a table of steps and roles, asked the same way by every machine."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy

from portal.workflow import Role, Workflow, WorkflowError


class Door(models.TextChoices):
    SHUT = "shut", "Shut"
    OPEN = "open", "Open"
    LOCKED = "locked", "Locked"


class DoorError(WorkflowError):
    pass


def _door(**steps) -> Workflow:
    return Workflow(
        statuses=Door,
        steps=steps.get(
            "steps",
            {
                (Door.SHUT, Door.OPEN): {Role.SPONSOR, Role.CASEWORKER},
                (Door.OPEN, Door.SHUT): {Role.SPONSOR, Role.CASEWORKER, Role.SYSTEM},
                (Door.SHUT, Door.LOCKED): {Role.CASEWORKER},
            },
        ),
        role_of=lambda record, user: Role.SYSTEM if user is None else user.role,
        error=DoorError,
        refused=gettext_lazy("A door cannot go from “%(from)s” to “%(to)s”."),
        denied=gettext_lazy("Not your door."),
    )


def test_allowed_answers_per_step_and_role():
    door = _door()
    assert door.allowed(Door.SHUT, Door.OPEN, Role.SPONSOR)
    assert door.allowed(Door.SHUT, Door.LOCKED, Role.CASEWORKER)
    assert not door.allowed(Door.SHUT, Door.LOCKED, Role.SPONSOR)
    assert not door.allowed(Door.LOCKED, Door.OPEN, Role.CASEWORKER)  # not a step at all
    assert door.exists(Door.SHUT, Door.LOCKED) and not door.exists(Door.LOCKED, Door.SHUT)
    assert door.roles(Door.OPEN, Door.SHUT) == {"sponsor", "caseworker", "system"}
    assert door.roles(Door.LOCKED, Door.OPEN) == frozenset()


def test_steps_from_lists_the_roles_steps_in_table_order():
    door = _door()
    assert door.steps_from(Door.SHUT, Role.CASEWORKER) == [Door.OPEN, Door.LOCKED]
    assert door.steps_from(Door.SHUT, Role.SPONSOR) == [Door.OPEN]
    assert door.steps_from(Door.SHUT, Role.OTHER) == []
    assert door.steps_from(Door.LOCKED, Role.CASEWORKER) == []


def test_steps_for_and_may_ask_the_role_rule_for_the_person():
    door = _door()
    shut = SimpleNamespace(status=Door.SHUT)
    assert door.steps_for(shut, SimpleNamespace(role=Role.CASEWORKER)) == [Door.OPEN, Door.LOCKED]
    assert door.steps_for(shut, None) == []
    assert door.may(SimpleNamespace(status=Door.OPEN), Door.SHUT, None)
    assert not door.may(shut, Door.LOCKED, SimpleNamespace(role=Role.SPONSOR))


def test_check_refuses_a_step_not_in_the_table_with_the_machines_translated_error():
    with pytest.raises(DoorError) as refused:
        _door().check(SimpleNamespace(status=Door.LOCKED), Door.OPEN, SimpleNamespace(role=Role.CASEWORKER))
    assert refused.value.messages == ["A door cannot go from “Locked” to “Open”."]
    assert isinstance(refused.value, WorkflowError)


def test_check_refuses_the_wrong_person_with_permission_denied():
    with pytest.raises(PermissionDenied, match="Not your door."):
        _door().check(SimpleNamespace(status=Door.SHUT), Door.LOCKED, SimpleNamespace(role=Role.SPONSOR))


def test_check_lets_an_allowed_step_pass():
    _door().check(SimpleNamespace(status=Door.SHUT), Door.LOCKED, SimpleNamespace(role=Role.CASEWORKER))


@pytest.mark.parametrize(
    "steps",
    [
        {("ajar", Door.OPEN): {Role.SPONSOR}},  # unknown status
        {(Door.SHUT, Door.OPEN): {"janitor"}},  # unknown role
        {(Door.SHUT, Door.OPEN): set()},  # nobody
    ],
)
def test_a_table_with_an_unknown_status_or_role_is_refused_at_once(steps):
    with pytest.raises(ValueError):
        _door(steps=steps)
