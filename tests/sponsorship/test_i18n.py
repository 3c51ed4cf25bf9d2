"""The sponsor's pages are fully translated into Lithuanian and Bulgarian."""

from http import HTTPStatus

import pytest

from tests.i18n import SAME_IN_EVERY_LANGUAGE, visible_texts


def _untranslated(client, path: str, lang: str, allowed: set[str]) -> set[str]:
    pages = {}
    for code in ("en", lang):
        response = client.get(f"/{code}{path}")
        assert response.status_code == HTTPStatus.OK, f"/{code}{path}"
        pages[code] = visible_texts(response.content.decode())
    return (pages["en"] & pages[lang]) - SAME_IN_EVERY_LANGUAGE - allowed


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
def test_profile_form_is_translated(client, user_factory, lang):
    client.force_login(user_factory())
    assert _untranslated(client, "/sponsor/profile/", lang, set()) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
@pytest.mark.parametrize(
    "path",
    [
        "/sponsor/",
        "/sponsor/profile/",
        "/sponsor/offers/new/",
        "/sponsor/offers/{pk}/",
        "/sponsor/offers/{pk}/edit/home/",
        "/sponsor/offers/{pk}/edit/rooms/",
        "/sponsor/offers/{pk}/edit/availability/",
        "/sponsor/offers/{pk}/edit/photos/",
        "/sponsor/offers/{pk}/edit/review/",
        "/notifications/",
        "/sponsor/delete/",
        "/sponsor/group/",
    ],
)
def test_sponsor_pages_are_translated(client, sponsor_factory, offer_factory, path, lang):
    sponsor = sponsor_factory(kind="community_group")
    offer = offer_factory(sponsor)
    client.force_login(sponsor.user)
    # What the sponsor typed stays as written, in every language.
    typed = {
        sponsor.organisation_name,
        offer.street_address,
        offer.description,
        "Sam Sponsor",
        "We can help.",
        "+370 600 00000",
        "Kaunas Neighbours",
        "200.00",
        "200.00 EUR",
        "3",
        "2",
    }
    assert _untranslated(client, path.format(pk=offer.pk), lang, typed) == set()
