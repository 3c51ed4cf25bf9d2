"""The retention schedule: what is due (dry run) and applying it — closed household cases anonymised
after RETENTION_CLOSED_CASE_MONTHS, unconfirmed training registrations deleted after
RETENTION_UNCONFIRMED_REGISTRATION_DAYS — from the service, the command, beat and the admin page.
Time travels by dating rows back in the database."""

import datetime
import time
from http import HTTPStatus
from io import StringIO

import pytest
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from matching.services.placements import placement_end, proposal_confirm
from portal.retention import retention_apply, retention_report
from portal.tasks import retention_apply_task
from projects.models import Language
from sponsorship.models import Household
from training.models import Enrolment, EventRegistration, Programme, RecruitmentEvent, Session

pytestmark = pytest.mark.django_db


def _months_ago(months: int, days: int = 0) -> datetime.datetime:
    return timezone.now() - relativedelta(months=months, days=days)


def _closed(household_factory, *, months_ago: int, **data) -> Household:
    household = household_factory(**data)
    Household.objects.filter(pk=household.pk).update(status=Household.Status.CLOSED, updated_at=_months_ago(months_ago))
    household.refresh_from_db()
    return household


def _due(key: str, **kwargs):
    return next(due for due in retention_report(**kwargs) if due.key == key)


@pytest.fixture
def event(db):
    now = timezone.now()
    return RecruitmentEvent.objects.create(
        slug="info-evening",
        kind=RecruitmentEvent.Kind.choices[0][0],
        title="Info evening",
        description="Come and learn about sponsorship.",
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=2),
    )


def _registration(event, email: str) -> EventRegistration:
    return EventRegistration.objects.create(
        event=event, name="Rasa Qwertaite", email=email, consented_at=timezone.now(), language="lt"
    )


def _event_ended(event, days_ago: int) -> None:
    end = timezone.now() - datetime.timedelta(days=days_ago)
    RecruitmentEvent.objects.filter(pk=event.pk).update(starts_at=end - datetime.timedelta(hours=2), ends_at=end)


# --- Closed household cases ----------------------------------------------------------------------------


def test_closed_case_is_due_only_after_the_retention_period(household_factory):
    old = _closed(household_factory, months_ago=25)
    recent = _closed(household_factory, months_ago=23, document_number="B-2")
    seeking = household_factory(document_number="C-3")
    Household.objects.filter(pk=seeking.pk).update(updated_at=_months_ago(30))

    due = _due("closed_households")

    assert due.count == 1
    assert due.references == [old.reference]
    assert recent.reference not in due.references and seeking.reference not in due.references


def test_the_period_is_a_setting(household_factory, settings):
    household = _closed(household_factory, months_ago=7)
    assert _due("closed_households").count == 0
    settings.RETENTION_CLOSED_CASE_MONTHS = 6
    assert _due("closed_households").references == [household.reference]


def test_a_recently_ended_placement_keeps_the_case(proposal_at, organisation_caseworker):
    proposal = proposal_at("meeting")
    move_in = timezone.localdate() - datetime.timedelta(days=900)
    placement = proposal_confirm(proposal=proposal, by=organisation_caseworker, move_in_date=move_in, agreed_months=6)
    placement_end(
        placement=placement,
        by=organisation_caseworker,
        end_date=timezone.localdate() - datetime.timedelta(days=30),
        outcome="own_housing",
    )
    household = Household.objects.get(pk=proposal.household_id)
    assert household.status == Household.Status.CLOSED
    # The household row was last touched long ago, but its placement ended a month ago.
    Household.objects.filter(pk=household.pk).update(updated_at=_months_ago(30))
    assert _due("closed_households").count == 0

    placement.__class__.objects.filter(pk=placement.pk).update(end_date=timezone.localdate() - relativedelta(months=25))
    assert _due("closed_households").references == [household.reference]


def test_a_case_with_an_open_proposal_is_not_due(proposal_at):
    proposal = proposal_at("approved")
    Household.objects.filter(pk=proposal.household_id).update(
        status=Household.Status.CLOSED, updated_at=_months_ago(30)
    )
    assert _due("closed_households").count == 0


def test_dry_run_changes_nothing_and_apply_anonymises_once(household_factory):
    household = _closed(household_factory, months_ago=25)

    report = _due("closed_households")
    household.refresh_from_db()
    assert report.count == 1 and household.head_name == "Olena Kovalenko" and household.anonymised_at is None

    assert retention_apply()["closed_households"] == 1
    household.refresh_from_db()
    assert household.anonymised_at is not None
    assert (household.head_name, household.phone, household.email) == ("", "", "")
    assert (household.adults_count, household.children_count) == (2, 1)
    assert not household.members.exists()
    erasure = LogEntry.objects.get(object_pk=str(household.pk), changes__erased__1="retention")
    assert erasure.actor is None
    # Applying again finds nothing due.
    assert retention_apply()["closed_households"] == 0
    assert _due("closed_households").count == 0


# --- Unconfirmed training registrations ------------------------------------------------------------------


def test_event_registrations_are_deleted_after_the_event_and_the_period(event):
    _registration(event, "early@example.org")
    _event_ended(event, days_ago=29)
    assert _due("event_registrations").count == 0

    _event_ended(event, days_ago=31)
    due = _due("event_registrations")
    assert due.count == 1 and due.references[0].startswith("REG-")
    assert EventRegistration.objects.count() == 1  # the dry run deleted nothing

    assert retention_apply()["event_registrations"] == 1
    assert not EventRegistration.objects.exists()


