"""Every page of the foundation renders in lt, en and bg, with no UI string left in English."""

from http import HTTPStatus

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.helpers import BASE_DIR
from tests.i18n import SAME_IN_EVERY_LANGUAGE, visible_texts

ANONYMOUS_PAGES = [
    "/{lang}/",
    "/{lang}/accounts/login/",
    "/{lang}/accounts/signup/",
    "/{lang}/accounts/password/reset/",
    "/{lang}/accounts/password/reset/done/",
    "/{lang}/accounts/confirm-email/",
    "/{lang}/no-such-page/",
    "/{lang}/training/",
    "/{lang}/meetings/",
    "/{lang}/search/",
    "/{lang}/search/?q=integration",
]
SIGNED_IN_PAGES = [
    "/{lang}/",
    "/{lang}/accounts/email/",
    "/{lang}/accounts/password/change/",
    "/{lang}/accounts/logout/",
]


def _get(client, url: str):
    response = client.get(url)
    expected = HTTPStatus.NOT_FOUND if "no-such-page" in url else HTTPStatus.OK
    assert response.status_code == expected, url
    return response


def _untranslated(client, pattern: str, lang: str) -> set[str]:
    english = visible_texts(_get(client, pattern.format(lang="en")).content.decode())
    other = visible_texts(_get(client, pattern.format(lang=lang)).content.decode())
    return (english & other) - SAME_IN_EVERY_LANGUAGE


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
@pytest.mark.parametrize("pattern", ANONYMOUS_PAGES)
def test_public_pages_render_in_each_language(client, pattern, lang):
    response = _get(client, pattern.format(lang=lang))
    content = response.content.decode()
    assert f'<html lang="{lang}">' in content
    assert "Community sponsorship portal" not in content or lang == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
@pytest.mark.parametrize("pattern", ANONYMOUS_PAGES)
def test_public_pages_have_no_untranslated_ui_strings(client, pattern, lang):
    assert _untranslated(client, pattern, lang) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
@pytest.mark.parametrize("pattern", SIGNED_IN_PAGES)
def test_signed_in_pages_have_no_untranslated_ui_strings(client, user_factory, pattern, lang):
    client.force_login(user_factory())
    assert _untranslated(client, pattern, lang) == set()


@pytest.mark.parametrize("lang", ["lt", "bg"])
def test_catalogues_are_complete(lang):
    with (BASE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po)
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


@pytest.mark.django_db
def test_root_opens_in_lithuanian_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/lt/"


@pytest.mark.django_db
def test_language_switcher_keeps_the_current_page(client):
    response = client.post("/en/i18n/setlang/", {"language": "bg", "next": "/en/accounts/login/?next=/en/"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/bg/accounts/login/?next=/en/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bg"
    # The choice is remembered for the next visit to the root.
    assert client.get("/")["Location"] == "/bg/"


@pytest.mark.django_db
def test_language_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.post("/en/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == HTTPStatus.FOUND
    assert not response["Location"].startswith("https://evil.example")
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
def test_home_offers_one_entry_point_per_audience(client, lang):
    content = client.get(f"/{lang}/").content.decode()
    assert f'href="/{lang}/accounts/signup/"' in content
    assert f'href="/{lang}/projects/"' in content
    assert f'href="/{lang}/accounts/login/"' in content
    assert "AMIF" in content  # the EU funding acknowledgement
    assert 'class="skip-link" href="#main"' in content
    assert "<main" in content and "<header" in content and "<footer" in content and "<nav" in content
