"""A household's data protection rights: export (GDPR Arts. 15, 20) and erasure (Art. 17).

Export: everything the portal holds about one household, as JSON (`household_export`); each export is
in the audit log. Erasure (`household_erase`): open proposals are withdrawn first (the sponsors are
told), then the personal data is removed and only an anonymised statistical record remains:

- household: the pseudonymous reference, organisation, caseworker, mentor, protection status, status (closed),
  the number of adults and children, the wanted stay in months, the consent version, and the month
  (first day) of the arrival, the wanted move-in, the consent, the waiting start and the recording;
- transfers: organisations, status and dates (the note is removed);
- household notes: their kind, author and month (the text is removed);
- meetings: their status (a meeting not yet held is cancelled), staff attending, author and month (the
  purpose, place, other attendees and notes are removed);
- proposals, placements, follow-ups, mediation notes and safeguarding concerns: the non-personal facts
  kept by the mediation part (statuses, outcome, the follow-ups' typed answers, offer, dates truncated to
  the month; see
  `matching.privacy`);
- audit log: every entry about the household and its records stays (who, when, which fields), with the
  values of personal fields replaced by "[erased]"; one entry records the erasure itself (who, when,
  the reason code).

Removed: names, date of birth, document number, phone, email, nationalities, languages, current
accommodation, needs (flags, rent, text, preferred municipalities), members, possible duplicates,
free-text notes, and the values in the audit log.

The mediation data lives in a higher layer (matching); it takes part through
`sponsorship.households.parts.household_part_register` (called from `matching.apps`), so this module
never imports it.
"""

from __future__ import annotations

import datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.models import User
from portal.privacy import audit_entries_for, audit_entries_scrub, iso_date, staff_organisation
from sponsorship.access import can_handle_household, can_view_household
from sponsorship.households.parts import household_parts
from sponsorship.households.services import HouseholdError
from sponsorship.models import (
    Household,
    HouseholdMeeting,
    HouseholdMember,
    HouseholdNote,
    HouseholdTransfer,
    MunicipalityPreference,
)


class ErasureReason(models.TextChoices):
    REQUEST = "request", gettext_lazy("The household asked for erasure (GDPR Art. 17)")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("The household withdrew its consent")
    NO_LONGER_NEEDED = "no_longer_needed", gettext_lazy("The data is no longer needed for the case")
    RETENTION = "retention", gettext_lazy("The retention period has ended")


# --- Audit log ---------------------------------------------------------------------------------------

# Fields whose values are not personal: kept in pseudonymised audit entries (the trail stays readable).
AUDIT_KEPT_FIELDS = {
    "id",
    "status",
    "protection_status",
    "organisation",
    "caseworker",
    "from_organisation",
    "to_organisation",
    "requested_by",
    "decided_by",
    "kind",
    "rank",
    "municipality",
    "household",
    "offer",
    "proposal",
    "placement",
    "slot",
    "agreed_months",
    "outcome",
    "rating",
    "severity",
    "score",
    "decline_reason",
    "run",
    "created_by",
    "done_by",
    "author",
    "raised_by",
    "closed_by",
    "consent_version",
    "consent_recorded_by",
    "merged",
    "erased",
    "export",
    "mentor",
    "respondent",
    "milestone",
    "housing_condition",
    "relationship",
    "integration_steps",
    "staff_attendees",
}


def _audit_targets(household: Household) -> list[tuple[type[models.Model], str | None, list[int]]]:
    targets = [
        (Household, None, [household.pk]),
        (HouseholdMember, "household", [household.pk]),
        (HouseholdMember, None, list(household.members.values_list("pk", flat=True))),
        (MunicipalityPreference, "household", [household.pk]),
        (HouseholdTransfer, "household", [household.pk]),
        (HouseholdNote, "household", [household.pk]),
        (HouseholdNote, None, list(household.notes.values_list("pk", flat=True))),
        (HouseholdMeeting, "household", [household.pk]),
        (HouseholdMeeting, None, list(household.meetings.values_list("pk", flat=True))),
    ]
    for part in household_parts():
        targets += part.audit_targets(household)
    return targets


def household_audit_entries(*, household: Household) -> models.QuerySet[LogEntry]:
    """Every audit entry about the household and its records."""
    ids: set[int] = set()
    for model, parent_field, pks in _audit_targets(household):
        ids |= set(audit_entries_for(model, parent_field=parent_field, ids=pks).values_list("pk", flat=True))
    return LogEntry.objects.filter(pk__in=ids).select_related("actor", "content_type").order_by("timestamp", "pk")


# --- Export ------------------------------------------------------------------------------------------


