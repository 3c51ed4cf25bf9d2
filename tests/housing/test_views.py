"""Housing offer pages: only the owner sees an offer, the form validates, photos, submission, the offer admin."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from django.utils.html import escape

from housing.models import HousingOffer, Inspection, OfferPhoto
from housing.photos import offer_photo_add
from housing.services import offer_step_of, offer_submit
from portal.models import Notification
from tests.helpers import jpeg_upload

TODAY = timezone.localdate
ADDRESS = "Laisvės al. 10-3"


def _offer_post(**overrides) -> dict:
    data = {
        "kind": "flat",
        "municipality": "kaunas-city",
        "street_address": "Naujoji g. 5",
        "capacity": "3",
        "bedrooms": "2",
        "floor": "",
        "cost": "reduced",
        "monthly_rent": "200",
        "monthly_utilities": "",
        "available_from": (TODAY() + datetime.timedelta(days=10)).isoformat(),
        "available_until": "",
        "minimum_stay_months": "",
        "description": "A bright flat near the school.",
    }
    data.update(overrides)
    return data


def _snapshot(offer: HousingOffer):
    offer = HousingOffer.objects.get(pk=offer.pk)
    return (
        model_to_dict(offer),
        offer.updated_at,
        list(offer.photos.values_list("pk", "image", "thumbnail")),
        list(offer.transitions.values_list("pk", flat=True)),
        HousingOffer.objects.count(),
        OfferPhoto.objects.count(),
    )


def _files(root) -> list:
    return sorted(str(path) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def sponsor_a(sponsor_factory):
    return sponsor_factory(email="a@example.org")


@pytest.fixture
def offer_a(sponsor_a, offer_factory, media_root):
    """Sponsor A's draft offer with one photo."""
    offer = offer_factory(sponsor_a, street_address=ADDRESS)
    offer_photo_add(offer=offer, upload=jpeg_upload(), by=sponsor_a.user)
    return offer


@pytest.fixture
def offer_a_available(available_offer, django_capture_on_commit_callbacks):
    """Sponsor A's inspected, available offer, as matching sees it."""
    with django_capture_on_commit_callbacks(execute=True):
        offer = available_offer(email="a@example.org", street_address=ADDRESS)
    assert offer.status == HousingOffer.Status.AVAILABLE
    return offer


# --- Only the owner -------------------------------------------------------------------------------

OWNER_ONLY = [
    ("get", "/en/sponsor/offers/{pk}/"),
    ("get", "/en/sponsor/offers/{pk}/edit/"),
    ("post", "/en/sponsor/offers/{pk}/edit/"),
    ("get", "/en/sponsor/offers/{pk}/edit/rooms/"),
    ("post", "/en/sponsor/offers/{pk}/edit/home/"),
    ("post", "/en/sponsor/offers/{pk}/edit/availability/"),
    ("post", "/en/sponsor/offers/{pk}/edit/photos/"),
    ("get", "/en/sponsor/offers/{pk}/edit/review/"),
    ("post", "/en/sponsor/offers/{pk}/photos/"),
    ("post", "/en/sponsor/offers/{pk}/photos/{photo}/delete/"),
    ("post", "/en/sponsor/offers/{pk}/photos/{photo}/move/"),
    ("post", "/en/sponsor/offers/{pk}/submit/"),
    ("post", "/en/sponsor/offers/{pk}/withdraw/"),
    ("post", "/en/sponsor/offers/{pk}/reconfirm/"),
    ("post", "/en/sponsor/offers/{pk}/reopen/"),
]


def _request(client, method: str, template: str, offer: HousingOffer):
    url = template.format(pk=offer.pk, photo=offer.photos.get().pk)
    if method == "get":
        return client.get(url)
    if url.endswith("/photos/"):
        return client.post(url, {"photo": jpeg_upload()})
    if url.endswith("/move/"):
        return client.post(url, {"direction": "up"})
    return client.post(url, _offer_post(street_address="Stolen g. 1"))