def test_registrations_for_upcoming_events_are_kept(event):
    _registration(event, "coming@example.org")
    RecruitmentEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + datetime.timedelta(days=60), ends_at=timezone.now() + datetime.timedelta(days=61)
    )
    EventRegistration.objects.update(created_at=timezone.now() - datetime.timedelta(days=90))
    retention_apply()
    assert EventRegistration.objects.count() == 1


def test_waiting_and_cancelled_enrolments_of_past_sessions_are_deleted_but_places_kept(user_factory):
    programme = Programme.objects.create(
        slug="host-basics", title="Host basics", description="Basics.", audience=Programme.Audience.values[0]
    )
    ends = timezone.now() - datetime.timedelta(days=40)
    session = Session.objects.create(
        programme=programme,
        starts_at=ends - datetime.timedelta(hours=3),
        ends_at=ends,
        registration_deadline=ends - datetime.timedelta(days=2),
        capacity=10,
        language=Language.objects.get_or_create(code="lt", defaults={"name": "Lithuanian"})[0],
    )
    enrolled = Enrolment.objects.create(session=session, user=user_factory(email="a@example.org"), status="enrolled")
    Enrolment.objects.create(session=session, user=user_factory(email="b@example.org"), status="waiting")
    Enrolment.objects.create(session=session, user=user_factory(email="c@example.org"), status="cancelled")

    assert _due("unconfirmed_enrolments").count == 2
    assert retention_apply()["unconfirmed_enrolments"] == 2
    assert list(Enrolment.objects.values_list("pk", flat=True)) == [enrolled.pk]


# --- Beat, command, admin page -----------------------------------------------------------------------------


def test_the_daily_beat_job_is_scheduled_and_registered():
    from portal.celery import app

    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == retention_apply_task.name]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    # Once a day: one hour and one minute, every day of the week.
    assert (len(schedule.hour), len(schedule.minute), len(schedule.day_of_week)) == (1, 1, 7)
    assert retention_apply_task.name in app.tasks


def test_the_task_applies_the_schedule(household_factory):
    household = _closed(household_factory, months_ago=25)
    result = retention_apply_task.delay()
    assert result.get(timeout=10)["closed_households"] == 1
    household.refresh_from_db()
    assert household.anonymised_at is not None


@pytest.mark.needs_redis
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_the_schedule_from_the_beat_task(household_factory, event, celery_worker):
    household = _closed(household_factory, months_ago=25)
    _registration(event, "past@example.org")
    _event_ended(event, days_ago=40)

    retention_apply_task.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        household.refresh_from_db()
        if household.anonymised_at and not EventRegistration.objects.exists():
            break
        time.sleep(0.2)
    assert household.anonymised_at is not None and household.head_name == ""
    assert not EventRegistration.objects.exists()


def test_command_dry_run_reports_and_changes_nothing_then_applies(household_factory, event):
    household = _closed(household_factory, months_ago=25)
    _registration(event, "past@example.org")
    _event_ended(event, days_ago=40)

    out = StringIO()
    call_command("retention_apply", "--dry-run", stdout=out)
    assert "closed_households: 1 due" in out.getvalue()
    assert household.reference in out.getvalue()
    assert "event_registrations: 1 due" in out.getvalue()
    assert "Olena" not in out.getvalue() and "past@example.org" not in out.getvalue()
    household.refresh_from_db()
    assert household.anonymised_at is None and EventRegistration.objects.count() == 1

    out = StringIO()
    call_command("retention_apply", stdout=out)
    assert "closed_households: 1 handled" in out.getvalue()
    household.refresh_from_db()
    assert household.anonymised_at is not None and EventRegistration.objects.count() == 0


URL = "/en/admin/sponsorship/household/retention/"


def test_admin_page_reports_by_category_and_the_admin_applies(client, household_factory, superuser):
    household = _closed(household_factory, months_ago=25)
    admin = superuser
    client.force_login(admin)

    page = client.get(URL)
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert household.reference in html and "Olena" not in html
    assert 'data-category="closed_households"' in html and 'data-category="event_registrations"' in html
    assert "no-store" in page["Cache-Control"]
    assert "Apply the schedule now" in html

    response = client.post(URL)
    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    assert household.anonymised_at is not None


def test_caseworker_sees_only_their_organisations_cases_and_cannot_apply(
    client, household_factory, caseworker_of, organisation_factory, organisation_caseworker
):
    own = _closed(household_factory, months_ago=25)
    other_caseworker = caseworker_of(organisation_factory(name="Vilnius Welcome Centre"))
    other = _closed(household_factory, months_ago=25, caseworker=other_caseworker, document_number="X-2")
    client.force_login(organisation_caseworker)

    html = client.get(URL).content.decode()
    assert own.reference in html and other.reference not in html
    assert "Apply the schedule now" not in html
    assert client.post(URL).status_code == HTTPStatus.FORBIDDEN
    own.refresh_from_db()
    assert own.anonymised_at is None


def test_the_changelist_links_to_the_retention_page(client, organisation_caseworker):
    client.force_login(organisation_caseworker)
    assert URL in client.get("/en/admin/sponsorship/household/").content.decode()