def _household_section(household: Household) -> dict:
    return {
        "reference": household.reference,
        "status": household.get_status_display(),
        "organisation": str(household.organisation),
        "head_of_household": {
            "name": household.head_name,
            "date_of_birth": iso_date(household.head_birth_date),
            "document_number": household.document_number,
            "phone": household.phone,
            "email": household.email,
        },
        "nationalities": [str(country.name) for country in household.nationalities],
        "languages": [str(language) for language in household.languages.all()],
        "protection_status": household.get_protection_status_display(),
        "arrival_date": iso_date(household.arrival_date),
        "current_accommodation": household.current_accommodation,
        "waiting_since": iso_date(household.waiting_since),
        "recorded_at": iso_date(household.created_at),
        "updated_at": iso_date(household.updated_at),
        "anonymised_at": iso_date(household.anonymised_at),
        "mentor": staff_organisation(household.mentor),
        "members": [
            {"kind": member.get_kind_display(), "age": member.age, "name": member.name}
            for member in household.members.all()
        ],
        "needs": {
            "move_in_from": iso_date(household.move_in_from),
            "stay_months": household.stay_months,
            "step_free_access": household.needs_step_free,
            "pets": household.has_pets,
            "maximum_monthly_rent": str(household.max_monthly_rent) if household.max_monthly_rent is not None else None,
            "near_school": household.near_school,
            "near_work": household.near_work,
            "near_medical_care": household.near_medical_care,
            "other_needs": household.other_needs,
            "preferred_municipalities": [
                {"rank": preference.rank, "municipality": str(preference.municipality)}
                for preference in household.preferences.select_related("municipality")
            ],
        },
        "consent": {
            "version": household.consent_version,
            "given_on": iso_date(household.consent_given_on),
            "recorded_by": staff_organisation(household.consent_recorded_by),
        },
    }


def _transfers_section(household: Household) -> list[dict]:
    return [
        {
            "from": str(transfer.from_organisation),
            "to": str(transfer.to_organisation),
            "status": transfer.get_status_display(),
            "note": transfer.note,
            "requested_at": iso_date(transfer.created_at),
            "decided_at": iso_date(transfer.decided_at),
        }
        for transfer in household.transfers.select_related("from_organisation", "to_organisation")
    ]


def _counselling_section(household: Household) -> dict:
    return {
        "notes": [
            {
                "kind": note.get_kind_display(),
                "at": iso_date(note.at),
                "text": note.text,
                "by": staff_organisation(note.author),
            }
            for note in household.notes.select_related("author__organisation").order_by("at", "pk")
        ],
        "meetings": [
            {
                "status": meeting.get_status_display(),
                "purpose": meeting.purpose,
                "starts_at": iso_date(meeting.starts_at),
                "place": meeting.place,
                "staff_attending": [staff_organisation(user) for user in meeting.staff_attendees.all()],
                "other_attendees": meeting.attendees,
                "notes": meeting.notes,
                "recorded_at": iso_date(meeting.created_at),
                "by": staff_organisation(meeting.created_by),
            }
            for meeting in household.meetings.select_related("created_by__organisation")
            .prefetch_related("staff_attendees__organisation")
            .order_by("created_at", "pk")
        ],
    }


