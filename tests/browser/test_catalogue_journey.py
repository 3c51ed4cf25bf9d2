"""A municipality officer filters projects in English, opens one, and reads it in Lithuanian."""

import pytest

from projects.models import Project
from projects.seeding import content_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_filter_by_theme_and_municipality_open_a_project_and_switch_to_lithuanian(page, live_server):
    content_seed()
    page.goto(f"{live_server.url}/en/projects/")
    page.get_by_label("Theme", exact=True).select_option(label="Municipal services")
    page.get_by_label("Municipality", exact=True).select_option(label="Jonava District Municipality")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/en/projects/?*")
    assert "theme=municipal-services" in page.url and "municipality=jonava-district" in page.url
    results = page.locator("article.item-card h3 a")
    assert results.count() == 1

    results.first.click()
    page.wait_for_url(f"{live_server.url}/en/projects/municipal-competences/")
    project = Project.objects.get(slug="municipal-competences")
    assert page.get_by_role("heading", level=1).inner_text() == project.title_en

    page.locator(".language-switcher button[value=lt]").click()
    page.wait_for_url(f"{live_server.url}/lt/projects/municipal-competences/")
    assert page.locator("html").get_attribute("lang") == "lt"
    assert page.get_by_role("heading", level=1).inner_text() == project.title_lt
    assert page.get_by_role("heading", level=2, name="Partneriai").is_visible()
