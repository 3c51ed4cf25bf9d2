"""Beneficiary households: recording, duplicates, merging, transfers, access log.

Household data is special-category personal data. Only caseworkers of the responsible organisation
and admins see it (`sponsorship.access.households_for`); every view is logged (`household_access_log`)
and every change is recorded by django-auditlog (registered in `apps.py`).
"""

import datetime
import secrets
from collections.abc import Iterable

from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import is_admin
from portal.models import User
from sponsorship.access import (
    can_decide_transfer,
    can_handle_household,
    can_mentor_household,
    can_merge_households,
    can_record_household,
)
from sponsorship.households.models import Household, HouseholdMeeting, HouseholdNote, HouseholdTransfer
from sponsorship.households.parts import household_parts
from sponsorship.households.selectors import household_duplicates


class HouseholdError(ValidationError):
    """A household rule was broken; the message is translated and safe to show."""


def household_access_log(*, household: Household, by: User) -> None:
    """Record that `by` viewed the household (the audit log's "access" entry)."""
    accessed.send(sender=Household, instance=household)


def _new_reference() -> str:
    while True:
        reference = "HH-" + secrets.token_hex(3).upper()
        if not Household.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def household_save(*, household: Household, by: User) -> Household:
    """Record or update a household. A new one gets a pseudonymous reference, the caseworker's
    organisation and the caseworker; whoever records or changes the date of consent is its recorder
    (`consent_recorded_by`); possible duplicates are flagged."""
    if not can_record_household(by):
        raise PermissionDenied
    if household.pk is not None and not can_handle_household(by, household):
        raise PermissionDenied
    stored = Household.objects.filter(pk=household.pk).values("status", "consent_given_on").first() or {}
    before, consent_before = stored.get("status"), stored.get("consent_given_on")
    derived = Household.DERIVED_STATUSES
    if before != household.status and (before in derived or household.status in derived):
        raise HouseholdError({"status": _("“Proposed” and “housed” follow the household's proposals and placements.")})
    if household.pk is None:
        household.reference = _new_reference()
        if not is_admin(by):
            if not by.organisation_id:
                raise HouseholdError(_("Your account belongs to no organisation: ask an admin to set it."))
            household.organisation_id = by.organisation_id
        household.caseworker = household.caseworker or by
    if household.status == Household.Status.SEEKING and not household.waiting_since:
        household.waiting_since = timezone.localdate()
    household.full_clean()
    if household.mentor_id and not can_mentor_household(household.mentor, household):
        raise HouseholdError({"mentor": _("The mentor is a staff member of the household's organisation.")})
    if household.consent_given_on and household.consent_given_on != consent_before:
        household.consent_recorded_by = by
    household.save()
    household_flag_duplicates(household=household)
    return household


def household_flag_duplicates(*, household: Household) -> int:
    duplicates = list(household_duplicates(household=household))
    if duplicates:
        household.possible_duplicates.add(*duplicates)
    return len(duplicates)


@transaction.atomic
def household_merge(*, keep: Household, duplicate: Household, by: User) -> Household:
    """An admin merges a duplicate into the household to keep: proposals, placements, transfers, notes
    and meetings move over, the duplicate is closed and points to the kept one. The merge is in the audit log."""
    if not can_merge_households(by):
        raise PermissionDenied
    if keep.pk == duplicate.pk:
        raise HouseholdError(_("Choose two different households."))
    # Proposals and placements belong to higher layers: their parts move them.
    for part in household_parts():
        part.merge(keep, duplicate)
    HouseholdTransfer.objects.filter(household=duplicate).update(household=keep)
    HouseholdNote.objects.filter(household=duplicate).update(household=keep)
    HouseholdMeeting.objects.filter(household=duplicate).update(household=keep)
    keep.possible_duplicates.remove(duplicate)
    duplicate.possible_duplicates.clear()
    duplicate.merged_into = keep
    duplicate.status = Household.Status.CLOSED
    duplicate.save(update_fields=["merged_into", "status", "updated_at"])
    LogEntry.objects.log_create(
        keep,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"merged": [duplicate.reference, keep.reference]},
        actor=by,
    )
    return keep


