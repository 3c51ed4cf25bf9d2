"""The parts that higher layers take in a sponsor's data export (GDPR Arts. 15, 20) and account deletion
(Art. 17), driven by `sponsorship.services.sponsor_export` and `sponsor_erase`.

A sponsor's offers (housing), the proposals and placements that reached them (matching) and their
training are kept by apps above this one: each registers a `SponsorPart` from its `AppConfig.ready`
(`housing.privacy`, `matching.privacy`, `training.privacy`), so this app never imports them. The same
pattern serves a household's records: `sponsorship.households.privacy.household_part_register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from portal.models import User
from portal.privacy import ErasureResult
from sponsorship.models import SponsorProfile


@dataclass
class SponsorErasure:
    """One account deletion in progress, handed to each part in turn.

    `profile` is the person's sponsor profile (locked), or None; `emails` every address of the account.
    Parts add what they touch to `erased` (records, own records, values read from them), the values
    that identify the person wherever they appear in the audit log to `identifiers`, and the values
    that are theirs in the records about them (text they wrote) to `about`.
    """

    user: User
    profile: SponsorProfile | None
    pseudonym: str
    emails: list[str]
    erased: ErasureResult = field(default_factory=ErasureResult)
    identifiers: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)


def _nothing(erasure: SponsorErasure) -> None:
    return None


def _no_records(profile: SponsorProfile) -> list[tuple[type[models.Model], list[int]]]:
    return []


@dataclass(frozen=True)
class SponsorPart:
    """Records of a higher layer about a sponsor, taking part in their export and account deletion.

    `export(user, profile, emails)` returns a dict of sections (`profile` may be None: the account has
    no sponsor profile); `audit_records(profile)` lists the (model, ids) of the profile's records whose
    admin log entries belong in the export. In a deletion, `prepare(erasure)` runs for every part before
    any `erase(erasure)`: what other parts depend on happens there (the offers are withdrawn, which ends
    their open proposals, before the mediation part erases the proposals); `erase` removes the rest.
    """

    name: str
    export: Callable[[User, SponsorProfile | None, list[str]], dict]
    prepare: Callable[[SponsorErasure], None] = _nothing
    erase: Callable[[SponsorErasure], None] = _nothing
    audit_records: Callable[[SponsorProfile], list[tuple[type[models.Model], list[int]]]] = _no_records


_PARTS: dict[str, SponsorPart] = {}


def sponsor_part_register(part: SponsorPart) -> None:
    _PARTS[part.name] = part


def sponsor_parts() -> list[SponsorPart]:
    """The registered parts, in the order of registration (the apps' order in INSTALLED_APPS)."""
    return list(_PARTS.values())
