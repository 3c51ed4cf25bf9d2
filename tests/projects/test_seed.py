"""The seed documents' facts are on the portal, in Lithuanian, English and Bulgarian."""

import json
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from modeltranslation.translator import translator

from projects.models import (
    ContactPerson,
    Event,
    GoodPractice,
    Municipality,
    NewsItem,
    Project,
    Resource,
)
from projects.seeding import content_seed

LANGUAGES = ["lt", "en", "bg"]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.content.decode()


def _snapshot() -> dict:
    snapshot = {}
    for model in translator.get_registered_models():
        if model._meta.abstract:
            continue
        rows = [model_to_dict(obj) for obj in model.objects.order_by("pk")]
        snapshot[model._meta.label] = repr(rows)
    return snapshot


@pytest.mark.django_db
def test_seeding_twice_changes_nothing(capsys):
    call_command("seed_content")
    first = _snapshot()
    counts = {label: rows.count("{") for label, rows in first.items()}
    call_command("seed_content")
    call_command("seed_content", "--update")
    assert _snapshot() == first
    assert "0 created, 0 updated" in capsys.readouterr().out.splitlines()[-1]
    assert counts["projects.Project"] == 5


@pytest.mark.django_db
def test_seeding_keeps_admin_edits_unless_asked_to_update(seeded):
    Project.objects.filter(slug="rise").update(title_en="Edited in the admin")
    content_seed()
    assert Project.objects.get(slug="rise").title_en == "Edited in the admin"
    report = content_seed(update=True)
    assert Project.objects.get(slug="rise").title_en == "Reinforcing integration through sponsorship enhancement"
    assert report.updated["project"] == 1


@pytest.mark.django_db
def test_every_seeded_text_exists_in_all_three_languages(seeded):
    missing = []
    for model in translator.get_registered_models():
        if model._meta.abstract:
            continue
        fields = translator.get_options_for_model(model).fields
        for obj in model.objects.all():
            for field in fields:
                values = {code: getattr(obj, f"{field}_{code}") for code in LANGUAGES}
                if any(values.values()) and not all(values.values()):
                    missing.append(f"{model.__name__}:{obj.pk}.{field} {values}")
    assert missing == []