def household_transfer_request(*, household: Household, to_organisation, by: User, note: str = "") -> HouseholdTransfer:
    if not can_handle_household(by, household):
        raise PermissionDenied
    if household.organisation_id == to_organisation.pk:
        raise HouseholdError(_("The household already belongs to this organisation."))
    if household.transfers.filter(status=HouseholdTransfer.Status.REQUESTED).exists():
        raise HouseholdError(_("A transfer of this household is already waiting for an answer."))
    transfer = HouseholdTransfer(
        household=household,
        from_organisation_id=household.organisation_id,
        to_organisation=to_organisation,
        requested_by=by,
        note=note,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


@transaction.atomic
def household_transfer_decide(*, transfer: HouseholdTransfer, by: User, accept: bool) -> HouseholdTransfer:
    """A caseworker of the receiving organisation accepts (the household becomes theirs) or refuses."""
    transfer = HouseholdTransfer.objects.select_for_update().get(pk=transfer.pk)
    if not can_decide_transfer(by, transfer):
        raise PermissionDenied
    if transfer.status != HouseholdTransfer.Status.REQUESTED:
        raise HouseholdError(_("This transfer has already been decided."))
    transfer.status = HouseholdTransfer.Status.ACCEPTED if accept else HouseholdTransfer.Status.REFUSED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.save()
    if accept:
        household = transfer.household
        household.organisation_id = transfer.to_organisation_id
        household.caseworker = by
        # The mentor was one of the old organisation's staff: the new organisation names its own.
        household.mentor = None
        household.save(update_fields=["organisation", "caseworker", "mentor", "updated_at"])
    return transfer


# --- Counselling and mentoring ---------------------------------------------------------------------------


def household_note_add(
    *, household: Household, by: User, kind: str, text: str, at: datetime.datetime | None = None
) -> HouseholdNote:
    """Record a consultation, a mentoring session, a mediation, a phone call or a home visit with the
    household (its caseworkers and admins; the note is in the audit log)."""
    if not can_handle_household(by, household):
        raise PermissionDenied
    if household.anonymised_at:
        raise HouseholdError(_("This household's data has been erased: nothing more can be recorded."))
    note = HouseholdNote(household=household, kind=kind, text=text, at=at or timezone.now(), author=by)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def household_meeting_save(
    *, meeting: HouseholdMeeting, by: User, staff_attendees: Iterable[User] | None = None
) -> HouseholdMeeting:
    """Record a meeting with the household, or change it. Without a date it is "to arrange" (the
    caseworkers' queue, `meetings_to_arrange`); given a date, a meeting to arrange becomes arranged. Staff
    attendees are staff of the household's organisation. `staff_attendees=None` leaves them as they are."""
    household = meeting.household
    if not can_handle_household(by, household):
        raise PermissionDenied
    if household.anonymised_at:
        raise HouseholdError(_("This household's data has been erased: nothing more can be recorded."))
    if meeting.pk is not None:
        stored = HouseholdMeeting.objects.select_for_update().filter(pk=meeting.pk).values("household_id").first()
        if stored is None or stored["household_id"] != meeting.household_id:
            raise HouseholdError(_("A meeting stays with its household."))
    if meeting.status == HouseholdMeeting.Status.TO_ARRANGE and meeting.starts_at is not None:
        meeting.status = HouseholdMeeting.Status.ARRANGED
    attendees = list(staff_attendees) if staff_attendees is not None else None
    if attendees and not all(can_mentor_household(user, household) for user in attendees):
        raise HouseholdError({"staff_attendees": _("Staff attending are staff of the household's organisation.")})
    if meeting.pk is None:
        meeting.created_by = by
    meeting.full_clean()
    meeting.save()
    if attendees is not None:
        meeting.staff_attendees.set(attendees)
    return meeting


def household_mentor_assign(*, household: Household, mentor: User | None, by: User) -> Household:
    """Name the household's mentor (a staff member of its organisation), or none. Only the mentor changes:
    the rest of the household is as stored."""
    household = Household.objects.get(pk=household.pk)
    household.mentor = mentor
    return household_save(household=household, by=by)
