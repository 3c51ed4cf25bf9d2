"""The records that higher layers keep about a household (the mediation records of `matching`), as
parts that take part in the household's export and erasure (`sponsorship.households.privacy`) and in a
merge of duplicates (`sponsorship.households.services.household_merge`).

Each app registers its part from its `AppConfig.ready` (`matching.apps`), so this package never
imports it. The same pattern serves a sponsor's records: `sponsorship.privacy.sponsor_part_register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from portal.models import User
from sponsorship.households.models import Household


@dataclass(frozen=True)
class HouseholdPart:
    """Records of a higher layer about a household, taking part in export, erasure and merge.

    `check(household)` raises HouseholdError when the household cannot be erased yet;
    `prepare(household, by)` runs first (e.g. withdraws open proposals through their workflow);
    `export(household)` returns a dict of sections; `erase(household)` removes the personal data;
    `audit_targets(household)` lists the (model, field holding the parent id, parent ids) or
    (model, None, own ids) whose audit entries must be pseudonymised; `merge(keep, duplicate)` moves
    the duplicate's records to the household that is kept.
    """

    name: str
    export: Callable[[Household], dict]
    erase: Callable[[Household], None]
    audit_targets: Callable[[Household], list[tuple[type[models.Model], str | None, list[int]]]]
    check: Callable[[Household], None] = lambda household: None
    prepare: Callable[[Household, User | None], None] = lambda household, by: None
    merge: Callable[[Household, Household], None] = lambda keep, duplicate: None


_PARTS: dict[str, HouseholdPart] = {}


def household_part_register(part: HouseholdPart) -> None:
    _PARTS[part.name] = part


def household_parts() -> list[HouseholdPart]:
    """The registered parts, in the order of registration."""
    return list(_PARTS.values())