@pytest.mark.django_db
def test_the_seed_holds_every_record_the_sources_describe(seeded):
    assert set(Project.objects.values_list("slug", flat=True)) == {
        "rise",
        "for-in",
        "amif-ukraine-reception",
        "spring",
        "municipal-competences",
    }
    assert GoodPractice.objects.filter(slug="together-for-integration").exists()
    assert NewsItem.objects.filter(slug="meetings-with-foreign-experts-2022").exists()
    assert Event.objects.filter(slug="foreign-expert-visits-2022").exists()
    assert Resource.objects.count() == 5
    assert Municipality.objects.filter(country="LT").count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_rise_facts_in_every_language(client, seeded, lang):
    rise = Project.objects.get(slug="rise")
    assert (rise.start.isoformat(), rise.end.isoformat()) == ("2024-04-01", "2026-04-01")
    assert rise.funding_programme.slug == "amif"
    assert [country.code for country in rise.countries] == ["BE", "IT", "LT"]
    html = page(client, f"/{lang}/projects/rise/")
    assert getattr(rise, f"title_{lang}") in html
    assert "24" in getattr(rise, f"period_note_{lang}")
    # Information updated on 2024-05-30, in the language's format (never ISO in visible text).
    assert {"lt": "2024 m. gegužės 30 d.", "en": "30 May 2024", "bg": "30.05.2024 г."}[lang] in html
    assert "2024-05-30" not in html
    partners = list(rise.partners.filter(role="partner").select_related("organisation"))
    assert [p.organisation.slug for p in partners] == [
        "iom-lithuania",
        "refugee-reception-centre",
        "iom-belgium",
        "iom-italy",
        "roma-tre-university",
        "odisee",
    ]
    for partner in partners:
        assert getattr(partner.organisation, f"name_{lang}") in html
    assert rise.partners.filter(role="associated", organisation__name_en__icontains="Fedasil").exists()
    assert rise.items.filter(kind="objective").count() == 6
    assert rise.items.filter(kind="activity").count() == 11


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_amif_ukraine_project_shows_its_grant_reference(client, seeded, lang):
    html = page(client, f"/{lang}/projects/amif-ukraine-reception/")
    assert "HOME/2022/AMIF/AG/EMAS/TF1/LT/0013" in html
    assert "https://www.unhcr.org/effective-inclusion-of-refugees.html" in html
    project = Project.objects.get(slug="amif-ukraine-reception")
    assert project.items.filter(kind="objective").count() == 4
    assert project.partners.get(role="coordinator").organisation.slug == "ministry-of-social-security-and-labour"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_for_in_contacts_are_published_exactly(client, seeded, lang):
    html = page(client, f"/{lang}/projects/for-in/")
    for fact in [
        "Vida Gintautaitė",
        "+370 685 27738",
        "vida@norden.lt",
        "Lina Kisevičienė",
        "lina@diversitygroup.lt",
        "Daina Mežecka",
        "daina@norden.lv",
        "alda.sebre@sif.gov.lv",
        "ieva.raubisko@providus.lv",
        "Madis Kanarbik",
        "+372 7423 625, +372 50 46570",
        "madis.kanarbik@norden.ee",
        "Karolis Zibas",
        "+46 704 375594",
        "zibas@unhcr.org",
    ]:
        assert fact in html, fact
    assert ContactPerson.objects.filter(project__slug="for-in").count() == 10
    assert Project.objects.get(slug="for-in").funding_programme.slug == "nordic-council-of-ministers"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_good_practice_of_the_bulgarian_red_cross(client, seeded, lang):
    practice = GoodPractice.objects.get(slug="together-for-integration")
    html = page(client, f"/{lang}/good-practices/together-for-integration/")
    assert getattr(practice.organisation, f"name_{lang}") in html
    assert getattr(practice, f"duration_{lang}") == {"lt": "3 metai", "en": "3 years", "bg": "3 години"}[lang]
    assert getattr(practice, f"duration_{lang}") in html
    assert "https://redcross.bg" in html
    assert practice.sdgs.get().number == 11
    assert set(practice.themes.values_list("slug", flat=True)) == {"housing", "leisure-and-network"}
    assert len(getattr(practice, f"main_activities_{lang}").splitlines()) == 6
    assert practice.level == "local"
    assert practice.organisation.name_bg == "Български Червен кръст"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_news_of_the_foreign_expert_meetings(client, seeded, lang):
    news_item = NewsItem.objects.get(slug="meetings-with-foreign-experts-2022")
    assert news_item.published_on.isoformat() == "2022-06-22"
    assert news_item.municipalities.count() == 6
    html = page(client, f"/{lang}/news/{news_item.slug}/")
    assert "2022-06-22" in html
    assert "rating-summary" not in html  # no ratings yet: no "Rating: 0 (0 ratings)"
    for name in ("Daniel de Torres Barderi", "Adam Bulandra", "Lina Vosyliūtė", "Žibas"):
        assert name in html
    event = Event.objects.get(slug="foreign-expert-visits-2022")
    assert event.participants == 84
    event_html = page(client, f"/{lang}/events/{event.slug}/")
    assert ">84<" in event_html
    project = Project.objects.get(slug="municipal-competences")
    assert (project.start.year, project.end.year) == (2020, 2022)
    assert set(project.municipalities.values_list("slug", flat=True)) == {
        "vilnius-city",
        "kaunas-city",
        "klaipeda-city",
        "siauliai-city",
        "jonava-district",
        "akmene-district",
    }


@pytest.mark.django_db
def test_resources_keep_their_addresses(seeded):
    urls = set(Resource.objects.values_list("url", flat=True))
    assert "https://integrationpractices.eu/wp-content/uploads/2023/01/Good_Practice_Adaptation_toolkit.pdf" in urls
    assert "https://www.youtube.com/watch?v=9v63pgf8YQM" in urls
    assert "https://2021.esinvesticijos.lt/igyvendinimas-1/viesinimas" in urls


@pytest.mark.django_db
def test_a_broken_seed_file_is_refused_whole(tmp_path, seeded):
    (tmp_path / "content").mkdir()
    (tmp_path / "taxonomy.json").write_text(
        '{"themes": [{"slug": "new-theme", "name": {"lt": "a", "en": "b", "bg": "c"}}]}'
    )
    project = {
        "slug": "x",
        "level": "local",
        "title": {"lt": "X", "en": "X", "bg": "X"},
        "summary": {"lt": "S", "en": "S", "bg": "S"},
        "themes": ["no-such-theme"],
    }
    (tmp_path / "content" / "000.json").write_text(json.dumps({"projects": [project]}))
    from projects.seeding import SeedError

    with pytest.raises(SeedError, match="unknown theme 'no-such-theme'"):
        content_seed(directory=tmp_path)
    from projects.models import Theme

    assert not Theme.objects.filter(slug="new-theme").exists()  # nothing half-saved
    assert not Project.objects.filter(slug="x").exists()
