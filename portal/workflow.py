"""State machines: one table of allowed steps per machine, asked by everyone who needs to know.

A `Workflow` answers "may this step be taken now, by whom?" (`allowed`, `check`) and "which steps can
this person take?" (`steps_from`, `steps_for`), so that services refuse steps, forms offer them, and
the admin and templates show buttons from the same table. Recording a step (the `*Transition` rows)
stays with the one service of each machine that takes steps.

This module is the bottom layer: it imports no app. Each app builds its machine from its own statuses,
its own role rule (who the person is for this record) and its own error class::

    OFFER_WORKFLOW = Workflow(
        statuses=HousingOffer.Status,
        steps={(Status.DRAFT, Status.SUBMITTED): {Role.SPONSOR}, ...},
        role_of=offer_role,
        error=OfferError,
        refused=gettext_lazy("An offer cannot go from “%(from)s” to “%(to)s”."),
        denied=gettext_lazy("You cannot make this change to the offer."),
    )
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.functional import Promise

# A message: a string, or a lazily translated one (`gettext_lazy`).
StrOrPromise = str | Promise


class Role(enum.StrEnum):
    """Who someone is for a record: the household's caseworker (staff, for offers), the offer's sponsor,
    the system (periodic jobs, `by=None`), or anyone else."""

    CASEWORKER = "caseworker"
    SPONSOR = "sponsor"
    SYSTEM = "system"
    OTHER = "other"


class WorkflowError(ValidationError):
    """A rule of a state machine was broken; the message is translated and safe to show. Each machine
    has its own subclass (`ProposalError`, `OfferError`)."""


class Workflow:
    """One state machine: its allowed steps `(from, to)` and the roles that may take each."""

    def __init__(
        self,
        *,
        statuses: type[models.TextChoices],
        steps: Mapping[tuple[str, str], Iterable[str]],
        role_of: Callable[[Any, Any], str],
        error: type[ValidationError],
        refused: StrOrPromise,
        denied: StrOrPromise,
    ) -> None:
        self.statuses = statuses
        self.steps: dict[tuple[str, str], frozenset[str]] = {
            (str(frm), str(to)): frozenset(str(role) for role in roles) for (frm, to), roles in steps.items()
        }
        for (frm, to), roles in self.steps.items():
            unknown = {frm, to} - set(statuses.values)
            if unknown or not roles or not roles <= set(Role):
                raise ValueError(f"Bad step {frm} -> {to}: {sorted(unknown) or sorted(roles)}")
        self.role_of = role_of
        self.error = error
        self.refused = refused
        self.denied = denied

    # --- The table ------------------------------------------------------------------------------------

    def exists(self, frm: str, to: str) -> bool:
        """Is `frm` → `to` a step of this machine at all (for someone)?"""
        return (str(frm), str(to)) in self.steps

    def roles(self, frm: str, to: str) -> frozenset[str]:
        """Who may take the step (empty when it is not a step)."""
        return self.steps.get((str(frm), str(to)), frozenset())

    def allowed(self, frm: str, to: str, role: str) -> bool:
        return str(role) in self.roles(frm, to)

    def steps_from(self, status: str, role: str) -> list[str]:
        """The statuses `role` can move a record in `status` to, in the table's order."""
        return [to for (frm, to), roles in self.steps.items() if frm == status and str(role) in roles]

    # --- For a record and a person ---------------------------------------------------------------------

    def steps_for(self, record: Any, user: Any) -> list[str]:
        """The steps `user` (None: the system) can take on `record` now."""
        return self.steps_from(record.status, self.role_of(record, user))

    def may(self, record: Any, to: str, user: Any) -> bool:
        return self.allowed(record.status, to, self.role_of(record, user))

    def check(self, record: Any, to: str, user: Any) -> None:
        """Refuse the step unless it is in the table (the machine's error) and `user` may take it
        (PermissionDenied)."""
        if not self.exists(record.status, to):
            raise self.error(self.refused % {"from": self.statuses(record.status).label, "to": self.statuses(to).label})
        if not self.may(record, to, user):
            raise PermissionDenied(self.denied)
