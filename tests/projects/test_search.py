"""The site-wide search (portal.search): public content in any language, forgiving of case, diacritics
and word endings, shown in the page's language; the projects list's `q` agrees with it."""

import re
from http import HTTPStatus

import pytest
from django.db.models import Q
from django.test import Client

from portal import search
from portal.models import SearchEntry
from projects.models import GoodPractice, Project, Resource
from training.models import Programme

pytestmark = pytest.mark.django_db

RESULT_LINK = re.compile(r'<h3><a href="([^"]+)">')


def result_urls(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return RESULT_LINK.findall(response.content.decode())


def list_slugs(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return set(re.findall(r'href="/\w\w/projects/([\w-]+)/"', response.content.decode()))


def ukraine_projects() -> set[str]:
    """The seeded projects about Ukraine (in any language)."""
    about = Q()
    for code in ("lt", "en", "bg"):
        about |= Q(**{f"title_{code}__icontains": "ukrain"}) | Q(**{f"summary_{code}__icontains": "ukrain"})
    about |= Q(title_bg__contains="Украйн") | Q(summary_bg__contains="Украйн")
    return set(Project.objects.filter(about).values_list("slug", flat=True))


def test_normalising_folds_case_and_diacritics_in_every_script():
    assert search.normalise("Būstas BŪSTAS bustas") == " bustas bustas bustas "
    assert search.normalise("Украйна УКРАЙНА") == search.normalise("украйна украйна")
    assert search.query_terms("  Ukrainos, ukrainos!  x ") == ["ukrainos"]  # one letter is not a term
    assert search.stem("ukrainos") == search.stem("ukraina") == "ukrain"
    assert search.stem("bustas") == "bust"
    assert search.stem("housing") == "hous"
    assert search.stem("ukr") == "ukr"


def test_ukrainos_finds_both_ukraine_projects_on_the_page_and_in_the_list(client, seeded):
    expected = ukraine_projects()
    assert len(expected) >= 2
    urls = result_urls(client, "/en/search/?q=Ukrainos")
    assert {f"/en/projects/{slug}/" for slug in expected} <= set(urls)
    assert list_slugs(client, "/lt/projects/?q=Ukrainos") == list_slugs(client, "/lt/projects/?q=Ukraine") == expected


@pytest.mark.parametrize("query", ["būstas", "BŪSTAS", "bustas", "Būsto"])
def test_the_housing_theme_is_found_with_or_without_diacritics_in_any_case(client, seeded, query):
    themed = {
        f"/lt/projects/{slug}/"
        for slug in Project.objects.filter(themes__slug="housing").values_list("slug", flat=True)
    }
    themed |= {p.get_absolute_url() for p in GoodPractice.objects.filter(themes__slug="housing")}
    assert themed
    urls = set(result_urls(client, f"/lt/search/?q={query}"))
    assert {url.replace("/en/", "/lt/") for url in themed} <= urls


def test_lowercase_bulgarian_finds_the_bulgarian_titled_content(client, seeded):
    titled = Project.objects.filter(title_bg__contains="Украйна").values_list("slug", flat=True)
    assert titled
    for query in ("украйна", "УКРАЙНА", "Украйната"):
        urls = set(result_urls(client, f"/bg/search/?q={query}"))
        assert {f"/bg/projects/{slug}/" for slug in titled} <= urls, query


def test_an_english_word_finds_items_while_browsing_in_lithuanian_shown_in_lithuanian(client, seeded):
    response = client.get("/lt/search/?q=housing")
    html = response.content.decode()
    practice = (
        GoodPractice.objects.filter(themes__slug="housing").first()
        or Project.objects.filter(themes__slug="housing").first()
    )
    assert practice.title_lt in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert 'href="/lt/' in html
    assert "rezultat" in html  # the count, in Lithuanian


def test_results_are_labelled_by_kind_with_counts_and_filterable(client, seeded):
    html = client.get("/en/search/?q=integration").content.decode()
    assert "Projects (" in html
    assert "Resources (" in html
    only = result_urls(client, "/en/search/?q=integration&kind=resource")
    assert only
    resource_urls = {resource.href for resource in Resource.objects.all()} | {"/en/resources/"}
    assert set(only) <= resource_urls


def test_an_edit_in_the_admin_shows_in_the_results_on_the_next_request(client, seeded, superuser, settings):
    settings.PAGE_CACHE_SECONDS = 600  # anonymous pages are cached: the edit must still show
    admin = Client()
    admin.force_login(superuser)
    inlines = {
        f"{prefix}-{key}": value
        for prefix in ("items", "partners", "contacts", "links")
        for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }
    fields = {
        "acronym": "ZEB",
        "slug": "zebra",
        "title_lt": "Zebrų namai",
        "title_en": "Zebra homes",
        "title_bg": "Домове за зебри",
        "summary_lt": "Santrauka",
        "summary_en": "Summary",
        "summary_bg": "Резюме",
        "level": "local",
        **inlines,
    }
    assert result_urls(client, "/en/search/?q=zebrų") == []
    response = admin.post("/en/admin/projects/project/add/", fields)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert result_urls(client, "/en/search/?q=zebrų") == ["/en/projects/zebra/"]
    assert list_slugs(client, "/en/projects/?q=zebra") == {"zebra"}

    project = Project.objects.get(slug="zebra")
    response = admin.post(
        f"/en/admin/projects/project/{project.pk}/change/",
        fields | {"title_lt": "Žirafų namai", "title_en": "Giraffe homes"},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert result_urls(client, "/en/search/?q=zebrų") == []
    assert result_urls(client, "/en/search/?q=zirafu") == ["/en/projects/zebra/"]
    assert "Giraffe homes" in client.get("/en/search/?q=zirafu").content.decode()

    response = admin.post(f"/en/admin/projects/project/{project.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert result_urls(client, "/en/search/?q=zirafu") == []


def test_training_is_searchable_once_published_and_nothing_personal_is_indexed(client, seeded):
    programme = Programme.objects.create(
        slug="hosting",
        title_lt="Globėjų mokymai",
        title_en="Training for hosts",
        title_bg="Обучение за домакини",
        description_lt="Apie globą",
        description_en="About hosting",
        description_bg="За домакинството",
        audience=Programme.Audience.SPONSORS,
        is_published=False,
    )
    search.search_entries_update(instance=programme)
    assert result_urls(client, "/en/search/?q=globėjų") == []
    programme.is_published = True
    programme.save()
    search.search_entries_update(instance=programme)
    assert result_urls(client, "/en/search/?q=globeju") == [programme.get_absolute_url().replace("/lt/", "/en/")]
    registered = {source.kind for source in search.search_sources()}
    assert registered == {"project", "practice", "news", "event", "resource", "programme", "session", "meeting"}
    assert set(SearchEntry.objects.values_list("kind", flat=True)) <= registered


def test_reindexing_rebuilds_every_kind(seeded):
    SearchEntry.objects.all().delete()
    counts = search.search_reindex()
    assert counts["project"] == Project.objects.count() * 3
    assert SearchEntry.objects.filter(kind="project", language="bg").count() == Project.objects.count()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=",
        "q=+++",
        "q=!!!",
        "q=a",
        "q=" + "x" * 10000,
        "q=%F0%9F%98%80",
        "q=ukraine&page=abc",
        "q=ukraine&page=999",
        "q=ukraine&kind=households",
        "q='%20OR%201=1--",
        "q=ukrain:*%20%26%20!",
        "q=a%7Cb%26c",
    ],
)
def test_junk_or_huge_queries_get_a_page_never_a_server_error(client, seeded, query):
    response = client.get(f"/lt/search/?{query}")
    assert response.status_code == HTTPStatus.OK


def test_a_nul_byte_is_refused_cleanly(client, seeded):
    assert client.get("/en/search/?q=%00").status_code == HTTPStatus.BAD_REQUEST


def test_an_empty_search_gets_a_friendly_page_and_a_too_long_one_a_translated_message(client, seeded):
    html = client.get("/lt/search/").content.decode()
    assert "Ieškokite projektų" in html
    html = client.get("/bg/search/?q=" + "x" * 300).content.decode()
    assert "200" in html and 'role="alert"' in html


def test_the_search_page_runs_a_fixed_number_of_queries(client, seeded, django_assert_max_num_queries):
    for query in ("ukraine", "integration refugees", "būstas", "nothing-matches-this"):
        with django_assert_max_num_queries(6):
            client.get(f"/en/search/?q={query}")


def test_every_page_has_the_search_form_in_its_header(client, seeded):
    html = client.get("/bg/").content.decode()
    assert 'role="search"' in html
    assert 'action="/bg/search/"' in html


@pytest.mark.needs_postgres
def test_on_postgresql_a_misspelt_word_is_found_by_trigram_similarity(client, seeded):
    # "integracjos" (a letter missing from "integracijos") is no prefix of any word: trigrams find it.
    expected = {
        f"/en/projects/{slug}/"
        for slug in Project.objects.filter(title_lt__icontains="integracijos").values_list("slug", flat=True)
    }
    assert expected
    assert expected <= set(result_urls(client, "/en/search/?q=integracjos"))
    assert SearchEntry.objects.filter(vector__isnull=False).count() == SearchEntry.objects.count()


def test_a_themes_edit_rewrites_only_the_rows_of_the_items_that_have_it(project_factory):
    housing = project_factory(slug="with-theme", title="Homes first", themes=("housing",))
    other = project_factory(slug="without-theme", title="Language cafés", themes=("language",))
    untouched = set(SearchEntry.objects.filter(kind="project", object_id=other.pk).values_list("pk", flat=True))
    theme = housing.themes.get()
    theme.name_en = "Shelter and homes"
    theme.save()

    search.search_entries_update(instance=theme)

    assert set(SearchEntry.objects.filter(kind="project", object_id=other.pk).values_list("pk", flat=True)) == untouched
    rewritten = SearchEntry.objects.get(kind="project", object_id=housing.pk, language="en")
    assert "Shelter and homes" in rewritten.text
