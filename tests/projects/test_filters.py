"""Each filter returns exactly the right set; combinations work; bad values never give a 500."""

from http import HTTPStatus

import pytest

from projects.models import GoodPractice, Organisation, SustainableDevelopmentGoal, TargetGroup


def slugs(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return {obj.slug for obj in response.context["object_list"]}


@pytest.fixture
def catalogue(project_factory):
    project_factory(
        slug="housing-kaunas",
        themes=("housing",),
        municipalities=("kaunas",),
        countries=("LT",),
        start=(2022, 1),
        end=(2023, 12),
        programme="amif",
        level="local",
        target_groups=("refugees",),
    )
    project_factory(
        slug="housing-riga",
        title="Housing in Riga",
        themes=("housing", "employment"),
        municipalities=("riga",),
        countries=("LV", "LT"),
        start=(2024, 4),
        end=(2026, 4),
        programme="nordic",
        level="international",
    )
    project_factory(
        slug="jobs-kaunas",
        themes=("employment",),
        municipalities=("kaunas",),
        countries=("EE",),
        start=(2020, 1),
        end=(2021, 12),
        programme="amif",
        level="national",
        target_groups=("refugees",),
    )
    project_factory(slug="undated", themes=("housing",), start=None, end=None, countries=(), level="national")
    project_factory(slug="open-ended", start=(2024, 1), end=None, countries=(), level="local")


@pytest.mark.django_db
class TestProjectFilters:
    def test_without_filters_every_project_is_listed(self, client, catalogue):
        assert slugs(client, "/en/projects/") == {
            "housing-kaunas",
            "housing-riga",
            "jobs-kaunas",
            "undated",
            "open-ended",
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("theme=housing", {"housing-kaunas", "housing-riga", "undated"}),
            ("theme=employment", {"housing-riga", "jobs-kaunas"}),
            ("country=LT", {"housing-kaunas", "housing-riga"}),
            ("country=LV", {"housing-riga"}),
            ("country=EE", {"jobs-kaunas"}),
            ("programme=amif", {"housing-kaunas", "jobs-kaunas"}),
            ("level=international", {"housing-riga"}),
            ("level=local", {"housing-kaunas", "open-ended"}),
            ("target_group=refugees", {"housing-kaunas", "jobs-kaunas"}),
            ("municipality=kaunas", {"housing-kaunas", "jobs-kaunas"}),
            ("year=2023", {"housing-kaunas"}),
            ("year=2025", {"housing-riga", "open-ended"}),
            ("year=2030", {"open-ended"}),
            ("year=2021", {"jobs-kaunas"}),
            ("year=2019", set()),
            ("q=riga", {"housing-riga"}),
            ("q=SUMMARY+OF+HOUSING+IN+RIGA", {"housing-riga"}),
            # Every word must match, in the text or the names of its themes and places.
            ("q=housing-kaunas", {"housing-kaunas"}),
            ("q=housing+vilnius", set()),
            ("theme=housing&municipality=kaunas", {"housing-kaunas"}),
            ("theme=employment&municipality=kaunas&year=2021", {"jobs-kaunas"}),
            ("theme=housing&country=LT&programme=nordic", {"housing-riga"}),
            ("theme=housing&level=local&year=2025", set()),
        ],
    )
    def test_filter(self, client, catalogue, query, expected):
        assert slugs(client, f"/en/projects/?{query}") == expected

    def test_search_finds_text_in_any_language(self, client, project_factory):
        project_factory(slug="sponsors", title="Bendruomenių rėmimas", summary_bg="Спонсорство от общността")
        project_factory(slug="other")
        assert slugs(client, "/en/projects/?q=rėmimas") == {"sponsors"}
        assert slugs(client, "/lt/projects/?q=Спонсорство") == {"sponsors"}

    @pytest.mark.parametrize(
        "query",
        [
            "theme=no-such-theme",
            "year=abc",
            "year=99999",
            "country=XX",
            "level=galactic",
            "programme=%E2%80%8B",
            "municipality=' OR 1=1 --",
            "q=" + "x" * 500,
            "theme=housing&theme=employment",
            "sort=;drop",
        ],
    )
    def test_bad_filter_values_give_a_clean_page_with_an_error(self, client, catalogue, query):
        response = client.get(f"/en/projects/?{query}")
        assert response.status_code == HTTPStatus.OK
        if query.startswith("sort") or query.startswith("theme=housing&"):
            return  # unknown parameters are ignored; a repeated one uses its last value
        assert response.context["filter"].form.errors
        assert "Some filters could not be applied" in response.content.decode()
        assert list(response.context["object_list"]) == []

    def test_a_nul_byte_in_a_filter_gets_the_translated_400_page(self, client, catalogue):
        response = client.get("/lt/projects/?programme=%00")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert 'lang="lt"' in response.content.decode()

    @pytest.mark.parametrize("page", ["9999", "abc", "0", "-1"])
    def test_a_page_out_of_range_is_a_404(self, client, catalogue, page):
        response = client.get(f"/en/projects/?page={page}")
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Page not found" in response.content.decode()

    def test_the_list_is_paginated_and_keeps_the_filters_in_the_links(self, client, project_factory):
        for number in range(15):
            project_factory(slug=f"p{number:02}", themes=("housing",))
        response = client.get("/en/projects/?theme=housing")
        assert len(response.context["object_list"]) == 12
        assert response.context["paginator"].count == 15
        assert "?theme=housing&amp;page=2" in response.content.decode()
        assert len(client.get("/en/projects/?theme=housing&page=2").context["object_list"]) == 3

    def test_projects_are_sorted_latest_first_and_undated_last(self, client, catalogue):
        response = client.get("/en/projects/")
        assert [p.slug for p in response.context["object_list"]] == [
            "open-ended",
            "housing-riga",
            "housing-kaunas",
            "jobs-kaunas",
            "undated",
        ]


