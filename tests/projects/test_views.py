"""Catalogue pages: language fallback, hreflang and sitemap, ratings, constant queries, admin."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import NewsItem, NewsRating, Project
from projects.services import news_rate
from tests.i18n import visible_texts

CATALOGUE_PAGES = [
    "/{lang}/projects/",
    "/{lang}/projects/rise/",
    "/{lang}/projects/for-in/",
    "/{lang}/projects/amif-ukraine-reception/",
    "/{lang}/good-practices/",
    "/{lang}/good-practices/together-for-integration/",
    "/{lang}/municipalities/",
    "/{lang}/municipalities/jonava-district/",
    "/{lang}/news/",
    "/{lang}/news/meetings-with-foreign-experts-2022/",
    "/{lang}/events/",
    "/{lang}/events/foreign-expert-visits-2022/",
    "/{lang}/resources/",
    "/{lang}/projects/?theme=no-such-theme&year=abc",
    "/{lang}/privacy/",
    "/{lang}/contact/",
    "/{lang}/accessibility/",
]
SAME_IN_EVERY_LANGUAGE = re.compile(
    r"^(· )?(RISE|AMIF|SPRING|For-In|LT|EN|BG|Lietuvių|Lietuviškai|English|Български"
    r"|– \w+|IOM|UNHCR|Fedasil|Odisee|HOME/.*|https?://.*|[\d\s.,:+()–-]+)$"
)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
@pytest.mark.parametrize("pattern", CATALOGUE_PAGES)
def test_catalogue_pages_have_no_untranslated_text(client, seeded, pattern, lang):
    english = visible_texts(client.get(pattern.format(lang="en")).content.decode())
    other_response = client.get(pattern.format(lang=lang))
    assert other_response.status_code == HTTPStatus.OK
    other = visible_texts(other_response.content.decode())
    same = {text for text in english & other if not SAME_IN_EVERY_LANGUAGE.match(text)}
    # People's names, e-mail addresses and phone numbers are the same in every language.
    same = {text for text in same if not _is_name(text, lang)}
    assert same == set()


def _is_name(text: str, lang: str) -> bool:
    from projects.models import ContactPerson, Organisation

    return (
        ContactPerson.objects.filter(name=text).exists()
        or Organisation.objects.filter(**{"name_en": text, f"name_{lang}": text}).exists()
        or Project.objects.filter(acronym=text).exists()
    )


@pytest.mark.django_db
def test_content_missing_in_bulgarian_falls_back_to_english_then_lithuanian(client, project_factory):
    project_factory(
        slug="partly",
        title_lt="Tik lietuviškai",
        title_en="English title",
        title_bg="",
        summary_lt="Santrauka",
        summary_en="",
        summary_bg="",
    )
    html = client.get("/bg/projects/partly/").content.decode()
    assert "English title" in html
    assert "Santrauka" in html  # neither Bulgarian nor English: Lithuanian
    assert "Tik lietuviškai" not in html
    assert client.get("/lt/projects/partly/").content.decode().count("Tik lietuviškai") >= 1


@pytest.mark.django_db
def test_detail_pages_link_their_three_languages_and_stay_on_the_object(client, seeded):
    html = client.get("/en/projects/rise/").content.decode()
    for code in ("lt", "en", "bg"):
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver/{code}/projects/rise/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/lt/projects/rise/">' in html
    assert "<title>RISE – Reinforcing integration through sponsorship enhancement · RISE</title>" in html
    assert '<meta name="description" content="The RISE project' in html


@pytest.mark.django_db
def test_switching_language_on_a_project_stays_on_that_project(client, seeded):
    response = client.post("/en/i18n/setlang/", {"language": "lt", "next": "/en/projects/rise/"})
    assert response["Location"] == "/lt/projects/rise/"


@pytest.mark.django_db
def test_unknown_objects_are_404(client, seeded):
    for url in (
        "/en/projects/nope/",
        "/en/good-practices/nope/",
        "/en/news/nope/",
        "/en/events/nope/",
        "/en/municipalities/nope/",
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_sitemap_lists_every_page_in_three_languages(client, seeded):
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    xml = response.content.decode()
    for code in ("lt", "en", "bg"):
        assert f"<loc>http://testserver/{code}/projects/rise/</loc>" in xml
        assert f"http://testserver/{code}/good-practices/together-for-integration/" in xml
    assert 'hreflang="bg"' in xml and 'hreflang="x-default"' in xml
    assert "/news/meetings-with-foreign-experts-2022/" in xml


@pytest.mark.django_db
def test_municipality_page_lists_its_projects_events_and_news(client, seeded):
    html = client.get("/en/municipalities/jonava-district/").content.decode()
    assert "Strengthening municipal competences" in html
    assert "Cooperation visits of foreign experts" in html
    assert "/en/news/meetings-with-foreign-experts-2022/" in html
    sofia = client.get("/en/municipalities/sofia-vitosha/").content.decode()
    assert "/en/good-practices/together-for-integration/" in sofia


# --- Ratings ---------------------------------------------------------------------------------------


@pytest.fixture
def news_item(seeded):
    return NewsItem.objects.get(slug="meetings-with-foreign-experts-2022")


@pytest.mark.django_db
def test_a_signed_in_user_rates_once_and_can_change_the_rating(client, news_item, user_factory):
    user = user_factory()
    client.force_login(user)
    url = f"/en/news/{news_item.slug}/rate/"
    assert client.post(url, {"value": "4"}).status_code == HTTPStatus.FOUND
    assert client.post(url, {"value": "2"}).status_code == HTTPStatus.FOUND
    assert list(NewsRating.objects.values_list("user", "value")) == [(user.pk, 2)]
    other = user_factory(email="other@example.org")
    client.force_login(other)
    client.post(url, {"value": "5"})
    html = client.get(f"/en/news/{news_item.slug}/").content.decode()
    assert "<strong>3.5</strong>" in html
    assert "(2 ratings)" in html
    assert 'value="5" checked' in html


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "6", "-1", "abc", "", "3.5", "4 ", " 4x", "99999999999999999999"])
def test_bad_ratings_are_refused_with_a_message_and_nothing_saved(client, news_item, user_factory, value):
    client.force_login(user_factory())
    response = client.post(f"/bg/news/{news_item.slug}/rate/", {"value": value}, follow=True)
    assert response.status_code == HTTPStatus.OK
    if value == "4 ":
        assert NewsRating.objects.get().value == 4  # surrounding spaces are forgiven
        return
    assert not NewsRating.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "1" in messages[0] and "5" in messages[0]
    assert "Choose a rating" not in messages[0]  # shown in Bulgarian


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_sign_in_to_rate(client, news_item):
    html = client.get(f"/en/news/{news_item.slug}/").content.decode()
    assert "Sign in to rate this news item." in html
    response = client.post(f"/en/news/{news_item.slug}/rate/", {"value": "5"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=/en/news/")
    assert not NewsRating.objects.exists()


@pytest.mark.django_db
def test_rating_needs_post(client, news_item, user_factory):
    client.force_login(user_factory())
    assert client.get(f"/en/news/{news_item.slug}/rate/?value=5").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post("/en/news/no-such-news/rate/", {"value": "5"}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_news_rate_service_rules(news_item, user_factory):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        news_rate(news_item=news_item, user=AnonymousUser(), value=3)
    user = user_factory()
    assert news_rate(news_item=news_item, user=user, value=5).value == 5
    assert news_rate(news_item=news_item, user=user, value="1").value == 1
    assert NewsRating.objects.count() == 1


# --- Constant number of queries ------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(context.captured_queries)


LIST_PAGES = [
    "/en/projects/",
    "/en/projects/?theme=housing&municipality=kaunas",
    "/en/news/",
    "/en/events/",
    "/en/resources/",
    "/en/good-practices/",
    "/en/municipalities/",
    "/en/",
]


@pytest.mark.django_db
def test_list_pages_run_a_constant_number_of_queries(client, project_factory):
    from projects.models import Event, GoodPractice, NewsItem, Organisation, Resource

    organisation = Organisation.objects.create(slug="org", name_en="Org")

    def add(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            project = project_factory(
                slug=f"p{number}", themes=("housing", f"t{number % 7}"), municipalities=("kaunas",), programme="amif"
            )
            news = NewsItem.objects.create(
                slug=f"n{number}", published_on="2024-01-01", title_en="N", body_en="B", project=project
            )
            Event.objects.create(
                slug=f"e{number}", starts_on="2024-01-01", title_en="E", body_en="B", project=project, news_item=news
            )
            resource = Resource.objects.create(
                slug=f"r{number}", title_en="R", kind="guide", url="https://example.org", project=project
            )
            resource.themes.set(project.themes.all())
            practice = GoodPractice.objects.create(
                slug=f"g{number}", title_en="G", summary_en="S", organisation=organisation, country="LT", level="local"
            )
            practice.themes.set(project.themes.all())

    add(2, 0)
    few = {url: _queries(client, url) for url in LIST_PAGES}
    add(250, 2)
    many = {url: _queries(client, url) for url in LIST_PAGES}
    assert many == few


DETAIL_PAGES = [
    "/en/projects/main/",
    "/en/municipalities/kaunas/",
    "/en/good-practices/g0/",
    "/en/news/n0/",
    "/en/events/e0/",
    "/lt/projects/main/",
    "/bg/municipalities/kaunas/",
]


@pytest.mark.django_db
def test_detail_pages_run_a_constant_number_of_queries(client, project_factory):
    """A project, a municipality, a practice, a news item and an event with 2 and with 60 related rows."""
    from projects.models import ContactPerson, Event, GoodPractice, Organisation, ProjectItem, ProjectLink, Resource
    from projects.models import ProjectPartner as Partner

    organisation = Organisation.objects.create(slug="org", name_en="Org")
    main = project_factory(slug="main", themes=("housing",), municipalities=("kaunas",), programme="amif")

    def add(count: int, offset: int) -> None:
        for number in range(offset, offset + count):
            project = project_factory(slug=f"p{number}", themes=(f"t{number}",), municipalities=("kaunas",))
            main.themes.add(*project.themes.all())
            ProjectItem.objects.create(project=main, kind="activity", position=number, text_en=f"Item {number}")
            partner = Organisation.objects.create(slug=f"org{number}", name_en=f"Org {number}")
            Partner.objects.create(project=main, organisation=partner, role="partner", position=number)
            ContactPerson.objects.create(project=main, organisation=partner, name=f"C {number}")
            ProjectLink.objects.create(project=main, url=f"https://example.org/{number}", title_en="L")
            news = NewsItem.objects.create(
                slug=f"n{number}", published_on="2024-01-01", title_en="N", body_en="B", project=main
            )
            news.municipalities.add(*main.municipalities.all())
            event = Event.objects.create(
                slug=f"e{number}", starts_on="2024-01-01", title_en="E", body_en="B", project=main, news_item=news
            )
            event.municipalities.add(*main.municipalities.all())
            Resource.objects.create(
                slug=f"r{number}", title_en="R", kind="guide", url="https://example.org", project=main
            ).themes.set(main.themes.all()[:3])
            practice = GoodPractice.objects.create(
                slug=f"g{number}",
                title_en="G",
                summary_en="S",
                organisation=organisation,
                country="LT",
                level="local",
                project=project,
            )
            practice.themes.set(main.themes.all()[:3])
            practice.municipalities.add(*main.municipalities.all())

    add(2, 0)
    few = {url: _queries(client, url) for url in DETAIL_PAGES}
    add(58, 2)
    many = {url: _queries(client, url) for url in DETAIL_PAGES}
    assert many == few