@pytest.fixture(params=["other sponsor", "caseworker"])
def intruder(request, sponsor_factory, caseworker):
    if request.param == "caseworker":
        return caseworker
    return sponsor_factory(email="b@example.org").user


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "template"), OWNER_ONLY)
def test_another_users_offer_is_a_404_and_stays_unchanged(client, offer_a, intruder, media_root, method, template):
    before, files = _snapshot(offer_a), _files(media_root)
    client.force_login(intruder)
    response = _request(client, method, template, offer_a)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert ADDRESS not in response.content.decode()
    assert _snapshot(offer_a) == before
    assert _files(media_root) == files


@pytest.mark.django_db
def test_another_offers_photo_cannot_be_deleted_through_ones_own_offer(
    client, offer_a, sponsor_factory, offer_factory, media_root
):
    sponsor_b = sponsor_factory(email="b@example.org")
    offer_b = offer_factory(sponsor_b)
    photo_a = offer_a.photos.get()
    before, files = _snapshot(offer_a), _files(media_root)
    client.force_login(sponsor_b.user)
    response = client.post(f"/en/sponsor/offers/{offer_b.pk}/photos/{photo_a.pk}/delete/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _snapshot(offer_a) == before
    assert _files(media_root) == files


@pytest.mark.django_db
def test_the_owner_sees_the_offer_with_its_address_and_photo(client, offer_a):
    client.force_login(offer_a.sponsor.user)
    response = client.get(f"/en/sponsor/offers/{offer_a.pk}/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert ADDRESS in content
    assert offer_a.photos.get().thumbnail.url in content


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "template"), OWNER_ONLY)
def test_offer_urls_send_anonymous_visitors_to_the_login_page(client, offer_a, media_root, method, template):
    before = _snapshot(offer_a)
    response = _request(client, method, template, offer_a)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert _snapshot(offer_a) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_new_offer_page_sends_anonymous_visitors_to_the_login_page(client, municipality, method):
    response = getattr(client, method)("/en/sponsor/offers/new/", _offer_post() if method == "post" else None)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert not HousingOffer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/en/projects/", "/en/municipalities/kaunas-city/", "/sitemap.xml"])
def test_the_street_address_never_appears_on_a_public_page(client, offer_a_available, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert ADDRESS not in response.content.decode()


@pytest.mark.django_db
def test_a_user_without_a_sponsor_profile_is_sent_to_the_profile_first(client, user_factory, municipality):
    client.force_login(user_factory(email="nobody@example.org"))
    response = client.post("/en/sponsor/offers/new/", _offer_post())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/sponsor/profile/"
    assert not HousingOffer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
def test_offer_pages_render_in_each_language(client, offer_a, lang):
    client.force_login(offer_a.sponsor.user)
    for url in [f"/{lang}/sponsor/offers/new/", f"/{lang}/sponsor/offers/{offer_a.pk}/"]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert f'<html lang="{lang}">' in response.content.decode(), url
    assert client.get(f"/{lang}/sponsor/offers/{offer_a.pk}/edit/").status_code == HTTPStatus.FOUND
    for step in ("home", "rooms", "availability", "photos", "review"):
        response = client.get(f"/{lang}/sponsor/offers/{offer_a.pk}/edit/{step}/")
        assert response.status_code == HTTPStatus.OK, step
        assert f'<html lang="{lang}">' in response.content.decode(), step


# --- The offer form -----------------------------------------------------------------------------------

INVALID = [
    pytest.param({"capacity": "0"}, "capacity", id="capacity-0"),
    pytest.param({"capacity": "21"}, "capacity", id="capacity-21"),
    pytest.param({"monthly_rent": "-5"}, "monthly_rent", id="negative-rent"),
    pytest.param(
        {
            "available_from": (TODAY() + datetime.timedelta(days=10)).isoformat(),
            "available_until": (TODAY() + datetime.timedelta(days=5)).isoformat(),
        },
        "available_until",
        id="until-before-from",
    ),
    pytest.param({"available_from": (TODAY() - datetime.timedelta(days=1)).isoformat()}, "available_from", id="past"),
    pytest.param({"municipality": "atlantis"}, "municipality", id="unknown-municipality"),
]


@pytest.fixture
def sponsor_client(client, sponsor_a):
    client.force_login(sponsor_a.user)
    return client


def _step_url(offer, field: str) -> str:
    return f"/en/sponsor/offers/{offer.pk}/edit/{offer_step_of(field).slug}/"


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field"), [case for case in INVALID if case.id == "unknown-municipality"])
def test_new_offer_with_invalid_data_shows_the_field_error_and_creates_nothing(sponsor_client, changes, field):
    response = sponsor_client.post("/en/sponsor/offers/new/", _offer_post(**changes))
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert 'class="error"' in response.content.decode()
    assert not HousingOffer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field"), INVALID)
def test_offer_edit_with_invalid_data_shows_the_field_error_and_changes_nothing(
    sponsor_client, sponsor_a, offer_factory, changes, field
):
    offer = offer_factory(sponsor_a)
    before = _snapshot(offer)
    response = sponsor_client.post(_step_url(offer, field), _offer_post(street_address="Changed g. 1", **changes))
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["form"].errors) == [field]
    assert _snapshot(offer) == before


