"""Unpublished training is not public: an unpublished programme's sessions (and their online meeting
link) are on no page, in no iCalendar file, in no sitemap and in no listing; their URLs are a 404 to
everyone outside the admin, where staff preview them. Publishing the programme shows them again."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from icalendar import Calendar

from training.models import Enrolment, Programme
from training.selectors import next_session, session_list
from training.services import TrainingError, session_enrol

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/hidden-briefing-7f3a"
PUBLIC_LINK = "https://meet.example.org/open-session-42"


@pytest.fixture
def hidden(programme_factory, session_factory):
    """An unpublished programme, required for matching, with an upcoming online session."""
    programme = programme_factory(title="Hidden programme", is_published=False, required_for_matching=True)
    session = session_factory(programme, place="", online_url=LINK)
    return programme, session


@pytest.fixture
def shown(programme_factory, session_factory):
    """A published programme with an upcoming online session (the control: it is everywhere)."""
    programme = programme_factory(title="Open programme")
    session = session_factory(programme, place="", online_url=PUBLIC_LINK)
    return programme, session


@pytest.fixture
def sponsor_user(sponsor_factory):
    return sponsor_factory(email="hidden.sponsor@example.org").user


def _publish(programme: Programme) -> None:
    Programme.objects.filter(pk=programme.pk).update(is_published=True)


def _ical_urls(response) -> list[str]:
    calendar = Calendar.from_ical(response.content)
    return [str(event["url"]) for event in calendar.walk("VEVENT")]


def _public_urls(programme, session) -> list[str]:
    return [
        f"/en/training/programmes/{programme.slug}/",
        f"/en/training/sessions/{session.pk}/",
        f"/en/training/sessions/{session.pk}/calendar.ics",
    ]


@pytest.mark.parametrize("who", ["anonymous", "sponsor", "caseworker"])
def test_an_unpublished_programmes_pages_and_calendar_file_are_not_found(client, hidden, sponsor_user, caseworker, who):
    programme, session = hidden
    if who != "anonymous":
        client.force_login(sponsor_user if who == "sponsor" else caseworker)

    for url in _public_urls(programme, session):
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert LINK not in response.content.decode(), url


def test_publishing_the_programme_opens_its_pages(client, hidden):
    programme, session = hidden
    _publish(programme)

    for url in _public_urls(programme, session):
        assert client.get(url).status_code == HTTPStatus.OK, url
    assert LINK in client.get(f"/en/training/sessions/{session.pk}/").content.decode()


def test_the_training_list_and_calendar_show_only_published_programmes(client, hidden, shown):
    (programme, session), (_open_programme, open_session) = hidden, shown

    listing = client.get("/en/training/").content.decode()
    calendar = client.get("/en/training/sessions.ics")

    assert "Open programme" in listing
    assert "Hidden programme" not in listing
    assert f"/training/programmes/{programme.slug}/" not in listing
    assert calendar.status_code == HTTPStatus.OK
    urls = _ical_urls(calendar)
    assert any(url.endswith(f"/training/sessions/{open_session.pk}/") for url in urls)
    assert not any(url.endswith(f"/training/sessions/{session.pk}/") for url in urls)
    assert PUBLIC_LINK in calendar.content.decode()
    assert LINK not in calendar.content.decode()


def test_the_sitemap_lists_no_session_of_an_unpublished_programme(client, hidden, shown):
    (programme, session), (_open_programme, open_session) = hidden, shown

    xml = client.get("/sitemap.xml").content.decode()

    assert f"/training/sessions/{open_session.pk}/</loc>" in xml
    assert f"/training/sessions/{session.pk}/" not in xml
    assert f"/training/programmes/{programme.slug}/" not in xml

    _publish(programme)
    assert f"/en/training/sessions/{session.pk}/</loc>" in client.get("/sitemap.xml").content.decode()


def test_enrolling_in_a_session_of_an_unpublished_programme_is_refused(client, hidden, sponsor_user):
    _programme, session = hidden
    client.force_login(sponsor_user)

    response = client.post(f"/en/training/sessions/{session.pk}/enrol/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(TrainingError):
        session_enrol(session=session, user=sponsor_user)
    assert not Enrolment.objects.filter(session=session).exists()


def test_the_sponsor_dashboard_links_no_session_of_an_unpublished_programme(client, hidden, sponsor_user):
    programme, session = hidden
    client.force_login(sponsor_user)

    html = client.get(reverse("sponsorship:dashboard")).content.decode()

    assert f"/training/sessions/{session.pk}/" not in html
    assert "Hidden programme" not in html
    assert next_session(programme=programme) is None


def test_the_selectors_every_surface_reads_leave_out_unpublished_programmes(hidden, shown):
    (_programme, session), (_open_programme, open_session) = hidden, shown

    for upcoming in (True, False):
        pks = set(session_list(upcoming=upcoming).values_list("pk", flat=True))
        assert open_session.pk in pks
        assert session.pk not in pks


def test_the_meeting_link_of_an_unpublished_programme_is_on_no_public_surface(
    client, hidden, shown, sponsor_user, event_factory
):
    (programme, session), (open_programme, _open_session) = hidden, shown
    event_factory()
    surfaces = [
        "/en/",
        "/en/training/",
        "/en/training/sessions.ics",
        "/en/meetings/",
        "/en/meetings.ics",
        "/sitemap.xml",
        f"/en/training/programmes/{open_programme.slug}/",
        *_public_urls(programme, session),
    ]
    for signed_in in (False, True):
        if signed_in:
            client.force_login(sponsor_user)
            surfaces.append(reverse("sponsorship:dashboard"))
        for url in surfaces:
            response = client.get(url)
            assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), url
            assert LINK not in response.content.decode(), url


def test_staff_preview_an_unpublished_session_in_the_admin(client, hidden, user_factory):
    _programme, session = hidden
    admin = user_factory(email="trainer.admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse("admin:training_session_change", args=[session.pk]))

    assert response.status_code == HTTPStatus.OK
    assert LINK in response.content.decode()


# --- Recruitment events: the same rule, their own `is_published` --------------------------------------


def test_an_unpublished_meeting_is_on_no_list_calendar_or_sitemap(client, event_factory):
    shown = event_factory(online_url=PUBLIC_LINK)
    hidden = event_factory(is_published=False, online_url=LINK)

    assert client.get(f"/en/meetings/{hidden.slug}/").status_code == HTTPStatus.NOT_FOUND
    for url in ["/en/meetings/", "/en/meetings.ics", "/en/training/", "/sitemap.xml"]:
        content = client.get(url).content.decode()
        assert f"/meetings/{shown.slug}/" in content, url
        assert f"/meetings/{hidden.slug}/" not in content, url
        assert LINK not in content, url
