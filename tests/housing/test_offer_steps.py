"""The offer form in steps (the home, rooms and access, availability and rent, photos, review), the
photos several at a time and in order, and the required markers and error summary of every form."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from housing.forms import HousingOfferForm
from housing.models import HousingOffer, OfferPhoto
from housing.photos import offer_photo_add, offer_photo_move
from housing.services import EDITABLE_FIELDS, OFFER_STEPS, REQUIRED_TO_SUBMIT, OfferError
from tests.helpers import jpeg_upload

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
STEP_DATA = {
    "home": {"kind": "flat", "municipality": "kaunas-city", "street_address": "Naujoji g. 5", "description": "Nice."},
    "rooms": {"capacity": "3", "bedrooms": "2", "floor": "4", "step_free": "on", "lift": "on"},
    "availability": {"cost": "reduced", "monthly_rent": "150", "available_from": LATER, "minimum_stay_months": "6"},
}


@pytest.fixture
def sponsor_client(client, sponsor):
    client.force_login(sponsor.user)
    return client


def _step(offer, slug: str) -> str:
    return f"/en/sponsor/offers/{offer.pk}/edit/{slug}/"


def test_each_editable_field_is_asked_on_exactly_one_step():
    asked = [name for step in OFFER_STEPS for name in step.fields]
    assert len(asked) == len(set(asked))
    assert set(asked) <= {field.name for field in HousingOffer._meta.get_fields()}
    # Everything a submitted offer needs is asked somewhere, and the form asks exactly these.
    assert set(REQUIRED_TO_SUBMIT) <= set(EDITABLE_FIELDS) == set(asked) - {"host_languages"}
    assert list(HousingOfferForm().fields) == asked


def test_stepping_through_the_form_saves_each_steps_fields(sponsor_client, municipality):
    response = sponsor_client.post("/en/sponsor/offers/new/", {**STEP_DATA["home"], "go": "next"})
    offer = HousingOffer.objects.get()
    assert response["Location"] == _step(offer, "rooms")
    assert (offer.kind, offer.street_address, offer.capacity) == ("flat", "Naujoji g. 5", None)

    response = sponsor_client.post(_step(offer, "rooms"), {**STEP_DATA["rooms"], "go": "next"})
    assert response["Location"] == _step(offer, "availability")
    offer.refresh_from_db()
    assert (offer.capacity, offer.bedrooms, offer.floor, offer.step_free, offer.lift) == (3, 2, 4, True, True)
    assert offer.kind == "flat"  # the other steps' fields are kept

    response = sponsor_client.post(_step(offer, "availability"), {**STEP_DATA["availability"], "go": "next"})
    assert response["Location"] == _step(offer, "photos")
    offer.refresh_from_db()
    assert (offer.cost, offer.monthly_rent, offer.minimum_stay_months) == ("reduced", 150, 6)
    assert offer.capacity == 3

    response = sponsor_client.post(_step(offer, "photos"), {"go": "next"})
    assert response["Location"] == _step(offer, "review")
    response = sponsor_client.post(_step(offer, "availability"), {**STEP_DATA["availability"], "go": "back"})
    assert response["Location"] == _step(offer, "rooms")

    content = sponsor_client.get(_step(offer, "review")).content.decode()
    assert "Step 5 of 5: Review" in content
    assert "Naujoji g. 5" in content
    assert "missing before you can submit" not in content
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/submit/")
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED


@pytest.mark.parametrize("slug", ["home", "rooms", "availability", "photos", "review"])
def test_save_draft_at_each_step_keeps_an_incomplete_draft(sponsor_client, sponsor, offer_factory, slug):
    offer = offer_factory(sponsor, street_address="", capacity=None, bedrooms=None)
    page = sponsor_client.get(_step(offer, slug)).content.decode()
    assert re.search(r"Step \d of 5", page)
    assert 'value="save"' in page
    data = {"home": {"kind": "room", "municipality": "kaunas-city"}, "rooms": {"capacity": "2"}}.get(slug, {})
    response = sponsor_client.post(_step(offer, slug), {**data, "go": "save"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/en/sponsor/offers/{offer.pk}/"
    assert "The offer is saved as a draft." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.DRAFT
    if slug == "rooms":
        assert offer.capacity == 2


def test_new_offer_saved_as_a_draft_from_the_first_step(sponsor_client, municipality):
    response = sponsor_client.post("/en/sponsor/offers/new/", {"kind": "room", "go": "save"})
    offer = HousingOffer.objects.get()
    assert response["Location"] == f"/en/sponsor/offers/{offer.pk}/"
    assert offer.kind == "room"


def test_submitting_with_missing_fields_lists_them_per_step_with_links(sponsor_client, sponsor, offer_factory):
    offer = offer_factory(sponsor, street_address="", capacity=None, cost="market", monthly_rent=None)
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/submit/", follow=True)
    assert response.redirect_chain[-1][0] == _step(offer, "review")
    content = response.content.decode()
    assert "3 things are missing before you can submit:" in content
    assert f'href="{_step(offer, "home")}#id_street_address"' in content
    assert f'href="{_step(offer, "rooms")}#id_capacity"' in content
    assert f'href="{_step(offer, "availability")}#id_monthly_rent"' in content
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.DRAFT
    # The linked field is on its step's page, with that id.
    assert 'id="id_capacity"' in sponsor_client.get(_step(offer, "rooms")).content.decode()


def test_an_unknown_step_is_a_404(sponsor_client, offer):
    assert sponsor_client.get(_step(offer, "garden")).status_code == HTTPStatus.NOT_FOUND


def test_several_photos_at_once_keep_the_good_ones_and_list_the_bad(sponsor_client, offer):
    junk = SimpleUploadedFile("junk.jpg", b"not a photo at all", content_type="image/jpeg")
    files = [jpeg_upload("a.jpg"), jpeg_upload("b.jpg"), junk, jpeg_upload("c.jpg")]
    response = sponsor_client.post(_step(offer, "photos"), {"photo": files, "go": "next"}, follow=True)
    # A refused file keeps the sponsor on the photos step, with the reason.
    assert response.redirect_chain[-1][0] == _step(offer, "photos")
    content = response.content.decode()
    assert "3 photos are added." in content
    assert "“junk.jpg” is not added: This file is not a photo we can read." in content
    assert offer.photos.count() == 3
    assert list(offer.photos.values_list("position", flat=True)) == [1, 2, 3]


def test_photos_beyond_the_limit_are_refused_one_by_one(sponsor_client, sponsor, offer):
    for number in range(settings.OFFER_PHOTO_MAX_COUNT - 1):
        offer_photo_add(offer=offer, upload=jpeg_upload(f"{number}.jpg"), by=sponsor.user)
    files = [jpeg_upload("last.jpg"), jpeg_upload("extra.jpg")]
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/", {"photo": files}, follow=True)
    content = response.content.decode()
    assert "The photo is added." in content
    assert "“extra.jpg” is not added: An offer can have at most 10 photos." in content
    assert offer.photos.count() == settings.OFFER_PHOTO_MAX_COUNT


def test_moving_a_photo_changes_the_order_and_the_cover(sponsor_client, sponsor, offer):
    first, second, third = (offer_photo_add(offer=offer, upload=jpeg_upload(), by=sponsor.user) for _ in range(3))
    response = sponsor_client.post(
        f"/en/sponsor/offers/{offer.pk}/photos/{third.pk}/move/", {"direction": "up", "back": "step"}
    )
    assert response["Location"] == _step(offer, "photos")
    assert list(offer.photos.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/{first.pk}/move/", {"direction": "down"})
    assert response["Location"] == f"/en/sponsor/offers/{offer.pk}/#photos"
    assert list(offer.photos.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    # The first is the cover; the top one cannot go higher.
    sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/{third.pk}/move/", {"direction": "up"})
    assert list(offer.photos.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    content = sponsor_client.get(_step(offer, "photos")).content.decode()
    assert content.index(third.thumbnail.url) < content.index("Cover photo") < content.index(first.thumbnail.url)


def test_a_move_without_a_direction_changes_nothing(sponsor_client, sponsor, offer):
    first, second = (offer_photo_add(offer=offer, upload=jpeg_upload(), by=sponsor.user) for _ in range(2))
    for junk in ({"direction": "sideways"}, {}):
        response = sponsor_client.post(f"/en/sponsor/offers/{offer.pk}/photos/{first.pk}/move/", junk)
        assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(offer.photos.values_list("pk", flat=True)) == [first.pk, second.pk]


def test_moving_a_photo_removed_meanwhile_is_refused_in_words(sponsor, offer):
    photo = offer_photo_add(offer=offer, upload=jpeg_upload(), by=sponsor.user)
    OfferPhoto.objects.filter(pk=photo.pk).delete()  # another tab removed it after the page was read
    with pytest.raises(OfferError, match="no longer part of the offer"):
        offer_photo_move(photo=photo, up=True, by=sponsor.user)


def test_the_photo_input_takes_several_images(sponsor_client, offer):
    content = sponsor_client.get(_step(offer, "photos")).content.decode()
    assert re.search(r'<input type="file" name="photo"[^>]*multiple', content)
    assert 'accept="image/jpeg,image/png,image/webp"' in content


def test_required_markers_and_the_choose_placeholder(sponsor_client, offer):
    content = sponsor_client.get(_step(offer, "home")).content.decode()
    label = re.search(r'<label for="id_street_address">.*?</label>', content, re.S).group(0)
    assert '<span class="visually-hidden">(required)</span>' in label
    assert re.search(r'<input[^>]*name="street_address"[^>]*aria-required="true"', content)
    assert "---------" not in content
    assert '<option value="">Choose…</option>' in content


def test_required_fields_of_other_forms_are_marked_and_required(client, user_factory):
    client.force_login(user_factory(email="new@example.org"))
    content = client.get("/en/sponsor/profile/").content.decode()
    assert "(required)" in content
    assert re.search(r"<select[^>]*required", content)
    assert "---------" not in content
    assert "Choose…" in content


def test_the_error_summary_counts_the_problems_and_links_to_the_fields(sponsor_client, offer):
    data = {"capacity": "0", "bedrooms": "99"}
    content = sponsor_client.post(_step(offer, "rooms"), data).content.decode()
    summary = re.search(r'<div class="message message-error error-summary".*?</div>', content, re.S).group(0)
    assert 'role="alert"' in summary
    assert "There are 2 problems:" in summary
    assert '<a href="#id_capacity">Capacity (persons): ' in summary
    assert '<a href="#id_bedrooms">Bedrooms: ' in summary
    assert 'id="id_capacity"' in content


@pytest.mark.parametrize("lang", ["lt", "bg"])
def test_the_steps_and_summary_are_translated(sponsor_client, offer, lang):
    content = sponsor_client.post(f"/{lang}/sponsor/offers/{offer.pk}/edit/rooms/", {"capacity": "0"}).content
    content = content.decode()
    for english in ("Rooms and access", "There is 1 problem", "Step 2 of 5", "Save draft", "Choose…", "(required)"):
        assert english not in content
