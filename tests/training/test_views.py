"""Training pages: public pages in each language, sitemap and iCalendar, enrolment, attendance,
certificate verification, meeting registration and the sponsor dashboard's training section."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from portal.models import User
from tests.helpers import session_started
from training.models import Certificate, Enrolment, EventRegistration, ModuleCompletion, Session
from training.services import session_enrol

E = Enrolment.Status
LANGUAGES = ["lt", "en", "bg"]


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(user_factory):
    """A signed-up user (not a sponsor), speaking English."""
    return user_factory(email="member@example.org", first_name="Ona", last_name="Onaitė", language="en")


@pytest.fixture
def catalogue(programme_factory, session_factory, event_factory, trainer):
    """A programme with an upcoming session and an information meeting."""
    programme = programme_factory(title="Sponsor basics")
    session = session_factory(programme, trainer=trainer)
    event = event_factory()
    return {"programme": programme, "session": session, "event": event}


# --- Public pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_training_pages_render_in_each_language(client, catalogue, lang):
    programme, session, event = catalogue["programme"], catalogue["session"], catalogue["event"]
    title = {"lt": "Sponsor basics (LT)", "en": "Sponsor basics", "bg": "Sponsor basics (BG)"}[lang]
    pages = {
        f"/{lang}/training/": [title, getattr(event, f"title_{lang}")],
        f"/{lang}/training/programmes/{programme.slug}/": [title, f"/{lang}/training/sessions/{session.pk}/"],
        f"/{lang}/training/sessions/{session.pk}/": [title, "Kaunas, Laisvės al. 1"],
        f"/{lang}/meetings/": [f"/{lang}/meetings/{event.slug}/"],
        f"/{lang}/meetings/{event.slug}/": [getattr(event, f"title_{lang}"), 'name="consent"'],
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        html = _html(response)
        assert f'<html lang="{lang}">' in html, url
        for text in expected:
            assert text in html, (url, text)


@pytest.mark.django_db
def test_unpublished_programmes_and_meetings_are_not_shown(client, programme_factory, event_factory):
    programme = programme_factory(title="Hidden programme", is_published=False)
    event = event_factory(is_published=False)

    assert "Hidden programme" not in _html(client.get("/en/training/"))
    assert client.get(f"/en/training/programmes/{programme.slug}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/en/meetings/{event.slug}/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_sitemap_lists_programmes_sessions_and_meetings_in_three_languages(
    client, catalogue, programme_factory, session_factory, event_factory
):
    programme, session, event = catalogue["programme"], catalogue["session"], catalogue["event"]
    hidden = programme_factory(is_published=False)
    past = session_factory(programme, starts_in_days=-2)
    over = event_factory(starts_in_days=-1)

    response = client.get("/sitemap.xml")

    assert response.status_code == HTTPStatus.OK
    xml = _html(response)
    for lang in LANGUAGES:
        assert f"<loc>http://testserver/{lang}/training/</loc>" in xml
        assert f"<loc>http://testserver/{lang}/meetings/</loc>" in xml
        assert f"<loc>http://testserver/{lang}/training/programmes/{programme.slug}/</loc>" in xml
        assert f"<loc>http://testserver/{lang}/training/sessions/{session.pk}/</loc>" in xml
        assert f"<loc>http://testserver/{lang}/meetings/{event.slug}/</loc>" in xml
    assert f"/programmes/{hidden.slug}/" not in xml
    assert f"/training/sessions/{past.pk}/" not in xml
    assert f"/meetings/{over.slug}/" not in xml


# --- Enrolling and cancelling -----------------------------------------------------------------------


@pytest.mark.django_db
def test_enrol_view_enrols_a_signed_in_user(client, session_factory, member):
    session = session_factory(capacity=2)
    client.force_login(member)

    response = client.post(f"/en/training/sessions/{session.pk}/enrol/", follow=True)

    assert response.redirect_chain == [(f"/en/training/sessions/{session.pk}/", HTTPStatus.FOUND)]
    html = _html(response)
    assert "You are enrolled." in html
    assert '<strong id="enrolment-status">Enrolled</strong>' in html
    assert Enrolment.objects.get(session=session, user=member).status == E.ENROLLED


@pytest.mark.django_db
def test_enrol_view_says_waiting_list_when_the_session_is_full(client, session_factory, member, user_factory):
    session = session_factory(capacity=1)
    session_enrol(session=session, user=user_factory(email="first@example.org"))
    client.force_login(member)

    response = client.post(f"/en/training/sessions/{session.pk}/enrol/", follow=True)

    html = _html(response)
    assert "waiting list" in html
    assert '<strong id="enrolment-status">On the waiting list</strong>' in html
    assert Enrolment.objects.get(session=session, user=member).status == E.WAITING


@pytest.mark.django_db
def test_enrol_view_shows_the_refusal_of_a_second_enrolment(client, session_factory, member):
    session = session_factory()
    client.force_login(member)
    client.post(f"/en/training/sessions/{session.pk}/enrol/")

    response = client.post(f"/en/training/sessions/{session.pk}/enrol/", follow=True)

    assert "You are already enrolled in this session." in _html(response)
    assert Enrolment.objects.filter(session=session, user=member).count() == 1


@pytest.mark.django_db
def test_enrol_view_sends_anonymous_visitors_to_the_login_page(client, session_factory):
    session = session_factory()

    response = client.post(f"/en/training/sessions/{session.pk}/enrol/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_enrol_view_refuses_get(client, session_factory, member):
    session = session_factory()
    client.force_login(member)

    response = client.get(f"/en/training/sessions/{session.pk}/enrol/")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_cancel_view_cancels_the_owners_enrolment(client, session_factory, member):
    session = session_factory()
    enrolment = session_enrol(session=session, user=member)
    client.force_login(member)
    url = f"/en/training/enrolments/{enrolment.pk}/cancel/"
    assert f'href="{url}"' in _html(client.get(f"/en/training/sessions/{session.pk}/"))
    confirmation = _html(client.get(url))
    assert "Cancel your enrolment?" in confirmation and 'name="confirm"' in confirmation
    assert client.post(url)["Location"] == url  # without confirm: nothing happens
    enrolment.refresh_from_db()
    assert enrolment.status == E.ENROLLED

    response = client.post(url, {"confirm": "yes"}, follow=True)

    assert response.redirect_chain == [(f"/en/training/sessions/{session.pk}/", HTTPStatus.FOUND)]
    assert "Your enrolment is cancelled." in _html(response)
    enrolment.refresh_from_db()
    assert enrolment.status == E.CANCELLED


@pytest.mark.django_db
def test_cancel_view_is_not_found_for_another_user(client, session_factory, member, user_factory):
    session = session_factory()
    enrolment = session_enrol(session=session, user=member)
    client.force_login(user_factory(email="stranger@example.org"))

    response = client.post(f"/en/training/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    enrolment.refresh_from_db()
    assert enrolment.status == E.ENROLLED


# --- Attendance ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_trainer_marks_attendance_and_full_attendance_issues_the_certificate(
    client, programme_factory, session_factory, trainer, member, user_factory
):
    programme = programme_factory(modules=2)
    session = session_factory(programme, trainer=trainer)
    absent = user_factory(email="absent@example.org", language="en")
    present = session_enrol(session=session, user=member)
    missing = session_enrol(session=session, user=absent)
    session_started(session)
    client.force_login(trainer)
    url = f"/en/training/sessions/{session.pk}/attendance/"

    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Ona Onaitė" in _html(page)
    assert f'value="{present.pk}"' in _html(page)

    response = client.post(url, {"attended": [str(present.pk)]}, follow=True)

    assert response.redirect_chain == [(url, HTTPStatus.FOUND)]
    assert "Attendance is saved." in _html(response)
    present.refresh_from_db()
    missing.refresh_from_db()
    assert (present.attended, missing.attended) == (True, False)
    assert ModuleCompletion.objects.filter(user=member).count() == 2
    assert list(Certificate.objects.values_list("user", "programme")) == [(member.pk, programme.pk)]
    assert f'value="{present.pk}" id="a{present.pk}" checked' in _html(response)


@pytest.mark.django_db
def test_attendance_page_shows_the_refusal_before_the_session_starts(client, session_factory, trainer, member):
    session = session_factory(trainer=trainer)
    enrolment = session_enrol(session=session, user=member)
    client.force_login(trainer)

    response = client.post(
        f"/en/training/sessions/{session.pk}/attendance/", {"attended": [str(enrolment.pk)]}, follow=True
    )

    assert "Attendance is marked once the session has started." in _html(response)
    assert not ModuleCompletion.objects.exists()


@pytest.mark.django_db
def test_attendance_page_is_forbidden_to_another_sponsor(client, session_factory, trainer, sponsor_factory):
    session = session_started(session_factory(trainer=trainer))
    client.force_login(sponsor_factory(verified=True).user)

    assert client.get(f"/en/training/sessions/{session.pk}/attendance/").status_code == HTTPStatus.FORBIDDEN
    assert client.post(f"/en/training/sessions/{session.pk}/attendance/").status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_attendance_page_sends_anonymous_visitors_to_the_login_page(client, session_factory):
    session = session_factory()

    response = client.get(f"/en/training/sessions/{session.pk}/attendance/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=")


# --- Certificates ---------------------------------------------------------------------------------------


@pytest.fixture
def certificate(programme_factory, member):
    return Certificate.objects.create(user=member, holder_name="Ona Onaitė", programme=programme_factory())


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_certificate_page_shows_the_holder_and_the_programme(client, certificate, lang):
    response = client.get(f"/{lang}/training/certificates/{certificate.code}/")

    assert response.status_code == HTTPStatus.OK
    html = _html(response)
    assert f'<html lang="{lang}">' in html
    assert "Ona Onaitė" in html
    assert getattr(certificate.programme, f"title_{lang}") in html
    assert f'<strong id="code">{certificate.code}</strong>' in html


def _forged(code: str) -> str:
    """The code with its last character changed (still a plausible code)."""
    return code[:-1] + ("A" if code[-1] != "A" else "B")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [_forged, lambda code: "0000AAAA1111", lambda code: "abcdef123456", lambda code: code + "0"],
    ids=["one-character-changed", "unknown", "lowercase-unknown", "longer"],
)
def test_certificate_page_says_not_found_for_an_unknown_or_forged_code(client, certificate, code):
    wrong = code(certificate.code)
    assert wrong.upper() != certificate.code

    response = client.get(f"/en/training/certificates/{wrong}/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    html = _html(response)
    assert "Certificate not found" in html
    assert "Ona Onaitė" not in html


@pytest.mark.django_db
def test_certificate_code_is_read_without_regard_to_case(client, certificate):
    response = client.get(f"/en/training/certificates/{certificate.code.lower()}/")

    assert response.status_code == HTTPStatus.OK
    assert "Ona Onaitė" in _html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_certificate_page_prints_its_verification_address_qr_code_issuer_and_logo(client, settings, certificate, lang):
    settings.SITE_URL = "https://portal.example.org"
    verify_url = f"https://portal.example.org/{lang}/training/certificates/{certificate.code}/"

    html = _html(client.get(f"/{lang}/training/certificates/{certificate.code}/"))

    assert f'<a href="{verify_url}" id="verify-url">{verify_url}</a>' in html
    assert re.search(r'<svg class="qr" role="img" aria-label="[^"]+"[^>]*><path d="M', html)  # drawn inline
    assert "/static/img/logo.svg" in html
    issuer = {"en": "RISE community sponsorship portal", "lt": "RISE bendruomenių rėmimo portalas"}
    assert issuer.get(lang, "Портал RISE за спонсорство от общността") in html
    assert f'href="/{lang}/training/certificates/"' in html  # the form to verify another one


def test_the_qr_code_encodes_the_verification_address():
    from portal.qr import qr_svg

    one, other = qr_svg("https://a.example/1", label="x"), qr_svg("https://a.example/2", label="x")
    assert one.startswith('<svg class="qr"') and one != other
    assert "style=" not in one and "<script" not in one  # nothing the CSP would block


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["{code}", " {lower} ", "{dashed}"], ids=["as-printed", "lowercase-spaces", "dashes"])
def test_certificate_lookup_form_takes_a_typed_code_to_its_page(client, certificate, typed):
    code = certificate.code
    value = typed.format(code=code, lower=code.lower(), dashed=f"{code[:4]}-{code[4:8]}-{code[8:]}")

    response = client.get("/en/training/certificates/", {"code": value})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/training/certificates/{code}/"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_certificate_lookup_form_renders_in_each_language(client, lang):
    response = client.get(f"/{lang}/training/certificates/")
    assert response.status_code == HTTPStatus.OK
    assert 'name="code"' in _html(response)


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["0000AAAA1111", "x", "'; DROP TABLE x; --", "\x00abc", "Ā" * 500, "%00"])
def test_certificate_lookup_says_not_found_for_unknown_codes_and_junk(client, certificate, junk):
    response = client.get("/lt/training/certificates/", {"code": junk})

    html = _html(response)
    assert "Ona Onaitė" not in html
    if "\x00" in junk:  # refused before any view, as everywhere (a translated 400)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        return
    assert response.status_code == HTTPStatus.OK
    assert 'class="error"' in html


@pytest.mark.django_db
def test_certificate_lookup_is_rate_limited_per_address(client, settings, certificate):
    settings.CERTIFICATE_LOOKUP_RATE = "3/m/ip"
    for _attempt in range(3):
        assert client.get("/en/training/certificates/", {"code": "0000AAAA1111"}).status_code == HTTPStatus.OK
    response = client.get("/en/training/certificates/", {"code": certificate.code})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The empty form is never held back.
    assert client.get("/en/training/certificates/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_guessing_codes_at_the_verification_address_is_rate_limited_too(client, settings, certificate):
    settings.CERTIFICATE_LOOKUP_RATE = "3/m/ip"
    for _attempt in range(3):
        assert client.get("/en/training/certificates/0000AAAA1111/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/en/training/certificates/0000AAAA2222/").status_code == HTTPStatus.TOO_MANY_REQUESTS
    # A real certificate is never refused.
    assert client.get(f"/en/training/certificates/{certificate.code}/").status_code == HTTPStatus.OK


# --- iCalendar ------------------------------------------------------------------------------------------


def _ical_events(response) -> dict[str, dict]:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["uid"]): {
            "summary": str(event["summary"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "location": str(event.get("location", "")),
            "url": str(event["url"]),
        }
        for event in calendar.walk("VEVENT")
    }


def _ical_utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.django_db
def test_sessions_calendar_lists_the_upcoming_sessions(client, catalogue, session_factory):
    session = catalogue["session"]
    past = session_factory(catalogue["programme"], starts_in_days=-3)

    response = client.get("/en/training/sessions.ics")

    assert f"DTSTART:{_ical_utc(session.starts_at)}".encode() in response.content
    events = _ical_events(response)
    assert list(events) == [f"session-{session.pk}@rise-portal"]
    entry = events[f"session-{session.pk}@rise-portal"]
    assert entry["summary"] == "Sponsor basics"
    assert entry["start"] == session.starts_at
    assert entry["end"] == session.ends_at
    assert entry["location"] == "Kaunas, Laisvės al. 1"
    assert entry["url"].endswith(f"/en/training/sessions/{session.pk}/")
    assert f"session-{past.pk}@" not in response.content.decode()


@pytest.mark.django_db
def test_one_sessions_calendar_file(client, catalogue):
    session = catalogue["session"]

    events = _ical_events(client.get(f"/en/training/sessions/{session.pk}/calendar.ics"))

    assert [entry["start"] for entry in events.values()] == [session.starts_at]
    assert client.get("/en/training/sessions/999999/calendar.ics").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_meetings_calendar_lists_the_upcoming_published_meetings(client, catalogue, event_factory):
    event = catalogue["event"]
    event_factory(is_published=False)
    event_factory(starts_in_days=-1)

    response = client.get("/en/meetings.ics")

    assert f"DTSTART:{_ical_utc(event.starts_at)}".encode() in response.content
    events = _ical_events(response)
    assert list(events) == [f"recruitmentevent-{event.pk}@rise-portal"]
    entry = events[f"recruitmentevent-{event.pk}@rise-portal"]
    assert entry["summary"] == event.title_en
    assert (entry["start"], entry["end"]) == (event.starts_at, event.ends_at)
    assert entry["location"] == "Kaunas library"


# --- Meeting registration -------------------------------------------------------------------------------


def _registration_post(**overrides) -> dict:
    data = {"name": "Ona Onaitė", "email": "ona@example.org", "municipality": "kaunas-city", "consent": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_meeting_registration_without_consent_is_refused(client, event_factory, municipality):
    event = event_factory()

    response = client.post(f"/en/meetings/{event.slug}/", _registration_post(consent=None))

    assert response.status_code == HTTPStatus.OK
    assert "consent" in response.context["form"].errors
    assert not EventRegistration.objects.exists()


@pytest.mark.django_db
def test_meeting_registration_with_a_bad_email_is_refused(client, event_factory, municipality):
    event = event_factory()

    response = client.post(f"/en/meetings/{event.slug}/", _registration_post(email="ona-at-example"))

    assert response.status_code == HTTPStatus.OK
    assert "email" in response.context["form"].errors
    assert not EventRegistration.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_meeting_registration_records_the_page_language_and_redirects(
    client, event_factory, municipality, lang, django_capture_on_commit_callbacks
):
    event = event_factory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{lang}/meetings/{event.slug}/", _registration_post())

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/{lang}/meetings/{event.slug}/"
    registration = EventRegistration.objects.get()
    assert (registration.event, registration.email, registration.language) == (event, "ona@example.org", lang)
    assert registration.municipality == municipality
    assert [message.to for message in mail.outbox] == [["ona@example.org"]]
    assert getattr(event, f"title_{lang}") in mail.outbox[0].subject


@pytest.mark.django_db
def test_meeting_registration_with_an_email_already_registered_is_refused_clearly(client, event_factory, municipality):
    event = event_factory()
    client.post(f"/en/meetings/{event.slug}/", _registration_post())

    response = client.post(f"/en/meetings/{event.slug}/", _registration_post(email="ONA@example.org"))

    assert response.status_code == HTTPStatus.OK
    assert "This email address is already registered for the event." in _html(response)
    assert EventRegistration.objects.count() == 1


@pytest.mark.django_db
def test_meeting_registration_of_a_full_meeting_is_refused(client, event_factory, municipality):
    event = event_factory(capacity=1)
    client.post(f"/en/meetings/{event.slug}/", _registration_post(email="first@example.org"))

    response = client.post(f"/en/meetings/{event.slug}/", _registration_post())

    assert response.status_code == HTTPStatus.OK
    assert "This event is full." in _html(response)
    assert EventRegistration.objects.count() == 1


@pytest.mark.django_db
def test_meeting_registration_without_a_municipality_is_accepted(client, event_factory, municipality):
    event = event_factory()

    response = client.post(f"/en/meetings/{event.slug}/", _registration_post(municipality=None))

    assert response.status_code == HTTPStatus.FOUND
    assert EventRegistration.objects.get().municipality is None


# --- Sponsor dashboard ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sponsor_dashboard_says_required_training_is_missing_and_links_the_next_session(
    client, sponsor_factory, programme_factory, session_factory
):
    sponsor = sponsor_factory(verified=True)
    User.objects.filter(pk=sponsor.user.pk).update(language="en")
    programme = programme_factory(required_for_matching=True, title="Sponsor basics")
    later = session_factory(programme, starts_in_days=20)
    soonest = session_factory(programme, starts_in_days=5)
    session_factory(programme, starts_in_days=-1)  # past: not the next one
    client.force_login(sponsor.user)

    html = _html(client.get("/en/sponsor/"))

    assert "Required before you can be matched: Sponsor basics." in html
    assert re.search(rf'<a href="/en/training/sessions/{soonest.pk}/">Next session: ', html)
    assert f'href="/en/training/sessions/{later.pk}/"' not in html
    assert "Required training not completed: Sponsor basics." in html  # among the matching blockers


@pytest.mark.django_db
def test_times_are_shown_in_the_portals_zone_and_labelled_on_the_dashboard_and_the_session_page(
    client, sponsor_factory, programme_factory, session_factory
):
    """A session at 16:00 UTC in winter is at 18:00 in Vilnius: the dashboard, the session's page and its
    card say 18:00 (Vilnius time), even when the session names another zone."""
    sponsor = sponsor_factory(verified=True)
    programme = programme_factory(required_for_matching=True, title="Sponsor basics")
    session = session_factory(programme, time_zone="UTC")
    year = timezone.now().year + 1
    start = datetime.datetime(year, 1, 20, 16, 0, tzinfo=datetime.UTC)
    Session.objects.filter(pk=session.pk).update(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        registration_deadline=start - datetime.timedelta(days=1),
    )
    session_enrol(session=Session.objects.get(pk=session.pk), user=sponsor.user)
    client.force_login(sponsor.user)

    dashboard = _html(client.get("/en/sponsor/"))
    page = _html(client.get(f"/en/training/sessions/{session.pk}/"))
    listing = _html(client.get(f"/en/training/programmes/{programme.slug}/"))

    assert f"Next session: 20 January {year}, 18:00 (Vilnius time)" in dashboard
    assert f"Sponsor basics – 20 January {year}, 18:00 (Vilnius time)" in dashboard  # the enrolment
    assert "16:00" not in dashboard
    assert f"20 January {year}, 18:00 – 20:00 (Vilnius time)" in page
    assert "16:00" not in page and "(UTC)" not in page
    assert f"20 January {year}, 18:00 (Vilnius time)" in listing


@pytest.mark.django_db
def test_sponsor_dashboard_links_the_programme_when_no_session_is_planned(client, sponsor_factory, programme_factory):
    sponsor = sponsor_factory(verified=True)
    programme = programme_factory(required_for_matching=True, title="Sponsor basics")
    client.force_login(sponsor.user)

    html = _html(client.get("/en/sponsor/"))

    assert "Required before you can be matched: Sponsor basics." in html
    assert f'href="/en/training/programmes/{programme.slug}/"' in html


@pytest.mark.django_db
def test_sponsor_dashboard_lists_the_certificate_instead_once_the_training_is_done(
    client, sponsor_factory, programme_factory, session_factory
):
    sponsor = sponsor_factory(verified=True)
    programme = programme_factory(required_for_matching=True, title="Sponsor basics")
    session_factory(programme)
    certificate = Certificate.objects.create(user=sponsor.user, holder_name="Sam Sponsor", programme=programme)
    client.force_login(sponsor.user)

    html = _html(client.get("/en/sponsor/"))

    assert "Required before you can be matched" not in html
    assert "Required training not completed" not in html
    assert f'href="/en/training/certificates/{certificate.code}/"' in html


@pytest.mark.django_db
def test_public_training_pages_run_a_constant_number_of_queries(
    client, programme_factory, session_factory, event_factory
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme = programme_factory(slug="main")
    first = session_factory(programme)

    def queries() -> dict[str, int]:
        counts = {}
        for url in ["/en/training/", "/en/training/programmes/main/", first.get_absolute_url(), "/en/meetings/"]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == HTTPStatus.OK
            counts[url] = len(captured)
        return counts

    event_factory()
    few = queries()
    for _ in range(15):
        session_factory(programme_factory())
        session_factory(programme)
        event_factory()
    assert queries() == few
