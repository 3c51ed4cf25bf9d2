"""Counselling and mentoring: typed notes on a household, its mentor, meetings (and the queue of those to
arrange), the household's page with its timeline, and their place in export, erasure and merge."""

import datetime
from http import HTTPStatus

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from matching.services.placements import follow_up_record, mediation_note_add, placement_end, proposal_confirm
from matching.services.safeguarding import concern_raise
from sponsorship.access import household_meetings_for, household_notes_for, mentors_for
from sponsorship.households.privacy import household_erase, household_export
from sponsorship.households.selectors import meetings_to_arrange
from sponsorship.households.services import (
    HouseholdError,
    household_meeting_save,
    household_mentor_assign,
    household_merge,
    household_note_add,
    household_transfer_decide,
    household_transfer_request,
)
from sponsorship.households.timeline import household_timeline, moment
from sponsorship.models import Household, HouseholdMeeting, HouseholdNote
from tests.admin_pages import household_log
from tests.helpers import client_of

pytestmark = pytest.mark.django_db

NOTE = "Talked about the school enrolment of Bohdanko qzx"
MEETING_PLACE = "Laisvės al. 7, room 12 qzx"


def _meeting(household, by, **fields):
    fields.setdefault("purpose", "First mentoring meeting")
    return household_meeting_save(meeting=HouseholdMeeting(household=household, **fields), by=by)


# --- Notes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [kind for kind, _label in HouseholdNote.Kind.choices])
def test_caseworker_records_each_kind_of_note(household_factory, caseworker, kind):
    household = household_factory()

    note = household_note_add(household=household, by=caseworker, kind=kind, text=NOTE)

    note.refresh_from_db()
    assert (note.household, note.kind, note.text, note.author) == (household, kind, NOTE, caseworker)
    assert note.at <= timezone.now()


def test_note_of_unknown_kind_or_without_text_is_refused(household_factory, caseworker):
    household = household_factory()

    with pytest.raises(ValidationError):
        household_note_add(household=household, by=caseworker, kind="gossip", text=NOTE)
    with pytest.raises(ValidationError):
        household_note_add(household=household, by=caseworker, kind="consultation", text="")

    assert not HouseholdNote.objects.exists()


def test_another_organisations_caseworker_can_neither_add_nor_see_notes(
    household_factory, caseworker, other_caseworker
):
    household = household_factory()
    note = household_note_add(household=household, by=caseworker, kind="consultation", text=NOTE)

    with pytest.raises(PermissionDenied):
        household_note_add(household=household, by=other_caseworker, kind="consultation", text="Mine")
    with pytest.raises(PermissionDenied):
        _meeting(household, other_caseworker)

    assert note in household_notes_for(caseworker)
    assert not household_notes_for(other_caseworker).exists()
    assert HouseholdNote.objects.count() == 1


# --- Mentor ---------------------------------------------------------------------------------------------------


def test_mentor_is_a_staff_member_of_the_households_organisation(
    household_factory, caseworker, caseworker_of, other_caseworker, user_factory
):
    household = household_factory()
    colleague = caseworker_of()

    household_mentor_assign(household=household, mentor=colleague, by=caseworker)
    assert Household.objects.get(pk=household.pk).mentor == colleague

    for stranger in (other_caseworker, user_factory(email="sponsor.mentor@example.org")):
        household.refresh_from_db()
        with pytest.raises(ValidationError):
            household_mentor_assign(household=household, mentor=stranger, by=caseworker)
        assert Household.objects.get(pk=household.pk).mentor == colleague


def test_mentor_choices_are_the_readers_organisations_staff(caseworker, caseworker_of, other_caseworker, user_factory):
    colleague = caseworker_of()
    user_factory(email="plain.user@example.org")

    assert set(mentors_for(caseworker)) == {caseworker, colleague}
    assert set(mentors_for(other_caseworker)) == {other_caseworker}


def test_an_accepted_transfer_ends_the_mentoring_of_the_old_organisation(
    household_factory, caseworker, other_organisation, other_caseworker
):
    household = household_factory()
    household_mentor_assign(household=household, mentor=caseworker, by=caseworker)
    transfer = household_transfer_request(household=household, to_organisation=other_organisation, by=caseworker)

    household_transfer_decide(transfer=transfer, by=other_caseworker, accept=True)

    household.refresh_from_db()
    assert (household.organisation, household.mentor) == (other_organisation, None)


# --- Meetings -----------------------------------------------------------------------------------------------


