"""Erasure helpers shared by every app (GDPR Art. 17): pseudonymise the audit trail and free text.

Erasing a person keeps the *fact* that something happened (an entry was changed, by whom, when, on
which record) but not *who the person was*: every personal value of theirs (name, email, phone,
address, text they wrote) is replaced by a stable pseudonym such as ``erased-sponsor-12``.

The audit trail is django-auditlog's ``LogEntry`` (``object_repr``, ``changes``, ``changes_text``,
``serialized_data``, ``additional_data``, ``actor_email``): field history and access. Django's admin
also writes its own ``LogEntry`` (``object_repr``, ``change_message``) for its "recent actions" and
history pages; no portal code reads it, but it holds labels, so ``audit_pseudonymise`` rewrites both.
A sponsor's records are logged with their personal fields masked (``audit_mask``): their history says
that a phone or a note changed, never to what, so no earlier value outlives an erasure.

Use it from an app's erasure service, inside its transaction, *before* the values are erased from the
records themselves (the values are read from them)::

    audit_pseudonymise(
        pseudonym="erased-sponsor-12",
        values=personal_values(user.email, user.get_full_name(), profile.phone),
        instances=[user, profile, *persons],   # entries about these records
        actor=user,                            # entries the person made
        relabel=True,                          # their records' labels become the pseudonym
    )
    # and once more over the whole log, for the values that identify the person anywhere:
    audit_pseudonymise(pseudonym=..., values=personal_values(user.email), everywhere=True)

A value is replaced case-insensitively and only as a whole word (``Ann`` does not touch ``Annual``);
longer values are replaced first, so an email address goes before the name inside it.
"""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

# Values shorter than this are never pseudonymised: they would match too much that is not theirs.
MIN_VALUE_LENGTH = 2

# What the audit log stores instead of a masked field's value.
AUDIT_MASKED = "[personal]"


def audit_mask(value: str) -> str:
    """auditlog's `mask_callable` for the personal fields of sponsors' records: the entry says the field
    changed, not its values (empty stays empty)."""
    return value if value in ("", "None") else AUDIT_MASKED


def personal_values(*values: str | None) -> list[str]:
    """The distinct, non-empty values to pseudonymise (whitespace trimmed, case-insensitively unique),
    longest first."""
    seen: dict[str, str] = {}
    for value in values:
        value = (value or "").strip()
        if len(value) >= MIN_VALUE_LENGTH:
            seen.setdefault(value.casefold(), value)
    return sorted(seen.values(), key=len, reverse=True)


def _pattern(values: Iterable[str]) -> re.Pattern | None:
    values = personal_values(*values)
    if not values:
        return None
    alternatives = "|".join(re.escape(value) for value in values)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def pseudonymise_text(text: str, *, values: Iterable[str], pseudonym: str) -> str:
    """`text` with every occurrence of each value replaced by the pseudonym."""
    pattern = _pattern(values)
    if pattern is None or not text:
        return text
    return pattern.sub(pseudonym.replace("\\", "\\\\"), text)


def pseudonymise_data(data: Any, *, values: Iterable[str], pseudonym: str) -> Any:
    """JSON-like data (dicts, lists, strings) with the values replaced in every string, keys included."""
    pattern = _pattern(values)
    if pattern is None:
        return data
    replacement = pseudonym.replace("\\", "\\\\")

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(replacement, item)
        if isinstance(item, Mapping):
            return {walk(key): walk(value) for key, value in item.items()}
        if isinstance(item, list | tuple):
            return [walk(value) for value in item]
        return item

    return walk(data)


def _needles(values: Iterable[str]) -> list[str]:
    """What to look for in the database: the values as typed, and as JSON text stores them (escaped)."""
    needles: dict[str, str] = {}
    for value in personal_values(*values):
        for form in (value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]):
            needles.setdefault(form.casefold(), form)
    return list(needles.values())


def _containing(columns: Iterable[str], values: Iterable[str]) -> Q:
    q = Q()
    needles = _needles(values)
    for column in columns:
        for needle in needles:
            q |= Q(**{f"{column}__icontains": needle})
    return q


def _records(instances: Iterable[models.Model], content_type: ContentType | None, pks: Iterable) -> dict[int, set[str]]:
    """The given records as {content type id: primary keys as text}."""
    by_type: dict[int, set[str]] = {}
    for instance in instances:
        if instance is not None and instance.pk is not None:
            by_type.setdefault(ContentType.objects.get_for_model(instance).pk, set()).add(str(instance.pk))
    if content_type is not None:
        by_type.setdefault(content_type.pk, set()).update(str(pk) for pk in pks)
    return by_type