@pytest.fixture
def practices(db, theme_factory):
    organisation = Organisation.objects.create(slug="org", name_en="Org", name_lt="Org", name_bg="Org", kind="ngo")
    sdg11 = SustainableDevelopmentGoal.objects.create(number=11, name_en="Cities")
    sdg4 = SustainableDevelopmentGoal.objects.create(number=4, name_en="Education")
    refugees = TargetGroup.objects.create(slug="refugees", name_en="Refugees")

    def make(slug, country, level, themes, sdgs, groups=()):
        practice = GoodPractice.objects.create(
            slug=slug, title_en=slug, summary_en="Summary", organisation=organisation, country=country, level=level
        )
        practice.themes.set([theme_factory(t) for t in themes])
        practice.sdgs.set(sdgs)
        practice.target_groups.set(groups)
        return practice

    make("bg-housing", "BG", "local", ("housing",), [sdg11], [refugees])
    make("lt-school", "LT", "national", ("education",), [sdg4])
    make("bg-school", "BG", "national", ("education", "housing"), [sdg4, sdg11])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"bg-housing", "lt-school", "bg-school"}),
        ("theme=housing", {"bg-housing", "bg-school"}),
        ("country=BG", {"bg-housing", "bg-school"}),
        ("level=national", {"lt-school", "bg-school"}),
        ("target_group=refugees", {"bg-housing"}),
        ("sdg=11", {"bg-housing", "bg-school"}),
        ("sdg=4&country=BG", {"bg-school"}),
        ("theme=education&level=national&country=LT", {"lt-school"}),
    ],
)
def test_good_practice_filters(client, practices, query, expected):
    assert slugs(client, f"/en/good-practices/?{query}") == expected


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["sdg=99", "sdg=abc", "country=ZZ", "theme=unknown", "level=1"])
def test_good_practice_filters_refuse_bad_values_cleanly(client, practices, query):
    response = client.get(f"/en/good-practices/?{query}")
    assert response.status_code == HTTPStatus.OK
    assert response.context["filter"].form.errors
    assert list(response.context["object_list"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=video", {"early-integration-introductory-video", "early-integration-explanatory-video"}),
        ("language=lt", {"unhcr-effective-inclusion-of-refugees", "eu-communication-recommendations"}),
        ("project=spring", {"spring-good-practice-adaptation-toolkit"}),
        ("kind=toolkit&language=en", {"spring-good-practice-adaptation-toolkit"}),
        ("kind=guide&project=spring", set()),
    ],
)
def test_resource_filters(client, seeded, query, expected):
    assert slugs(client, f"/en/resources/?{query}") == expected


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["kind=podcast", "language=xx", "project=nope", "theme=nope"])
def test_resource_filters_refuse_bad_values_cleanly(client, seeded, query):
    response = client.get(f"/en/resources/?{query}")
    assert response.status_code == HTTPStatus.OK
    assert response.context["filter"].form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("municipalities", 5),
        ("staff", 2),
        ("sponsors", 0),
    ],
)
def test_resources_filter_by_audience(client, seeded, audience, expected):
    response = client.get(f"/en/resources/?audience={audience}")
    assert response.status_code == HTTPStatus.OK
    assert response.context["paginator"].count == expected
    assert client.get("/en/resources/?audience=aliens").context["filter"].form.errors
