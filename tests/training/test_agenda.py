"""One agenda on the events page: the catalogue's events, the information meetings and the training
sessions, upcoming first and the past apart; the header marks one section for each page."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.utils import timezone

from projects.models import Event, NewsItem
from projects.services import news_rate


def _current_sections(html: str) -> list[str]:
    nav = html[html.index('class="site-nav"') : html.index("</nav>", html.index('class="site-nav"'))]
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', nav)


def _catalogue_event(slug: str, days: int) -> Event:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return Event.objects.create(slug=slug, starts_on=day, title_en=slug.replace("-", " ").title(), body_en="About it.")


@pytest.mark.django_db
def test_the_events_page_lists_meetings_sessions_and_events_upcoming_first_and_past_apart(
    client, event_factory, session_factory
):
    _catalogue_event("project-fair", days=20)
    _catalogue_event("expert-visit", days=-400)
    meeting = event_factory(starts_in_days=3, title_en="How to become a sponsor?")
    event_factory(starts_in_days=10, is_published=False, title_en="Unpublished meeting")
    session = session_factory(starts_in_days=5)
    past_meeting = event_factory(starts_in_days=-30, title_en="Last year's meeting")

    html = client.get("/en/events/").content.decode()

    upcoming, past = html.split('id="past-title"')
    order = [upcoming.index(title) for title in ("How to become a sponsor?", session.programme.title, "Project Fair")]
    assert order == sorted(order)  # one list, soonest first
    assert meeting.get_absolute_url() in upcoming and session.get_absolute_url() in upcoming
    assert "Expert Visit" in past and "Last year&#x27;s meeting" in past
    assert past_meeting.get_absolute_url() not in upcoming
    assert "Unpublished meeting" not in html


@pytest.mark.django_db
def test_the_events_page_runs_a_constant_number_of_queries(
    client, event_factory, session_factory, django_assert_max_num_queries
):
    for days in range(1, 4):
        event_factory(starts_in_days=days)
        session_factory(starts_in_days=days)
        _catalogue_event(f"event-{days}", days=-days * 10)
    with django_assert_max_num_queries(8):
        assert client.get("/en/events/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_a_meeting_page_marks_only_events_in_the_header(client, event_factory, session_factory):
    meeting = event_factory()
    assert _current_sections(client.get(meeting.get_absolute_url()).content.decode()) == ["Events"]
    assert _current_sections(client.get("/en/meetings/").content.decode()) == ["Events"]
    assert _current_sections(client.get("/en/events/").content.decode()) == ["Events"]
    session = session_factory()
    assert _current_sections(client.get(session.get_absolute_url()).content.decode()) == ["Training"]
    assert _current_sections(client.get("/en/training/").content.decode()) == ["Training"]
    assert _current_sections(client.get("/en/projects/").content.decode()) == ["Projects"]


@pytest.mark.django_db
def test_news_shows_a_rating_only_once_rated(client, user_factory):
    item = NewsItem.objects.create(
        slug="fresh-news", title_en="Fresh news", body_en="Body.", published_on=timezone.localdate()
    )
    for url in ("/en/news/", item.get_absolute_url()):
        assert "Rating:" not in client.get(url).content.decode()
    news_rate(news_item=item, user=user_factory(email="reader@example.org"), value="4")
    for url in ("/en/news/", item.get_absolute_url()):
        assert "(1 rating)" in client.get(url).content.decode()