def _about(records: dict[int, set[str]], *, pk_field: str) -> Q:
    """Entries about the records (auditlog keys them by `object_pk`, the admin by `object_id`)."""
    q = Q(pk__in=[])
    for type_id, type_pks in records.items():
        q |= Q(content_type_id=type_id, **{f"{pk_field}__in": type_pks})
    return q


def audit_pseudonymise(
    *,
    pseudonym: str,
    values: Iterable[str],
    instances: Iterable[models.Model] = (),
    content_type: ContentType | None = None,
    pks: Iterable = (),
    actor: models.Model | None = None,
    everywhere: bool = False,
    relabel: bool = False,
) -> int:
    """Replace the person's values by `pseudonym` in both audit logs; returns how many entries changed.

    Which entries: those about `instances` (or `content_type` + `pks`, for records already deleted),
    those `actor` made, and with `everywhere=True` every entry that contains one of the values.
    In them, each value is replaced wherever it appears (labels, changes, change messages, serialised
    data). Entries made by `actor` keep the actor link (to the anonymised account) but their
    `actor_email` and address become the pseudonym / empty. With `relabel=True`, the label
    (`object_repr`) of entries about the given records becomes the pseudonym itself, whatever it was:
    use it for records that are the person's own (their account, profile, registration).
    The entries themselves, their action, time and the names of changed fields are kept.
    """
    from auditlog.models import LogEntry as AuditEntry
    from django.contrib.admin.models import LogEntry as AdminEntry

    values = personal_values(*values)
    records = _records(instances, content_type, list(pks))
    about = _about(records, pk_field="object_pk")
    changed = 0

    audit_columns = ["object_repr", "changes_text", "actor_email", "changes_t", "serialized_t", "additional_t"]
    scope = about
    if actor is not None:
        scope |= Q(actor=actor)
    entries = AuditEntry.objects.annotate(
        changes_t=Cast("changes", TextField()),
        serialized_t=Cast("serialized_data", TextField()),
        additional_t=Cast("additional_data", TextField()),
    )
    if everywhere and values:
        scope |= _containing(audit_columns, values)
    about_ids = set(AuditEntry.objects.filter(about).values_list("pk", flat=True)) if relabel else set()
    for entry in entries.filter(scope).order_by("pk").iterator(chunk_size=500):
        before = (
            entry.object_repr,
            entry.changes_text,
            entry.actor_email,
            entry.changes,
            entry.serialized_data,
            entry.additional_data,
        )
        entry.object_repr = pseudonymise_text(entry.object_repr, values=values, pseudonym=pseudonym)
        entry.changes_text = pseudonymise_text(entry.changes_text, values=values, pseudonym=pseudonym)
        entry.changes = pseudonymise_data(entry.changes, values=values, pseudonym=pseudonym)
        entry.serialized_data = pseudonymise_data(entry.serialized_data, values=values, pseudonym=pseudonym)
        entry.additional_data = pseudonymise_data(entry.additional_data, values=values, pseudonym=pseudonym)
        if entry.actor_email:
            entry.actor_email = pseudonymise_text(entry.actor_email, values=values, pseudonym=pseudonym)
        if actor is not None and entry.actor_id == actor.pk:
            entry.actor_email = pseudonym
            entry.remote_addr = None
            entry.remote_port = None
        if entry.pk in about_ids:
            entry.object_repr = pseudonym
        after = (
            entry.object_repr,
            entry.changes_text,
            entry.actor_email,
            entry.changes,
            entry.serialized_data,
            entry.additional_data,
        )
        if after != before or (actor is not None and entry.actor_id == actor.pk):
            AuditEntry.objects.filter(pk=entry.pk).update(
                object_repr=entry.object_repr,
                changes_text=entry.changes_text,
                actor_email=entry.actor_email,
                changes=entry.changes,
                serialized_data=entry.serialized_data,
                additional_data=entry.additional_data,
                remote_addr=entry.remote_addr,
                remote_port=entry.remote_port,
            )
            changed += 1

    # The admin's log keys objects by `object_id` (text) and has no actor email (its `user` is staff).
    admin_about = _about(records, pk_field="object_id")
    admin_scope = admin_about
    if actor is not None:
        admin_scope |= Q(user_id=actor.pk)
    if everywhere and values:
        admin_scope |= _containing(["object_repr", "change_message"], values)
    admin_about_ids = set(AdminEntry.objects.filter(admin_about).values_list("pk", flat=True)) if relabel else set()
    for entry in AdminEntry.objects.filter(admin_scope).order_by("pk").iterator(chunk_size=500):
        object_repr = pseudonymise_text(entry.object_repr, values=values, pseudonym=pseudonym)
        if entry.pk in admin_about_ids:
            object_repr = pseudonym
        change_message = entry.change_message
        try:
            message = json.loads(change_message) if change_message else None
        except ValueError:
            message = None
        if isinstance(message, list):
            change_message = json.dumps(pseudonymise_data(message, values=values, pseudonym=pseudonym))
        else:
            change_message = pseudonymise_text(change_message, values=values, pseudonym=pseudonym)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            AdminEntry.objects.filter(pk=entry.pk).update(object_repr=object_repr, change_message=change_message)
            changed += 1
    return changed


