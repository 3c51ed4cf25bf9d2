"""Admins manage the catalogue in the Django admin, with one tab per language."""

from http import HTTPStatus

import pytest
from django.contrib import admin

from projects import models

CATALOGUE_MODELS = [model for model in admin.site._registry if model._meta.app_label == "projects"]


@pytest.fixture
def admin_client_seeded(client, seeded, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m.__name__)
def test_every_catalogue_model_has_working_admin_pages(admin_client_seeded, model):
    opts = model._meta
    base = f"/en/admin/{opts.app_label}/{opts.model_name}/"
    assert admin_client_seeded.get(base).status_code == HTTPStatus.OK
    assert admin_client_seeded.get(base + "?q=a").status_code == HTTPStatus.OK
    assert admin_client_seeded.get(base + "add/").status_code == HTTPStatus.OK
    obj = model.objects.first()
    if obj is not None:
        assert admin_client_seeded.get(f"{base}{obj.pk}/change/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_project_form_has_a_tab_per_language_and_links_to_the_public_page(admin_client_seeded):
    project = models.Project.objects.get(slug="rise")
    html = admin_client_seeded.get(f"/en/admin/projects/project/{project.pk}/change/").content.decode()
    for code in ("lt", "en", "bg"):
        assert f'name="title_{code}"' in html
        assert f'name="summary_{code}"' in html
    assert "modeltranslation/js/tabbed_translation_fields.js" in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html
    assert "/r/" in html  # Django's "View on site" link
    changelist = admin_client_seeded.get("/en/admin/projects/project/").content.decode()
    assert 'href="/en/projects/rise/"' in changelist


@pytest.mark.django_db
def test_slugs_are_prepopulated_from_the_english_title(admin_client_seeded):
    html = admin_client_seeded.get("/en/admin/projects/goodpractice/add/").content.decode()
    assert "data-prepopulated-fields" in html
    assert "&quot;dependency_ids&quot;: [&quot;#id_title_en&quot;]" in html


@pytest.mark.django_db
def test_an_admin_creates_a_project_in_three_languages(admin_client_seeded):
    response = admin_client_seeded.post(
        "/en/admin/projects/project/add/",
        {
            "acronym": "NEW",
            "slug": "new",
            "title_lt": "Naujas",
            "title_en": "New",
            "title_bg": "Нов",
            "summary_lt": "Santrauka",
            "summary_en": "Summary",
            "summary_bg": "Резюме",
            "level": "local",
            "start": "2025-01-01",
            "end": "2024-01-01",
            **{
                f"{prefix}-{key}": value
                for prefix in ("items", "partners", "contacts", "links")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    assert response.status_code == HTTPStatus.OK  # the end before the start is refused
    assert "The end cannot be before the start." in response.content.decode()
    assert not models.Project.objects.filter(slug="new").exists()