def test_a_meeting_without_a_date_waits_in_the_queue_until_it_is_arranged(household_factory, caseworker, caseworker_of):
    household = household_factory()
    colleague = caseworker_of()
    meeting = _meeting(household, caseworker, attendees="The household, an interpreter")

    assert meeting.status == HouseholdMeeting.Status.TO_ARRANGE
    assert list(meetings_to_arrange(caseworker)) == [meeting]

    meeting.starts_at = timezone.now() + datetime.timedelta(days=3)
    meeting.place = MEETING_PLACE
    household_meeting_save(meeting=meeting, by=caseworker, staff_attendees=[colleague])

    meeting.refresh_from_db()
    assert meeting.status == HouseholdMeeting.Status.ARRANGED
    assert list(meeting.staff_attendees.all()) == [colleague]
    assert not meetings_to_arrange(caseworker).exists()


def test_meetings_to_arrange_are_scoped_to_the_readers_organisation(
    household_factory, caseworker, other_caseworker, superuser
):
    ours = _meeting(household_factory(), caseworker)
    theirs = _meeting(household_factory(caseworker=other_caseworker), other_caseworker)
    _meeting(household_factory(), caseworker, starts_at=timezone.now(), status=HouseholdMeeting.Status.ARRANGED)

    assert list(meetings_to_arrange(caseworker)) == [ours]
    assert list(meetings_to_arrange(other_caseworker)) == [theirs]
    assert set(meetings_to_arrange(superuser)) == {ours, theirs}
    assert theirs not in household_meetings_for(caseworker)


def test_a_held_meeting_needs_a_date_and_staff_attendees_are_the_organisations(
    household_factory, caseworker, other_caseworker
):
    household = household_factory()

    with pytest.raises(ValidationError):
        _meeting(household, caseworker, status=HouseholdMeeting.Status.HELD)
    with pytest.raises(HouseholdError):
        household_meeting_save(
            meeting=HouseholdMeeting(household=household, purpose="Visit"),
            by=caseworker,
            staff_attendees=[other_caseworker],
        )

    assert not HouseholdMeeting.objects.exists()


# --- The timeline --------------------------------------------------------------------------------------------


@pytest.fixture
def placed_case(proposal_at, caseworker):
    """A household placed after a proposal, with a note, a held meeting, a recorded follow-up, a mediation
    note and a safeguarding concern, at known times."""
    proposal = proposal_at("meeting")
    household = proposal.household
    placement = proposal_confirm(
        proposal=proposal,
        by=caseworker,
        move_in_date=timezone.localdate() - datetime.timedelta(days=40),
        agreed_months=6,
    )
    now = timezone.now()
    Household.objects.filter(pk=household.pk).update(created_at=now - datetime.timedelta(days=90))
    household.refresh_from_db()
    note = household_note_add(
        household=household, by=caseworker, kind="home_visit", text=NOTE, at=now - datetime.timedelta(days=2)
    )
    meeting = _meeting(
        household,
        caseworker,
        purpose="Mediation with the sponsor",
        starts_at=now - datetime.timedelta(days=1),
        status=HouseholdMeeting.Status.HELD,
        place=MEETING_PLACE,
    )
    to_arrange = _meeting(household, caseworker, purpose="Three-month review")
    follow_up = placement.follow_ups.get(milestone=1, respondent="household")
    follow_up_record(
        follow_up=follow_up,
        by=caseworker,
        note="Settled in",
        rating=4,
        housing_condition="good",
        relationship="very_good",
        integration_steps=["school", "language_course"],
    )
    mediation = mediation_note_add(by=caseworker, placement=placement, text="Mediation note on the placement")
    concern = concern_raise(
        sponsor=proposal.offer.sponsor, by=caseworker, severity="low", note="Noise at night", placement=placement
    )
    return household, placement, note, meeting, to_arrange, follow_up, mediation, concern


def test_timeline_holds_everything_newest_first(placed_case):
    household, placement, note, meeting, to_arrange, follow_up, mediation, concern = placed_case

    timeline = household_timeline(household=household)

    entries = timeline["entries"]
    kinds = [entry.kind for entry in entries]
    for kind in ["Home visit", "Meeting: Held", "Follow-up", "Proposal", "Proposal step", "Placement",
                 "Mediation: note", "Safeguarding concern", "Household"]:  # fmt: skip
        assert kind in kinds, kind
    assert [moment(entry.at) for entry in entries] == sorted((moment(entry.at) for entry in entries), reverse=True)
    texts = "\n".join(entry.text for entry in entries)
    assert NOTE in texts and MEETING_PLACE in texts and "Noise at night" in texts
    follow_up_entry = next(entry for entry in entries if entry.kind == "Follow-up")
    assert "Rating: 4 of 5" in follow_up_entry.text and "School or kindergarten" in follow_up_entry.text
    # Steps of the proposal, in the order they happened (newest first in the timeline).
    steps = [entry.title for entry in entries if entry.kind == "Proposal step"]
    assert steps[0].endswith("Confirmed: placement") and len(steps) == 6
    # The household was recorded first: it is the oldest entry.
    assert entries[-1].kind == "Household"
    # What is to come: the meeting to arrange first, then the follow-ups still due (the sponsor's at 1 month).
    upcoming = timeline["upcoming"]
    assert upcoming[0].title == "Three-month review" and upcoming[0].undated
    due = [entry.title for entry in upcoming if entry.kind == "Follow-up due"]
    assert due[0] == "Sponsor, after 1 month" and len(due) == 5


