"""Every page of the foundation renders in lt, en and bg, with no UI string left in English."""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import get_language_info

from tests.conftest import BASE_DIR

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
]
SIGNED_IN_PAGES = [
    "/{lang}/",
    "/{lang}/accounts/email/",
    "/{lang}/accounts/password/change/",
    "/{lang}/accounts/logout/",
]
# Words that are the same in every language: names, acronyms, language autonyms, punctuation.
_AUTONYMS = {get_language_info(code)["name_local"].capitalize() for code, _name in settings.LANGUAGES}
SAME_IN_EVERY_LANGUAGE = {"RISE", "AMIF", "For-In", "SPRING", "LT", "EN", "BG", "·", "–", "—", "-", ":", "*"}
SAME_IN_EVERY_LANGUAGE |= _AUTONYMS | {f"– {name}" for name in _AUTONYMS}


class _VisibleText(HTMLParser):
    """Collects what a person sees or hears: text nodes and the text-bearing attributes."""

    SKIP = {"script", "style"}
    ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        attrs = dict(attrs)
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name].strip())
        if tag == "meta" and attrs.get("name") == "description":
            self.texts.append(attrs.get("content", "").strip())
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.texts.append(attrs["value"].strip())

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    # Only texts with words: punctuation between links and numbers read the same in any language.
    return {text for text in parser.texts if any(c.isalpha() for c in text) and "@" not in text}


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
