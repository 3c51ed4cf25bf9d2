"""On a 390×844 phone: no public page scrolls sideways, the header folds into a menu that opens and
leads on, and the first project shows on the first screen (the filters fold behind a button)."""

import pytest

from projects.models import GoodPractice, NewsItem, Project
from projects.seeding import content_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(locale="lt-LT", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_public_pages_fit_a_phone_and_the_menu_folds(phone, live_server):
    content_seed()
    pages = [
        "/lt/",
        "/lt/projects/",
        Project.objects.first().get_absolute_url(),
        "/lt/good-practices/",
        GoodPractice.objects.first().get_absolute_url(),
        "/lt/municipalities/",
        "/lt/news/",
        NewsItem.objects.first().get_absolute_url(),
        "/lt/events/",
        "/lt/resources/",
        "/lt/training/",
        "/lt/accounts/login/",
        "/lt/accounts/signup/",
    ]
    for path in pages:
        phone.goto(live_server.url + path)
        sizes = phone.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,"
            " header: document.querySelector('.site-header').getBoundingClientRect().height})"
        )
        assert sizes["scroll"] <= sizes["inner"], (path, sizes)
        assert sizes["header"] <= 100, (path, sizes)

    # The first project starts on the first screen, under the folded filters, which still work.
    phone.goto(f"{live_server.url}/lt/projects/")
    assert phone.locator("article.item-card").first.bounding_box()["y"] < PHONE["height"]
    assert not phone.get_by_label("Tema", exact=True).is_visible()
    phone.locator("summary.filters-toggle").click()
    phone.get_by_label("Tema", exact=True).select_option(label="Savivaldybių paslaugos")
    phone.get_by_role("button", name="Taikyti filtrus").click()
    phone.wait_for_url("**/lt/projects/?*")
    assert "1 aktyvus filtras" in phone.locator("summary.filters-toggle").inner_text()

    # The menu is a disclosure button; it opens, says so, and its links lead on.
    menu = phone.get_by_role("button", name="Meniu")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not phone.get_by_role("link", name="Naujienos", exact=True).is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    phone.get_by_role("link", name="Naujienos", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/lt/news/")
    assert phone.locator(".site-nav a[aria-current=page]").all_inner_texts() == ["Naujienos"]