def fields_pseudonymise(*, queryset: models.QuerySet, fields: list[str], pseudonym: str, values: Iterable[str]) -> int:
    """Replace the values by the pseudonym in the text `fields` of the rows of `queryset` (notes written
    by others about the person, kept for the case but without the person's identity). Returns how many
    rows changed. Rows are written with `update()`: no `save()` side effects, no audit entry."""
    values = personal_values(*values)
    if not values:
        return 0
    changed = 0
    for row in queryset.filter(_containing(fields, values)).values("pk", *fields):
        update = {
            name: pseudonymise_text(row[name], values=values, pseudonym=pseudonym)
            for name in fields
            if row[name] and pseudonymise_text(row[name], values=values, pseudonym=pseudonym) != row[name]
        }
        if update:
            queryset.model._base_manager.filter(pk=row["pk"]).update(**update)
            changed += 1
    return changed


@dataclass
class ErasureResult:
    """What one app's part of an erasure touched, for the audit log pass that follows.

    `records`: the records about the person (kept anonymised or deleted; their audit entries are
    pseudonymised); `own`: the ones that were the person's own (their label becomes the pseudonym);
    `values`: personal values read from them before they were erased (names, emails, text they wrote).
    """

    records: list[models.Model] = field(default_factory=list)
    own: list[models.Model] = field(default_factory=list)
    values: list[str] = field(default_factory=list)

    def add(self, other: "ErasureResult") -> "ErasureResult":
        self.records += other.records
        self.own += other.own
        self.values += other.values
        return self


def staff_label(user: models.Model | None) -> dict[str, str | None]:
    """How a data download names a member of staff: by role and organisation, never by name or email."""
    if user is None:
        return {"role": "system", "organisation": None}
    organisation = getattr(user, "organisation", None)
    return {"role": "staff" if user.is_staff else "user", "organisation": organisation.name if organisation else None}


def staff_organisation(user: models.Model | None) -> str | None:
    """How a household's data export names a member of staff: by their organisation only (the household
    learns who handled its data, not staff details)."""
    from django.utils.translation import gettext

    if user is None:
        return None
    organisation = getattr(user, "organisation", None)
    return str(organisation) if organisation is not None else gettext("Portal administration")


def iso_date(value) -> str | None:
    """A date or datetime as ISO text for an export, or None."""
    return value.isoformat() if value else None


# Field-based scrubbing (households): every value outside the kept fields becomes ERASED. The value-based
# `audit_pseudonymise` above serves people whose values are known (sponsors); this one serves records
# whose every field is personal unless listed.
ERASED = "[erased]"


def audit_entries_for(model: type[models.Model], *, parent_field: str | None = None, ids: list[int]) -> models.QuerySet:
    """Audit entries of `model` objects with these ids (`parent_field=None`), or of objects whose
    `parent_field` held one of these ids (found in the entries themselves, so rows deleted long ago are
    included)."""
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(model)
    entries = LogEntry.objects.filter(content_type=content_type)
    if not ids:
        return entries.none()
    if parent_field is None:
        return entries.filter(object_pk__in=[str(pk) for pk in ids])
    query = Q()
    for pk in ids:
        for side in (0, 1):
            query |= Q(**{f"changes__{parent_field}__{side}": str(pk)}) | Q(**{f"changes__{parent_field}__{side}": pk})
    object_pks = entries.filter(query).values_list("object_pk", flat=True)
    return entries.filter(object_pk__in=set(object_pks))


def audit_entries_scrub(entries: models.QuerySet, *, object_repr: str, kept_fields: set[str] | frozenset[str]) -> int:
    """Remove personal values from audit entries: the representation becomes `object_repr`, the values
    of fields outside `kept_fields` become "[erased]", serialized data and texts are dropped. Who did
    what and when stays. Returns the number of entries changed."""
    from auditlog.models import LogEntry

    changed = 0
    for entry in entries.only("pk", "changes"):
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        scrubbed = {field: value if field in kept_fields else [ERASED, ERASED] for field, value in changes.items()}
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=object_repr,
            changes=scrubbed or None,
            changes_text="",
            serialized_data=None,
            additional_data=None,
        )
        changed += 1
    return changed
