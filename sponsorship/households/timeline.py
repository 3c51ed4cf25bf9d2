"""A household's timeline: everything that happened in its case, newest first, and what comes next.

The household's own records (its recording, notes, meetings, transfers) are this package's; the records
of higher layers (matching's proposals and their steps, mediation notes, placements, follow-ups and
safeguarding concerns) take part through `household_timeline_register`, called from their
`AppConfig.ready` (`matching.apps`), so this package never imports them. The same pattern serves the
household's export and erasure (`sponsorship.households.parts`).

The caller has checked that the reader may see the household (`sponsorship.access.can_view_household`)
and logs the read (`household_access_log`): the household's page in the admin does both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import is_caseworker
from portal.models import User
from sponsorship.households.models import Household, HouseholdMeeting, HouseholdNote


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened (or is to come). `kind` names the kind of record, `title` and `text` say
    what it was; `date_only` entries (a follow-up's day) show no time, `undated` ones (a meeting still to
    arrange, at the time it was asked for) no date; `url` leads to the record."""

    at: datetime.datetime
    kind: str
    title: str
    text: str = ""
    by: str = ""
    url: str = ""
    link_label: str = ""
    date_only: bool = False
    undated: bool = False


@dataclass(frozen=True)
class TimelinePart:
    """Records of a higher layer in a household's timeline: `entries(household)` what happened,
    `upcoming(household)` what is due or planned (a follow-up to record)."""

    name: str
    entries: Callable[[Household], list[TimelineEntry]]
    upcoming: Callable[[Household], list[TimelineEntry]] = lambda household: []


_PARTS: dict[str, TimelinePart] = {}


def household_timeline_register(part: TimelinePart) -> None:
    _PARTS[part.name] = part


def household_timeline_parts() -> list[TimelinePart]:
    return list(_PARTS.values())


def moment(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date as the start of its day in the portal's time zone (to sort it among times)."""
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def person_label(user: User | None) -> str:
    """Who did something, as a caseworker reads it: a staff member by name, anyone else by role."""
    if user is None:
        return _("the portal")
    if is_caseworker(user):
        return user.display_name
    return _("the sponsor")


def _admin_url(name: str, pk: int) -> str:
    return reverse(f"admin:sponsorship_{name}_change", args=[pk])


def _note_entry(note: HouseholdNote) -> TimelineEntry:
    return TimelineEntry(
        at=note.at, kind=note.get_kind_display(), title="", text=note.text, by=person_label(note.author)
    )


def _meeting_text(meeting: HouseholdMeeting) -> str:
    attendees = [person_label(user) for user in meeting.staff_attendees.all()]
    if meeting.attendees.strip():
        attendees.append(meeting.attendees.strip())
    parts = [
        _("Place: %(place)s") % {"place": meeting.place} if meeting.place else "",
        _("Attendees: %(attendees)s") % {"attendees": "; ".join(attendees)} if attendees else "",
        meeting.notes,
    ]
    return "\n".join(part for part in parts if part)


def _meeting_entry(meeting: HouseholdMeeting) -> TimelineEntry:
    return TimelineEntry(
        at=meeting.starts_at or meeting.created_at,
        kind=_("Meeting: %(status)s") % {"status": meeting.get_status_display()},
        title=meeting.purpose,
        text=_meeting_text(meeting),
        by=person_label(meeting.created_by),
        url=_admin_url("householdmeeting", meeting.pk),
        link_label=_("Open the meeting"),
        undated=meeting.starts_at is None,
    )


def _own_entries(household: Household) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            at=household.created_at,
            kind=_("Household"),
            title=_("The household was recorded."),
            by=person_label(household.caseworker) if household.caseworker_id else "",
        )
    ]
    entries += [_note_entry(note) for note in household.notes.select_related("author")]
    now = timezone.now()
    for meeting in household.meetings.select_related("created_by").prefetch_related("staff_attendees"):
        upcoming = meeting.status in HouseholdMeeting.OPEN and (meeting.starts_at is None or meeting.starts_at >= now)
        if not upcoming:
            entries.append(_meeting_entry(meeting))
    transfers = household.transfers.select_related("from_organisation", "to_organisation", "requested_by", "decided_by")
    for transfer in transfers:
        entries.append(
            TimelineEntry(
                at=transfer.created_at,
                kind=_("Transfer"),
                title=_("Transfer requested: %(from)s → %(to)s")
                % {"from": transfer.from_organisation, "to": transfer.to_organisation},
                text=transfer.note,
                by=person_label(transfer.requested_by),
            )
        )
        if transfer.decided_at:
            accepted = transfer.status == transfer.Status.ACCEPTED
            names = {"from": transfer.from_organisation, "to": transfer.to_organisation}
            entries.append(
                TimelineEntry(
                    at=transfer.decided_at,
                    kind=_("Transfer"),
                    title=(
                        _("Transfer accepted: %(from)s → %(to)s")
                        if accepted
                        else _("Transfer refused: %(from)s → %(to)s")
                    )
                    % names,
                    by=person_label(transfer.decided_by) if transfer.decided_by_id else "",
                )
            )
    return entries


def _own_upcoming(household: Household) -> list[TimelineEntry]:
    now = timezone.now()
    meetings = household.meetings.filter(status__in=HouseholdMeeting.OPEN).select_related("created_by")
    return [
        _meeting_entry(meeting)
        for meeting in meetings.prefetch_related("staff_attendees")
        if meeting.starts_at is None or meeting.starts_at >= now
    ]


def household_timeline(*, household: Household) -> dict[str, list[TimelineEntry]]:
    """The household's timeline: `entries`, everything that happened, newest first; `upcoming`, meetings
    to arrange or arranged and follow-ups still to record, soonest first (those without a date first)."""
    entries = _own_entries(household)
    upcoming = _own_upcoming(household)
    for part in household_timeline_parts():
        entries += part.entries(household)
        upcoming += part.upcoming(household)
    entries.sort(key=lambda entry: moment(entry.at), reverse=True)
    # A meeting still to arrange has no date: first, as the most pressing.
    upcoming.sort(key=lambda entry: (not entry.undated, moment(entry.at)))
    return {"entries": entries, "upcoming": upcoming}