def test_timeline_speaks_the_readers_language(placed_case):
    household = placed_case[0]

    with translation.override("lt"):
        kinds_lt = {entry.kind for entry in household_timeline(household=household)["entries"]}
    with translation.override("bg"):
        kinds_bg = {entry.kind for entry in household_timeline(household=household)["entries"]}

    assert "Namų lankymas" in kinds_lt and "Stebėsenos pokalbis" in kinds_lt
    assert "Посещение в дома" in kinds_bg


# --- The household's page in the admin -------------------------------------------------------------------


def test_household_page_shows_summary_mentor_and_timeline_and_is_audit_logged(placed_case, caseworker):
    household = placed_case[0]
    household_mentor_assign(household=household, mentor=caseworker, by=caseworker)
    before = household_log(household, LogEntry.Action.ACCESS).count()

    response = client_of(caseworker).get(reverse("admin:sponsorship_household_overview", args=[household.pk]))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in [household.reference, household.head_name, NOTE, MEETING_PLACE, "Three-month review", "Case Worker"]:
        assert text in html, text
    assert html.index("Three-month review") < html.index(NOTE)  # coming up, then the timeline
    assert reverse("admin:sponsorship_household_note", args=[household.pk]) in html
    assert household_log(household, LogEntry.Action.ACCESS).count() == before + 1


