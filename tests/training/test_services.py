"""Training rules through the services: enrolment and the waiting list, attendance and certificates,
required training before matching, recruitment events and their reminders."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from matching.models import MatchProposal
from matching.services.proposals import ProposalError, proposal_create
from portal.models import Notification, User
from portal.notifications import notification_render
from sponsorship.selectors import sponsor_matching_blockers
from tests.helpers import all_at_once, in_days, session_started
from training.models import Certificate, Enrolment, EventRegistration, ModuleCompletion, Session
from training.services import (
    TrainingError,
    attendance_record,
    enrolment_cancel,
    event_register,
    events_remind,
    session_attendance_record,
)
from training.services import session_enrol as enrol

E = Enrolment.Status
SEAT_FREE_EN = "A seat is free: you are enrolled"
CERTIFICATE_EN = "Your training certificate"
CYRILLIC = re.compile("[\u0400-\u04ff]")


def _speaks(user: User, language: str) -> User:
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()
    return user


def _fresh(enrolment: Enrolment) -> Enrolment:
    """The enrolment as a page would load it (its session as it is now, not as it was at enrolment)."""
    return Enrolment.objects.select_related("session", "user").get(pk=enrolment.pk)


def _statuses(session: Session) -> list[tuple[str, str]]:
    return list(Enrolment.objects.filter(session=session).order_by("pk").values_list("user__email", "status"))


@pytest.fixture
def people(user_factory):
    """`people(n)`: n signed-up users person1@… personN@…, speaking English."""

    def make(n: int, prefix: str = "person") -> list[User]:
        return [_speaks(user_factory(email=f"{prefix}{i}@example.org"), "en") for i in range(1, n + 1)]

    return make


# --- Enrolment --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_enrol_gives_seats_while_seats_remain(session_factory, people):
    session = session_factory(capacity=2)
    first, second = people(2)

    assert enrol(session=session, user=first).status == E.ENROLLED
    assert enrol(session=session, user=second).status == E.ENROLLED
    assert _statuses(session) == [("person1@example.org", E.ENROLLED), ("person2@example.org", E.ENROLLED)]


@pytest.mark.django_db
def test_session_enrol_puts_people_on_the_waiting_list_when_the_session_is_full(session_factory, people):
    session = session_factory(capacity=1)
    first, second, third = people(3)

    results = [enrol(session=session, user=user).status for user in (first, second, third)]

    assert results == [E.ENROLLED, E.WAITING, E.WAITING]
    assert Enrolment.objects.filter(session=session, status=E.ENROLLED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("waiting", [False, True], ids=["enrolled", "waiting"])
def test_session_enrol_refuses_a_second_enrolment_of_the_same_person(session_factory, people, waiting):
    session = session_factory(capacity=1)
    (person,) = people(1)
    if waiting:  # someone else took the seat first
        enrol(session=session, user=people(1, prefix="other")[0])
    assert enrol(session=session, user=person).status == (E.WAITING if waiting else E.ENROLLED)

    with pytest.raises(TrainingError, match="already enrolled"):
        enrol(session=session, user=person)

    assert Enrolment.objects.filter(session=session, user=person).count() == 1


@pytest.mark.django_db
def test_session_enrol_accepts_a_person_again_after_they_cancelled(session_factory, people):
    session = session_factory(capacity=1)
    (person,) = people(1)
    enrolment_cancel(enrolment=enrol(session=session, user=person), by=person)

    again = enrol(session=session, user=person)

    assert again.status == E.ENROLLED
    assert sorted(Enrolment.objects.filter(user=person).values_list("status", flat=True)) == [E.CANCELLED, E.ENROLLED]


@pytest.mark.django_db
def test_session_enrol_refuses_after_the_registration_deadline(session_factory, people):
    session = session_factory(starts_in_days=2)
    Session.objects.filter(pk=session.pk).update(registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    (person,) = people(1)

    with pytest.raises(TrainingError, match="closed"):
        enrol(session=session, user=person)

    assert not Enrolment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("starts_in_days", [-1, -0.01], ids=["yesterday", "minutes-ago"])
def test_session_enrol_refuses_a_session_that_has_started(session_factory, people, starts_in_days):
    session = session_factory(starts_in_days=starts_in_days, deadline_before_hours=0)
    (person,) = people(1)

    with pytest.raises(TrainingError, match="already started"):
        enrol(session=session, user=person)

    assert not Enrolment.objects.exists()


# --- Cancelling and the waiting list ----------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_a_seat_promotes_the_first_waiting_person_by_enrolment_time_and_tells_them(
    session_factory, people, django_capture_on_commit_callbacks
):
    session = session_factory(capacity=1)
    holder, late, early, last = people(4)
    seat = enrol(session=session, user=holder)
    waiting = {user.pk: enrol(session=session, user=user) for user in (late, early, last)}
    # `early` joined the waiting list first, although its row was inserted after `late`'s.
    Enrolment.objects.filter(pk=waiting[early.pk].pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    _speaks(early, "lt")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = enrolment_cancel(enrolment=seat, by=holder)

    assert promoted.pk == waiting[early.pk].pk
    assert _statuses(session) == [
        ("person1@example.org", E.CANCELLED),
        ("person2@example.org", E.WAITING),
        ("person3@example.org", E.ENROLLED),
        ("person4@example.org", E.WAITING),
    ]
    notification = Notification.objects.get()
    assert notification.user == early
    with translation.override("lt"):
        text = notification_render(notification)
        assert text.link == session.get_absolute_url() == f"/lt/training/sessions/{session.pk}/"
    assert text.title != SEAT_FREE_EN, "the email is not in the person's language (lt)"
    assert [message.to for message in mail.outbox] == [["person3@example.org"]]
    assert text.title in mail.outbox[0].subject
    assert notification_render(notification).title == SEAT_FREE_EN, "read in English, it is in English"


@pytest.mark.django_db
def test_cancelling_a_waiting_list_entry_promotes_nobody(session_factory, people, django_capture_on_commit_callbacks):
    session = session_factory(capacity=1)
    holder, first_waiting, second_waiting = people(3)
    enrol(session=session, user=holder)
    entry = enrol(session=session, user=first_waiting)
    enrol(session=session, user=second_waiting)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = enrolment_cancel(enrolment=entry, by=first_waiting)

    assert promoted is None
    assert _statuses(session) == [
        ("person1@example.org", E.ENROLLED),
        ("person2@example.org", E.CANCELLED),
        ("person3@example.org", E.WAITING),
    ]
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_cancelling_the_only_seat_with_nobody_waiting_frees_it(session_factory, people):
    session = session_factory(capacity=1)
    first, second = people(2)

    assert enrolment_cancel(enrolment=enrol(session=session, user=first), by=first) is None

    assert enrol(session=session, user=second).status == E.ENROLLED


@pytest.mark.django_db
def test_enrolment_cancel_refuses_to_cancel_twice(session_factory, people):
    session = session_factory(capacity=1)
    holder, waiting = people(2)
    seat = enrol(session=session, user=holder)
    enrol(session=session, user=waiting)
    enrolment_cancel(enrolment=seat, by=holder)

    with pytest.raises(TrainingError, match="already cancelled"):
        enrolment_cancel(enrolment=seat, by=holder)

    # The second attempt did not free another seat.
    assert _statuses(session) == [("person1@example.org", E.CANCELLED), ("person2@example.org", E.ENROLLED)]


@pytest.mark.django_db
def test_enrolment_cancel_refuses_another_user(session_factory, people):
    session = session_factory(capacity=1)
    holder, waiting, stranger = people(3)
    seat = enrol(session=session, user=holder)
    enrol(session=session, user=waiting)

    with pytest.raises(PermissionDenied):
        enrolment_cancel(enrolment=seat, by=stranger)

    assert _statuses(session) == [("person1@example.org", E.ENROLLED), ("person2@example.org", E.WAITING)]


@pytest.mark.django_db
def test_staff_can_cancel_someone_elses_enrolment(session_factory, people, caseworker):
    session = session_factory(capacity=1)
    (holder,) = people(1)
    seat = enrol(session=session, user=holder)

    enrolment_cancel(enrolment=seat, by=caseworker)

    seat.refresh_from_db()
    assert seat.status == E.CANCELLED


# --- Attendance and certificates --------------------------------------------------------------------


@pytest.mark.django_db
def test_attendance_record_is_only_for_the_trainer_or_staff(session_factory, people, trainer, caseworker):
    session = session_factory(trainer=trainer)
    participant, other = people(2)
    enrolment = enrol(session=session, user=participant)
    session_started(session)
    enrolment = _fresh(enrolment)

    for by in (participant, other):
        with pytest.raises(PermissionDenied):
            attendance_record(enrolment=enrolment, attended=True, by=by)
    assert not ModuleCompletion.objects.exists()

    attendance_record(enrolment=enrolment, attended=False, by=trainer)
    attendance_record(enrolment=enrolment, attended=True, by=caseworker)
    enrolment.refresh_from_db()
    assert enrolment.attended is True


@pytest.mark.django_db
def test_attendance_record_refuses_before_the_session_starts(session_factory, people, trainer):
    session = session_factory(trainer=trainer)
    (participant,) = people(1)
    enrolment = enrol(session=session, user=participant)

    with pytest.raises(TrainingError, match="once the session has started"):
        attendance_record(enrolment=enrolment, attended=True, by=trainer)

    enrolment.refresh_from_db()
    assert enrolment.attended is None
    assert not ModuleCompletion.objects.exists()


@pytest.mark.django_db
def test_attendance_record_refuses_a_waiting_list_entry(session_factory, people, trainer):
    session = session_factory(capacity=1, trainer=trainer)
    holder, waiting = people(2)
    enrol(session=session, user=holder)
    entry = enrol(session=session, user=waiting)
    session_started(session)
    entry = _fresh(entry)

    with pytest.raises(TrainingError):
        attendance_record(enrolment=entry, attended=True, by=trainer)

    assert not ModuleCompletion.objects.exists()


@pytest.mark.django_db
def test_attending_completes_the_modules_the_session_covered(programme_factory, session_factory, people, trainer):
    programme = programme_factory(modules=3)
    first, second, third = programme.modules.order_by("position")
    session = session_factory(programme, modules=[first, second], trainer=trainer)
    (participant,) = people(1)
    enrolment = enrol(session=session, user=participant)
    session_started(session)
    enrolment = _fresh(enrolment)

    attendance_record(enrolment=enrolment, attended=True, by=trainer)

    completions = ModuleCompletion.objects.filter(user=participant)
    assert sorted(completions.values_list("module__position", flat=True)) == [1, 2]
    assert set(completions.values_list("session", flat=True)) == {session.pk}
    assert not Certificate.objects.exists()  # module 3 is still to do


@pytest.mark.django_db
def test_completing_every_module_over_two_sessions_issues_one_certificate(
    programme_factory, session_factory, people, trainer, django_capture_on_commit_callbacks
):
    programme = programme_factory(modules=2)
    first, second = programme.modules.order_by("position")
    morning = session_factory(programme, modules=[first], trainer=trainer)
    afternoon = session_factory(programme, modules=[second], trainer=trainer, starts_in_days=8)
    (participant,) = people(1)
    User.objects.filter(pk=participant.pk).update(first_name="Ona", last_name="Onaitė")
    enrolments = [enrol(session=session, user=participant) for session in (morning, afternoon)]
    session_started(morning)
    session_started(afternoon)
    enrolments = [_fresh(enrolment) for enrolment in enrolments]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(enrolment=enrolments[0], attended=True, by=trainer)
        assert not Certificate.objects.exists()
        attendance_record(enrolment=enrolments[1], attended=True, by=trainer)
        # Marking again (the trainer saves the page twice) issues nothing more.
        attendance_record(enrolment=enrolments[1], attended=True, by=trainer)

    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.programme, certificate.holder_name) == (participant, programme, "Ona Onaitė")
    assert re.fullmatch(r"[0-9A-F]{12}", certificate.code)
    notification = Notification.objects.get(user=participant)
    text = notification_render(notification)
    assert text.title == CERTIFICATE_EN
    assert certificate.code in text.body
    assert text.link == certificate.get_absolute_url()
    assert [message.to for message in mail.outbox] == [["person1@example.org"]]


@pytest.mark.django_db
def test_certificates_of_different_people_have_different_codes(session_factory, people, trainer):
    session = session_factory(trainer=trainer)
    enrolments = [enrol(session=session, user=user) for user in people(5)]
    session_started(session)
    enrolments = [_fresh(enrolment) for enrolment in enrolments]

    for enrolment in enrolments:
        attendance_record(enrolment=enrolment, attended=True, by=trainer)

    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 5


@pytest.mark.django_db
def test_not_attending_completes_nothing_and_issues_no_certificate(session_factory, people, trainer):
    session = session_factory(trainer=trainer)
    (participant,) = people(1)
    enrolment = enrol(session=session, user=participant)
    session_started(session)
    enrolment = _fresh(enrolment)

    attendance_record(enrolment=enrolment, attended=False, by=trainer)

    enrolment.refresh_from_db()
    assert enrolment.attended is False
    assert not ModuleCompletion.objects.exists()
    assert not Certificate.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_session_attendance_record_marks_everyone_at_once(session_factory, people, trainer):
    session = session_factory(trainer=trainer)
    present, absent = (enrol(session=session, user=user) for user in people(2))
    session_started(session)

    recorded = session_attendance_record(session=session, attended={present.pk: True, absent.pk: False}, by=trainer)

    assert [(enrolment.pk, enrolment.attended) for enrolment in recorded] == [(present.pk, True), (absent.pk, False)]
    assert dict(Enrolment.objects.filter(session=session).values_list("pk", "attended")) == {
        present.pk: True,
        absent.pk: False,
    }
    assert list(Certificate.objects.values_list("user", flat=True)) == [present.user_id]
    assert not ModuleCompletion.objects.filter(user=absent.user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["waiting list", "other session", "unknown"])
def test_session_attendance_record_saves_nothing_when_one_row_is_refused(session_factory, people, trainer, bad):
    session = session_factory(capacity=2, trainer=trainer)
    first, second, third = people(3)
    marked = [enrol(session=session, user=first), enrol(session=session, user=second)]
    waiting = enrol(session=session, user=third)
    elsewhere = enrol(session=session_factory(trainer=trainer), user=third)
    session_started(session)
    bad_pk = {"waiting list": waiting.pk, "other session": elsewhere.pk, "unknown": elsewhere.pk + 1000}[bad]

    with pytest.raises(TrainingError, match="Only enrolled participants can be marked"):
        # The refused row comes after a good one: nothing is written before every row is checked.
        session_attendance_record(
            session=session, attended={marked[0].pk: True, bad_pk: True, marked[1].pk: True}, by=trainer
        )

    assert set(Enrolment.objects.values_list("attended", flat=True)) == {None}
    assert not ModuleCompletion.objects.exists()
    assert not Certificate.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_session_attendance_record_rolls_every_row_back_when_a_write_fails(
    session_factory, people, trainer, monkeypatch
):
    from training import services

    session = session_factory(trainer=trainer)
    first, second = (enrol(session=session, user=user) for user in people(2))
    session_started(session)
    issue = services.certificate_issue_if_complete
    calls = []

    def fail_on_the_second(**kwargs):
        calls.append(kwargs["user"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return issue(**kwargs)

    monkeypatch.setattr(services, "certificate_issue_if_complete", fail_on_the_second)

    with pytest.raises(RuntimeError):
        session_attendance_record(session=session, attended={first.pk: True, second.pk: True}, by=trainer)

    assert calls == [first.user, second.user]
    assert set(Enrolment.objects.values_list("attended", flat=True)) == {None}
    assert not ModuleCompletion.objects.exists()
    assert not Certificate.objects.exists()


# --- Required training before matching --------------------------------------------------------------


@pytest.mark.django_db
def test_required_training_blocks_matching_until_the_sponsor_has_the_certificate(
    programme_factory, session_factory, household_factory, available_offer, trainer
):
    offer = available_offer()
    sponsor = offer.sponsor
    household = household_factory()
    assert sponsor_matching_blockers(sponsor=sponsor) == []
    programme = programme_factory(required_for_matching=True, title="Sponsor basics")
    programme_factory(title="Optional extras")  # not required: never blocks

    blockers = sponsor_matching_blockers(sponsor=sponsor)
    assert blockers == ["Required training not completed: Sponsor basics."]
    with pytest.raises(ProposalError, match="Sponsor basics"):
        proposal_create(household=household, offer=offer, by=household.caseworker)
    assert not MatchProposal.objects.exists()

    session = session_factory(programme, trainer=trainer)
    enrolment = enrol(session=session, user=sponsor.user)
    session_started(session)
    enrolment = _fresh(enrolment)
    attendance_record(enrolment=enrolment, attended=True, by=trainer)

    assert Certificate.objects.filter(user=sponsor.user, programme=programme).exists()
    assert sponsor_matching_blockers(sponsor=sponsor) == []
    proposal = proposal_create(household=household, offer=offer, by=household.caseworker)
    assert proposal.status == MatchProposal.Status.PROPOSED


@pytest.mark.django_db
def test_an_unpublished_required_programme_does_not_block_matching(programme_factory, sponsor_factory):
    sponsor = sponsor_factory(verified=True)
    programme_factory(required_for_matching=True, is_published=False)

    assert sponsor_matching_blockers(sponsor=sponsor) == []


# --- Recruitment events -----------------------------------------------------------------------------


@pytest.fixture
def register(municipality):
    """`register(event, email=…, **overrides)`: `event_register` with valid data (from Kaunas, consenting)."""

    def make(event, email: str = "ona@example.org", **overrides) -> EventRegistration:
        data = {"name": "Ona Onaitė", "email": email, "municipality": municipality, "consent": True, "language": "en"}
        data.update(overrides)
        return event_register(event=event, **data)

    return make


@pytest.mark.django_db
def test_event_register_requires_consent(register, event_factory):
    event = event_factory()

    with pytest.raises(TrainingError, match="agree"):
        register(event, consent=False)

    assert not EventRegistration.objects.exists()


@pytest.mark.django_db
def test_event_register_records_the_consent_version_and_time(register, event_factory, municipality):
    from sponsorship.selectors import consent_current

    registration = register(event_factory(), email="  Ona@Example.ORG ")

    registration.refresh_from_db()
    assert registration.email == "ona@example.org"
    assert registration.municipality == municipality
    assert registration.consent_text == consent_current()
    assert timezone.now() - registration.consented_at < datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_event_register_accepts_a_registration_without_a_municipality(register, event_factory):
    registration = register(event_factory(), municipality=None)

    assert registration.municipality is None
    assert EventRegistration.objects.count() == 1


@pytest.mark.django_db
def test_event_register_refuses_an_email_already_registered(register, event_factory):
    event = event_factory()
    register(event, email="ona@example.org")

    with pytest.raises(TrainingError, match="already registered"):
        register(event, email="ONA@example.org", name="Someone else")

    assert EventRegistration.objects.filter(event=event).count() == 1
    # The same address can register for another event.
    register(event_factory(), email="ona@example.org")


@pytest.mark.django_db
def test_event_register_refuses_a_full_event(register, event_factory):
    event = event_factory(capacity=2)
    register(event, email="one@example.org")
    register(event, email="two@example.org")

    with pytest.raises(TrainingError, match="full"):
        register(event, email="three@example.org")

    assert EventRegistration.objects.filter(event=event).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("starts_in_days", [-1, -0.001], ids=["yesterday", "a-minute-ago"])
def test_event_register_refuses_an_event_that_has_started(register, event_factory, starts_in_days):
    event = event_factory(starts_in_days=starts_in_days)

    with pytest.raises(TrainingError, match="already started"):
        register(event)

    assert not EventRegistration.objects.exists()


@pytest.mark.django_db
def test_event_register_refuses_an_invalid_email(register, event_factory):
    with pytest.raises(ValidationError):
        register(event_factory(), email="not-an-email")

    assert not EventRegistration.objects.exists()


@pytest.mark.django_db
def test_event_register_emails_a_confirmation_after_commit_in_the_registrants_language(
    register, event_factory, django_capture_on_commit_callbacks
):
    event = event_factory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, language="bg")
        assert mail.outbox == []  # nothing is sent before the registration is committed

    assert registration.language == "bg"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ona@example.org"]
    assert "Информационна среща 1" in message.subject  # the event's Bulgarian title
    assert CYRILLIC.search(message.subject.replace("Информационна среща 1", "")), (
        f"the subject's own words are not in Bulgarian: {message.subject!r}"
    )
    assert "Информационна среща 1" in message.body


def _registration(event, email: str, language: str = "en") -> EventRegistration:
    return EventRegistration.objects.create(
        event=event, name="Ona", email=email, language=language, consented_at=timezone.now()
    )


@pytest.mark.django_db
def test_events_remind_reminds_registrants_of_events_in_the_next_24_hours_once(
    event_factory, django_capture_on_commit_callbacks
):
    tomorrow = event_factory(starts_in_days=0.5)
    later = event_factory(starts_in_days=2)
    started = event_factory(starts_in_days=-0.01)
    due = [_registration(tomorrow, "a@example.org"), _registration(tomorrow, "b@example.org")]
    not_due = [_registration(later, "c@example.org"), _registration(started, "d@example.org")]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert events_remind() == 2

    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all(message.subject.startswith("[RISE] Reminder:") for message in mail.outbox)
    for registration in due:
        registration.refresh_from_db()
        assert registration.reminder_sent_at is not None
    for registration in not_due:
        registration.refresh_from_db()
        assert registration.reminder_sent_at is None

    with django_capture_on_commit_callbacks(execute=True):
        assert events_remind() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_events_remind_writes_in_each_registrants_language(event_factory, django_capture_on_commit_callbacks):
    event = event_factory(starts_in_days=0.5)
    _registration(event, "en@example.org", language="en")
    _registration(event, "lt@example.org", language="lt")
    _registration(event, "bg@example.org", language="bg")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        events_remind()

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["en@example.org"] == "[RISE] Reminder: Information meeting 1 is coming soon"
    assert "Informacinis susitikimas 1" in subjects["lt@example.org"]
    assert "Reminder:" not in subjects["lt@example.org"], "the reminder is not in Lithuanian"
    assert "Информационна среща 1" in subjects["bg@example.org"]
    assert CYRILLIC.search(subjects["bg@example.org"].replace("Информационна среща 1", "")), (
        "the reminder is not in Bulgarian"
    )


# --- Session validation -----------------------------------------------------------------------------


@pytest.fixture
def new_session(language, programme_factory, trainer):
    """`new_session(**changes)`: an unsaved, valid session one week ahead, with `changes` applied."""

    def make(**changes) -> Session:
        starts_at = in_days(7)
        values = {
            "programme": programme_factory(),
            "language": language,
            "trainer": trainer,
            "capacity": 10,
            "place": "Kaunas",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=3),
            "registration_deadline": starts_at - datetime.timedelta(days=1),
        }
        values.update(changes)
        return Session(**values)

    return make


@pytest.mark.django_db
def test_session_full_clean_accepts_a_valid_session(new_session):
    new_session().full_clean()
    new_session(place="", online_url="https://meet.example.org/rise").full_clean()
    new_session(registration_deadline=in_days(7)).full_clean()  # the deadline may be the start itself


SESSION_ERRORS = {
    "capacity-zero": (lambda start: {"capacity": 0}, "capacity"),
    "deadline-after-start": (
        lambda start: {"registration_deadline": start + datetime.timedelta(minutes=1)},
        "registration_deadline",
    ),
    "ends-before-start": (lambda start: {"ends_at": start - datetime.timedelta(hours=1)}, "ends_at"),
    "ends-at-start": (lambda start: {"ends_at": start}, "ends_at"),
    "in-the-past": (
        lambda start: {
            "starts_at": start - datetime.timedelta(days=8),
            "ends_at": start - datetime.timedelta(days=8) + datetime.timedelta(hours=3),
            "registration_deadline": start - datetime.timedelta(days=9),
        },
        "starts_at",
    ),
    "no-place-nor-link": (lambda start: {"place": "", "online_url": ""}, "place"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field"), SESSION_ERRORS.values(), ids=SESSION_ERRORS.keys())
def test_session_full_clean_refuses(new_session, changes, field):
    session = new_session()
    for name, value in changes(session.starts_at).items():
        setattr(session, name, value)

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert field in error.value.message_dict


@pytest.mark.django_db
def test_session_full_clean_accepts_editing_a_past_session(session_factory, trainer):
    session = session_factory(starts_in_days=-3, trainer=trainer)

    session.place = "Vilnius"
    session.full_clean()


# --- Concurrency ------------------------------------------------------------------------------------


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_six_people_enrolling_at_once_in_one_seat_get_one_seat_and_five_waiting_places(session_factory, people):
    for round_ in range(3):
        session = session_factory(capacity=1)
        users = people(6, prefix=f"round{round_}-")

        results = all_at_once(lambda user, session=session: enrol(session=session, user=user).status, users)

        assert sorted(results) == [E.ENROLLED] + [E.WAITING] * 5, results
        assert Enrolment.objects.filter(session=session, status=E.ENROLLED).count() == 1
        assert Enrolment.objects.filter(session=session, status=E.WAITING).count() == 5

        seat = Enrolment.objects.select_related("user").get(session=session, status=E.ENROLLED)
        promoted = enrolment_cancel(enrolment=seat, by=seat.user)

        assert promoted is not None
        first_waiting = Enrolment.objects.filter(session=session).exclude(pk=seat.pk).order_by("created_at", "pk")[0]
        assert promoted.pk == first_waiting.pk
        counts = {status: Enrolment.objects.filter(session=session, status=status).count() for status in E}
        assert counts == {E.ENROLLED: 1, E.WAITING: 4, E.CANCELLED: 1}


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_seats_cancelled_at_once_promote_two_different_people(session_factory, people):
    session = session_factory(capacity=2)
    users = people(5)
    enrolments = [enrol(session=session, user=user) for user in users]
    seats = enrolments[:2]

    results = all_at_once(lambda seat: enrolment_cancel(enrolment=seat, by=seat.user), seats)

    assert all(isinstance(result, Enrolment) for result in results), results
    assert sorted(result.pk for result in results) == [enrolments[2].pk, enrolments[3].pk]
    counts = {status: Enrolment.objects.filter(session=session, status=status).count() for status in E}
    assert counts == {E.ENROLLED: 2, E.WAITING: 1, E.CANCELLED: 2}