@pytest.mark.django_db
def test_new_offer_is_saved_as_a_draft_and_can_be_edited(sponsor_client, sponsor_a):
    response = sponsor_client.post("/en/sponsor/offers/new/", _offer_post())
    offer = HousingOffer.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/sponsor/offers/{offer.pk}/"
    assert offer.sponsor == sponsor_a
    assert offer.status == HousingOffer.Status.DRAFT
    assert offer.description_language == "en"

    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/edit/rooms/", _offer_post(capacity="4"))
    assert response.status_code == HTTPStatus.FOUND
    offer.refresh_from_db()
    assert offer.capacity == 4


@pytest.mark.django_db
def test_html_in_the_description_is_stored_as_text_and_shown_escaped(sponsor_client):
    description = "<script>alert('x')</script> <b>bold</b>"
    sponsor_client.post("/en/sponsor/offers/new/", _offer_post(description=description))
    offer = HousingOffer.objects.get()
    assert offer.description == description
    content = sponsor_client.get(f"/en/sponsor/offers/{offer.pk}/").content.decode()
    assert "&lt;script&gt;alert(" in content
    assert "<script>alert" not in content
    assert "<b>bold</b>" not in content


def _form_errors(lang: str, client, changes: dict, url: str) -> dict:
    response = client.post(f"/{lang}{url}", _offer_post(**changes))
    assert response.status_code == HTTPStatus.OK
    with translation.override(lang):
        return {field: [str(error) for error in errors] for field, errors in response.context["form"].errors.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"), [case for case in INVALID if case.id not in {"until-before-from", "past"}]
)
def test_offer_form_errors_on_the_bulgarian_page_are_not_in_english(
    sponsor_client, sponsor_a, offer_factory, changes, field
):
    offer = offer_factory(sponsor_a)
    before = _snapshot(offer)
    url = _step_url(offer, field).removeprefix("/en")
    english = [str(error) for error in _form_errors("en", sponsor_client, changes, url)[field]]
    bulgarian = [str(error) for error in _form_errors("bg", sponsor_client, changes, url)[field]]
    assert bulgarian != english
    content = sponsor_client.post(f"/bg{url}", _offer_post(**changes)).content.decode()
    assert '<html lang="bg">' in content
    assert escape(bulgarian[0]) in content
    assert escape(english[0]) not in content
    assert _snapshot(offer) == before


@pytest.mark.django_db
def test_a_submitted_offer_cannot_be_edited(sponsor_client, sponsor_a, offer_factory):
    offer = offer_submit(offer=offer_factory(sponsor_a), by=sponsor_a.user)
    before = _snapshot(offer)
    for step in ("home", "rooms", "availability", "photos", "review"):
        response = sponsor_client.post(
            f"/en/sponsor/offers/{offer.pk}/edit/{step}/", _offer_post(street_address="New g. 2")
        )
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == f"/en/sponsor/offers/{offer.pk}/"
    assert _snapshot(offer) == before


# --- Photos and submission ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_photo_upload_of_a_non_image_gives_a_message_and_no_photo(sponsor_client, sponsor_a, offer_factory, media_root):
    offer = offer_factory(sponsor_a)
    fake = SimpleUploadedFile("holiday.jpg", b"this is not an image at all", content_type="image/jpeg")
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/", {"photo": fake}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "This file is not a photo we can read." in response.content.decode()
    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_photo_upload_without_a_file_asks_for_one(sponsor_client, sponsor_a, offer_factory):
    offer = offer_factory(sponsor_a)
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/", {}, follow=True)
    assert "Choose a photo to upload." in response.content.decode()
    assert not OfferPhoto.objects.exists()