def test_another_organisations_caseworker_gets_no_household_page_and_cannot_record(household_factory, other_caseworker):
    household = household_factory()
    client = client_of(other_caseworker)

    for name in ["overview", "note", "meeting"]:
        url = reverse(f"admin:sponsorship_household_{name}", args=[household.pk])
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, name
    response = client.post(
        reverse("admin:sponsorship_household_note", args=[household.pk]),
        {"kind": "consultation", "at": "2026-01-05T10:00", "text": "Mine"},
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not HouseholdNote.objects.exists()
    assert not household_log(household, LogEntry.Action.ACCESS).exists()


def test_caseworker_records_a_note_and_a_meeting_to_arrange_from_the_household_page(
    household_factory, caseworker, caseworker_of
):
    household = household_factory()
    colleague = caseworker_of()
    client = client_of(caseworker)

    response = client.post(
        reverse("admin:sponsorship_household_note", args=[household.pk]),
        {"kind": "phone_call", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "text": NOTE},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:sponsorship_household_overview", args=[household.pk])
    response = client.post(
        reverse("admin:sponsorship_household_meeting", args=[household.pk]),
        {"purpose": "Meet the mentor", "place": MEETING_PLACE, "staff_attendees": [colleague.pk], "attendees": ""},
    )
    assert response.status_code == HTTPStatus.FOUND

    note = HouseholdNote.objects.get(household=household)
    assert (note.kind, note.text, note.author) == ("phone_call", NOTE, caseworker)
    meeting = HouseholdMeeting.objects.get(household=household)
    assert (meeting.status, meeting.place, list(meeting.staff_attendees.all())) == (
        "to_arrange",
        MEETING_PLACE,
        [colleague],
    )


@pytest.mark.parametrize("data", [{"kind": "gossip", "text": "x"}, {"kind": "consultation", "at": "junk", "text": ""}])
def test_a_bad_note_gets_the_forms_errors_and_nothing_is_saved(household_factory, caseworker, data):
    household = household_factory()

    response = client_of(caseworker).post(reverse("admin:sponsorship_household_note", args=[household.pk]), data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert not HouseholdNote.objects.exists()


@pytest.mark.parametrize("language", ["lt", "bg"])
def test_household_page_and_forms_are_translated(household_factory, caseworker, language):
    household = household_factory()
    client = client_of(caseworker)
    words = {"lt": ["Laiko juosta", "Mentorius", "Įrašyti pastabą"], "bg": ["Хронология", "Ментор", "Запиши бележка"]}

    page = client.get(f"/{language}/admin/sponsorship/household/{household.pk}/overview/").content.decode()
    form = client.get(f"/{language}/admin/sponsorship/household/{household.pk}/note/").content.decode()

    for word in words[language]:
        assert word.lower() in page.lower(), word
    assert "Date and time" not in form and "Home visit" not in form


def test_meetings_list_filters_those_to_arrange(household_factory, caseworker, other_caseworker):
    ours = _meeting(household_factory(), caseworker, purpose="Ours to arrange")
    _meeting(household_factory(caseworker=other_caseworker), other_caseworker, purpose="Theirs to arrange")

    response = client_of(caseworker).get(
        reverse("admin:sponsorship_householdmeeting_changelist") + "?status__exact=to_arrange"
    )

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert ours.purpose in html and "Theirs to arrange" not in html


# --- Export, erasure, merge -------------------------------------------------------------------------------------


def test_export_contains_notes_meetings_mentor_and_follow_up_answers(placed_case, caseworker):
    household = placed_case[0]
    household_mentor_assign(household=household, mentor=caseworker, by=caseworker)

    data = household_export(household=household, by=caseworker)

    assert data["household"]["mentor"]
    assert [note["text"] for note in data["notes"]] == [NOTE]
    assert {meeting["purpose"] for meeting in data["meetings"]} == {"Mediation with the sponsor", "Three-month review"}
    assert MEETING_PLACE in {meeting["place"] for meeting in data["meetings"]}
    follow_ups = data["placements"][0]["follow_ups"]
    assert len(follow_ups) == 6
    done = next(f for f in follow_ups if f["done_on"])
    assert (done["respondent"], done["milestone"], done["rating"], done["housing_condition"]) == (
        "Household",
        "After 1 month",
        4,
        "Good",
    )
    assert done["integration_steps"] == ["School or kindergarten", "Language course"]
    assert done["note"] == "Settled in"


def test_erasure_removes_note_and_meeting_texts_and_follow_up_notes_keeping_typed_answers(placed_case, caseworker):
    household, placement, note, meeting, to_arrange, follow_up, *_ = placed_case
    placement_end(placement=placement, by=caseworker, end_date=timezone.localdate(), outcome="own_housing")

    household_erase(household=Household.objects.get(pk=household.pk), by=caseworker, reason="request")

    note.refresh_from_db()
    assert (note.text, note.kind, note.at.day) == ("", "home_visit", 1)
    for record in (meeting, to_arrange):
        record.refresh_from_db()
        assert (record.purpose, record.place, record.attendees, record.notes) == ("", "", "", "")
    assert to_arrange.status == HouseholdMeeting.Status.CANCELLED
    assert not meetings_to_arrange(caseworker).exists()
    follow_up.refresh_from_db()
    assert follow_up.note == ""
    assert (follow_up.rating, follow_up.housing_condition, follow_up.integration_steps) == (
        4,
        "good",
        ["school", "language_course"],
    )
    # Nothing of the texts stays in the audit log either.
    changes = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert NOTE not in changes and MEETING_PLACE not in changes and "Settled in" not in changes
    # Nothing more can be recorded on an erased household.
    with pytest.raises(HouseholdError):
        household_note_add(household=Household.objects.get(pk=household.pk), by=caseworker, kind="mentoring", text="x")


def test_merge_moves_notes_and_meetings_to_the_household_kept(household_factory, caseworker, superuser):
    keep, duplicate = household_factory(), household_factory()
    note = household_note_add(household=duplicate, by=caseworker, kind="mentoring", text=NOTE)
    meeting = _meeting(duplicate, caseworker)

    household_merge(keep=keep, duplicate=duplicate, by=superuser)

    assert HouseholdNote.objects.get(pk=note.pk).household == keep
    assert HouseholdMeeting.objects.get(pk=meeting.pk).household == keep


def test_printable_data_page_shows_notes_meetings_and_follow_up_answers(placed_case, caseworker):
    household = placed_case[0]

    response = client_of(caseworker).get(reverse("admin:sponsorship_household_print", args=[household.pk]))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for text in [NOTE, MEETING_PLACE, "Three-month review", "Settled in", "School or kindergarten", "After 1 month"]:
        assert text in html, text


def test_a_staff_member_without_the_roles_permission_cannot_record_a_note(household_factory, caseworker):
    from django.contrib.auth.models import Permission

    household = household_factory()
    caseworker.groups.first().permissions.remove(Permission.objects.get(codename="add_householdnote"))

    client = client_of(caseworker)
    page = client.get(reverse("admin:sponsorship_household_overview", args=[household.pk])).content.decode()
    response = client.post(
        reverse("admin:sponsorship_household_note", args=[household.pk]),
        {"kind": "consultation", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "text": NOTE},
    )

    assert reverse("admin:sponsorship_household_note", args=[household.pk]) not in page
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not HouseholdNote.objects.exists()