# The audit log's own words, in the reader's language.
AUDIT_ACTIONS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit log", "created"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit log", "changed"),
    LogEntry.Action.DELETE: pgettext_lazy("audit log", "deleted"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit log", "viewed"),
}
AUDIT_PSEUDO_FIELDS = {
    "export": pgettext_lazy("audit log", "export"),
    "erased": pgettext_lazy("audit log", "erasure"),
    "merged": pgettext_lazy("audit log", "merge"),
}


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if name in AUDIT_PSEUDO_FIELDS:
        return str(AUDIT_PSEUDO_FIELDS[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field removed since the entry was written
        return name


def _audit_section(household: Household) -> list[dict]:
    actions = AUDIT_ACTIONS
    trail = []
    for entry in household_audit_entries(household=household):
        model = entry.content_type.model_class() if entry.content_type else None
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        trail.append(
            {
                "at": iso_date(entry.timestamp),
                "action": str(actions.get(entry.action, entry.action)),
                "record": str(model._meta.verbose_name) if model else None,
                "object": entry.object_repr,
                "by": staff_organisation(entry.actor),
                "changed_fields": [_field_label(model, name) for name in changes],
                "changes": changes,
            }
        )
    return trail


def _log_export(household: Household, *, by: User, kind: str) -> None:
    LogEntry.objects.log_create(
        household,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"export": [None, kind]},
        actor=by,
    )


def household_export(*, household: Household, by: User, kind: str = "json") -> dict:
    """Everything the portal holds about the household, for its caseworker (Arts. 15 and 20): the
    household, members, needs, consent, mentor, transfers, notes and meetings, the mediation records
    (proposals and their steps, placements, follow-ups, notes, meetings, safeguarding concerns) and its
    audit trail. The export is
    itself recorded in the audit log (`kind`: "json" or "print")."""
    if not can_view_household(by, household):
        raise PermissionDenied
    household = Household.objects.select_related("organisation", "consent_recorded_by__organisation").get(
        pk=household.pk
    )
    data = {
        "format": "rise-household-export/1",
        "exported_at": timezone.now().isoformat(),
        "household": _household_section(household),
        "transfers": _transfers_section(household),
        **_counselling_section(household),
    }
    for part in household_parts():
        data.update(part.export(household))
    data["audit_trail"] = _audit_section(household)
    _log_export(household, by=by, kind=kind)
    return data


# --- Erasure -----------------------------------------------------------------------------------------


def month_start(value: datetime.date | datetime.datetime | None):
    """Dates kept after anonymisation are truncated to the first day of their month."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return value.replace(day=1)


def household_erase(*, household: Household, by: User | None, reason: str) -> Household:
    """Erase the household's personal data, keeping the anonymised statistical record described in this
    module's docstring. `by` is the caseworker (of the household's organisation) or admin; `None` is the
    retention schedule. Open proposals are withdrawn first, through their workflow, so the sponsors are
    told. Refused while a placement is active."""
    if reason not in ErasureReason.values:
        raise HouseholdError(_("Choose the reason for the erasure."))
    if by is not None and not can_handle_household(by, household):
        raise PermissionDenied
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        if household.anonymised_at:
            raise HouseholdError(_("This household's data has already been erased."))
        for part in household_parts():
            part.check(household)
        for part in household_parts():
            part.prepare(household, by)
        targets = _audit_targets(household)
        # Nothing of what is removed may reach the audit log through its signals.
        with disable_auditlog():
            _household_scrub(household)
            for part in household_parts():
                part.erase(household)
        for model, parent_field, pks in targets:
            audit_entries_scrub(
                audit_entries_for(model, parent_field=parent_field, ids=pks),
                object_repr=household.reference,
                kept_fields=AUDIT_KEPT_FIELDS,
            )
        household.refresh_from_db()
        LogEntry.objects.log_create(
            household,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"erased": [None, reason]},
            actor=by,
            serialized_data=None,
        )
    return household


def _household_scrub(household: Household) -> None:
    members = household.members.all()
    adults = members.filter(kind=HouseholdMember.Kind.ADULT).count()
    children = members.filter(kind=HouseholdMember.Kind.CHILD).count()
    members.delete()
    household.preferences.all().delete()
    household.languages.clear()
    household.possible_duplicates.clear()
    HouseholdTransfer.objects.filter(household=household).update(note="")
    HouseholdNote.objects.filter(household=household).update(
        text="", at=TruncMonth("at"), created_at=TruncMonth("created_at")
    )
    meetings = HouseholdMeeting.objects.filter(household=household)
    # A meeting not yet held will not be: there is nobody left to meet.
    meetings.filter(status__in=HouseholdMeeting.OPEN).update(status=HouseholdMeeting.Status.CANCELLED)
    meetings.update(
        purpose="",
        place="",
        attendees="",
        notes="",
        starts_at=TruncMonth("starts_at"),
        created_at=TruncMonth("created_at"),
    )
    # A transfer still waiting for an answer ends with the case: there is nothing left to hand over.
    HouseholdTransfer.objects.filter(household=household, status=HouseholdTransfer.Status.REQUESTED).update(
        status=HouseholdTransfer.Status.REFUSED, decided_at=timezone.now()
    )
    Household.objects.filter(pk=household.pk).update(
        head_name="",
        head_birth_date=None,
        document_number="",
        phone="",
        email="",
        nationalities="",
        current_accommodation="",
        other_needs="",
        max_monthly_rent=None,
        needs_step_free=False,
        has_pets=False,
        near_school=False,
        near_work=False,
        near_medical_care=False,
        arrival_date=month_start(household.arrival_date),
        move_in_from=month_start(household.move_in_from),
        consent_given_on=month_start(household.consent_given_on),
        waiting_since=month_start(household.waiting_since),
        created_at=month_start(household.created_at),
        updated_at=timezone.now(),
        merged_into=None,
        status=Household.Status.CLOSED,
        adults_count=adults,
        children_count=children,
        anonymised_at=timezone.now(),
    )