@pytest.mark.django_db
def test_photo_upload_and_delete_by_the_owner(sponsor_client, sponsor_a, offer_factory, media_root):
    offer = offer_factory(sponsor_a)
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/", {"photo": jpeg_upload()})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/sponsor/offers/{offer.pk}/#photos"
    photo = offer.photos.get()
    assert len(_files(media_root)) == 2  # photo and thumbnail

    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/{photo.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not offer.photos.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_submitting_an_incomplete_draft_shows_the_missing_fields_and_keeps_it_a_draft(
    sponsor_client, sponsor_a, offer_factory
):
    offer = offer_factory(sponsor_a, street_address="", description="")
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/submit/", follow=True)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Complete these fields before submitting: street address, description." in content
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.DRAFT
    assert not offer.transitions.exists()


@pytest.mark.django_db
def test_submitting_a_complete_draft_and_withdrawing_it(sponsor_client, sponsor_a, offer_factory):
    offer = offer_factory(sponsor_a)
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/submit/")
    assert response.status_code == HTTPStatus.FOUND
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED
    sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/withdraw/", {"confirm": "yes"})
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.WITHDRAWN


# --- Destructive actions ask first ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_withdraw_button_leads_to_a_confirmation_page_that_asks_why(sponsor_client, sponsor_a, offer_factory):
    offer = offer_submit(offer=offer_factory(sponsor_a), by=sponsor_a.user)
    url = f"/en/sponsor/offers/{offer.pk}/withdraw/"
    page = sponsor_client.get(offer.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page  # no one-click form on the offer page

    response = sponsor_client.get(url)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Withdraw this offer?" in content
    assert 'name="reason"' in content and 'name="confirm"' in content
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED


@pytest.mark.django_db
def test_withdrawing_without_confirm_does_nothing(sponsor_client, sponsor_a, offer_factory):
    offer = offer_submit(offer=offer_factory(sponsor_a), by=sponsor_a.user)
    url = f"/en/sponsor/offers/{offer.pk}/withdraw/"
    response = sponsor_client.post(url, {"reason": "Changed my mind"})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == url
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED
    assert not offer.transitions.filter(to_status=HousingOffer.Status.WITHDRAWN).exists()


@pytest.mark.django_db
def test_withdrawing_with_a_reason_records_it_in_the_history(sponsor_client, sponsor_a, offer_factory):
    offer = offer_submit(offer=offer_factory(sponsor_a), by=sponsor_a.user)
    response = sponsor_client.post(
        f"/en/sponsor/offers/{offer.pk}/withdraw/", {"confirm": "yes", "reason": "  The flat was sold.  "}
    )
    assert response.status_code == HTTPStatus.FOUND
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.WITHDRAWN
    step = offer.transitions.get(to_status=HousingOffer.Status.WITHDRAWN)
    assert step.note == "The flat was sold." and step.by == sponsor_a.user
    assert "The flat was sold." in sponsor_client.get(offer.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_withdrawing_an_offer_that_cannot_be_withdrawn_is_refused_politely(sponsor_client, sponsor_a, offer_factory):
    offer = offer_factory(sponsor_a)
    sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/withdraw/", {"confirm": "yes"})
    response = sponsor_client.get(f"/en/sponsor/offers/{offer.pk}/withdraw/")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == offer.get_absolute_url()
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/withdraw/", {"confirm": "yes", "reason": "x"})
    assert offer.transitions.filter(to_status=HousingOffer.Status.WITHDRAWN).count() == 1


@pytest.mark.django_db
def test_removing_a_photo_asks_first(sponsor_client, sponsor_a, offer_factory, media_root):
    offer = offer_factory(sponsor_a)
    photo = offer_photo_add(offer=offer, upload=jpeg_upload(), by=sponsor_a.user)
    url = f"/en/sponsor/offers/{offer.pk}/photos/{photo.pk}/delete/"
    assert "Remove this photo?" in sponsor_client.get(url).content.decode()
    assert sponsor_client.post(url)["Location"] == url
    assert offer.photos.count() == 1
    sponsor_client.post(url, {"confirm": "yes"})
    assert offer.photos.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["submit", "reconfirm", "reopen", "photos"])
def test_offer_actions_refuse_get(sponsor_client, sponsor_a, offer_factory, action):
    offer = offer_factory(sponsor_a)
    response = sponsor_client.get(f"/en/sponsor/offers/{offer.pk}/{action}/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.DRAFT


# --- Admin ----------------------------------------------------------------------------------------------


@pytest.fixture
def admin_offers(sponsor_factory, offer_factory):
    """A submitted offer for 3 available today, and a draft for 6 available later."""
    sponsor = sponsor_factory(email="a@example.org", verified=True)
    now = offer_factory(sponsor, available_from=TODAY(), capacity=3, street_address="Pirmoji g. 1")
    now = offer_submit(offer=now, by=sponsor.user)
    later = offer_factory(
        sponsor, available_from=TODAY() + datetime.timedelta(days=30), capacity=6, street_address="Antroji g. 2"
    )
    return {"now": now, "later": later}


def _listed(client, query: str = "") -> set[int]:
    response = client.get(f"/en/admin/housing/housingoffer/{query}")
    assert response.status_code == HTTPStatus.OK, query
    return {offer.pk for offer in response.context["cl"].result_list}


@pytest.mark.django_db
def test_caseworker_lists_and_filters_offers_in_the_admin(client, caseworker, admin_offers):
    client.force_login(caseworker)
    now, later = admin_offers["now"].pk, admin_offers["later"].pk
    assert _listed(client) == {now, later}
    assert _listed(client, "?status=submitted") == {now}
    assert _listed(client, "?capacity=3-4") == {now}
    assert _listed(client, "?capacity=5-") == {later}
    assert _listed(client, "?availability=now") == {now}
    assert _listed(client, "?availability=later") == {later}
    assert _listed(client, "?status=submitted&capacity=5-") == set()


@pytest.mark.django_db
def test_caseworker_opens_an_offer_in_the_admin(client, caseworker, admin_offers):
    client.force_login(caseworker)
    offer = admin_offers["now"]
    response = client.get(f"/en/admin/housing/housingoffer/{offer.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Pirmoji g. 1" in content
    assert f"/en/admin/housing/housingoffer/{offer.pk}/inspect/" in content


@pytest.mark.django_db
def test_caseworker_records_a_passed_inspection_and_the_offer_becomes_available(
    client, caseworker, admin_offers, django_capture_on_commit_callbacks
):
    offer = admin_offers["now"]
    client.force_login(caseworker)
    url = f"/en/admin/housing/housingoffer/{offer.pk}/inspect/"
    assert client.get(url).status_code == HTTPStatus.OK
    data = {"visited_on": TODAY().isoformat(), "result": "pass", "notes": ""}
    data.update(dict.fromkeys(Inspection.CHECKLIST, "ok"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/admin/housing/housingoffer/{offer.pk}/change/"
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.AVAILABLE
    assert offer.confirmed_at is not None
    inspection = Inspection.objects.get(offer=offer)
    assert inspection.inspector == caseworker
    assert inspection.result == Inspection.Result.PASS
    assert Notification.objects.filter(user=offer.sponsor.user).count() == 1
    assert [message.to for message in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_an_inspection_with_an_unchecked_item_cannot_pass(client, caseworker, admin_offers):
    offer = admin_offers["now"]
    client.force_login(caseworker)
    data = {"visited_on": TODAY().isoformat(), "result": "pass", "notes": "", Inspection.CHECKLIST[0]: "failed"}
    data.update(dict.fromkeys(Inspection.CHECKLIST[1:], "ok"))
    response = client.post(f"/en/admin/housing/housingoffer/{offer.pk}/inspect/", data)
    assert response.status_code == HTTPStatus.OK
    assert "An inspection with unsatisfactory items cannot pass" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED
    assert not Inspection.objects.exists()


@pytest.mark.django_db
def test_a_sponsor_cannot_record_an_inspection(client, admin_offers):
    offer = admin_offers["now"]
    client.force_login(offer.sponsor.user)
    data = {"visited_on": TODAY().isoformat(), "result": "pass", **dict.fromkeys(Inspection.CHECKLIST, "ok")}
    response = client.post(f"/en/admin/housing/housingoffer/{offer.pk}/inspect/", data)
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED
    assert not Inspection.objects.exists()
