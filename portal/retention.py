"""The retention schedule (GDPR Art. 5(1)(e)): personal data is kept no longer than needed.

Each app registers its categories (`retention_register`, from its `AppConfig.ready`): what is due at a
given time, a pseudonymous reference for each item, and how to apply it. `retention_report` is the
dry run (the admin's report and `retention_apply --dry-run`); `retention_apply` applies everything
due (daily from beat, `manage.py retention_apply` for cron, or an admin's button). Applying twice does
nothing more: applied items are no longer due.

Periods (settings): RETENTION_CLOSED_CASE_MONTHS (closed households anonymised),
RETENTION_UNCONFIRMED_REGISTRATION_DAYS (unconfirmed training registrations deleted).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from portal.access import is_admin
from portal.models import User

logger = logging.getLogger(__name__)

REPORT_REFERENCES = 50


@dataclass(frozen=True)
class RetentionCategory:
    key: str
    label: str
    # What the rule applies to, as a sentence for the report ("anonymised 24 months after closing").
    rule: Callable[[], str]
    due: Callable[[datetime.datetime], QuerySet]
    reference: Callable[[object], str]
    # Applies the rule to the due items and returns how many were handled.
    apply: Callable[[QuerySet], int]
    # The due items a staff member may see in the report (references of their organisation only).
    visible_to: Callable[[QuerySet, User], QuerySet] = lambda queryset, user: queryset


@dataclass
class RetentionDue:
    key: str
    label: str
    rule: str
    count: int
    references: list[str] = field(default_factory=list)


_CATEGORIES: dict[str, RetentionCategory] = {}


def retention_register(category: RetentionCategory) -> None:
    _CATEGORIES[category.key] = category


def retention_categories() -> list[RetentionCategory]:
    return list(_CATEGORIES.values())


def retention_report(*, now: datetime.datetime | None = None, user: User | None = None) -> list[RetentionDue]:
    """The dry run: per category, how many items are due and their pseudonymous references (for a staff
    `user`, only what they may see; `None` is the system and sees everything)."""
    now = now or timezone.now()
    report = []
    for category in _CATEGORIES.values():
        due = category.due(now)
        if user is not None and not is_admin(user):
            due = category.visible_to(due, user)
        items = list(due[:REPORT_REFERENCES])
        report.append(
            RetentionDue(
                key=category.key,
                label=str(category.label),
                rule=category.rule(),
                count=due.count(),
                references=[category.reference(item) for item in items],
            )
        )
    return report


def retention_apply(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply every category's rule to what is due now. Returns the number handled per category."""
    now = now or timezone.now()
    done = {}
    for category in _CATEGORIES.values():
        done[category.key] = category.apply(category.due(now))
        logger.info("retention %s: %s handled", category.key, done[category.key])
    return done
