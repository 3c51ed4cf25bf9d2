"""A visitor on a phone searches from the header: "Ukrainos", "būstas" and "украйна" all find content."""

import pytest

from projects.models import Project
from projects.seeding import content_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_header_search_finds_words_in_any_language_case_and_ending_on_a_phone(page, live_server):
    content_seed()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/lt/")
    page.get_by_role("button", name="Meniu").click()  # the search form is in the folded menu on a phone
    box = page.get_by_role("search").get_by_role("searchbox")
    box.fill("Ukrainos")
    box.press("Enter")
    page.wait_for_url("**/lt/search/?q=Ukrainos")
    titles = page.locator("article.search-result h3 a").all_inner_texts()
    ukraine = Project.objects.filter(title_en__icontains="Ukraine").first()
    assert any(ukraine.title_lt in title for title in titles)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no horizontal scrolling

    for query, language in (("būstas", "lt"), ("украйна", "bg")):
        page.goto(f"{live_server.url}/{language}/search/?q={query}")
        assert page.locator("article.search-result").count() >= 1, query
