"""On a phone (390×844), a sponsor fills the offer in steps, adds three photos at once (previewed before
the upload), puts the last first, and submits it."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from housing.models import HousingOffer
from projects.seeding import content_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_a_sponsor_fills_the_offer_in_steps_with_three_photos_on_a_phone(
    page, live_server, sponsor_factory, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    content_seed()
    sponsor = sponsor_factory()
    files = []
    for number, colour in enumerate([(200, 60, 60), (60, 200, 60), (60, 60, 200)], start=1):
        files.append(tmp_path / f"room-{number}.jpg")
        Image.new("RGB", (320, 240), colour).save(files[-1])
    page.context.add_cookies([_session_cookie(live_server, sponsor.user)])
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url

    page.goto(f"{base}/en/sponsor/offers/new/")
    expect(page.get_by_role("heading", name="Step 1 of 5: The home")).to_be_visible()
    # Nothing filled in and "Next": the step is saved as a draft all the same.
    page.get_by_label("Kind of housing").select_option("flat")
    page.get_by_label("Municipality").select_option("kaunas-city")
    page.get_by_label("Street address").fill("Savanorių pr. 5-1, Kaunas")
    page.get_by_label("Description").fill("A quiet flat with a garden.")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 2 of 5: Rooms and access")).to_be_visible()
    page.get_by_label("Capacity (persons)").fill("0")
    page.get_by_role("button", name="Next").click()
    # The error summary lists the problem, links to the field and has the focus.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("Capacity")).click()
    expect(page).to_have_url(re.compile(r"#id_capacity$"))
    page.get_by_label("Capacity (persons)").fill("3")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 3 of 5: Availability and rent")).to_be_visible()
    page.get_by_label("Cost").select_option("free")
    page.get_by_label("Available from").fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 4 of 5: Photos")).to_be_visible()
    page.get_by_label("Photos (JPEG, PNG or WebP)").set_input_files([str(path) for path in files])
    expect(page.locator(".photo-previews img")).to_have_count(3)
    page.get_by_role("button", name="Upload the photos").click()
    expect(page.get_by_text("3 photos are added.")).to_be_visible()
    offer = HousingOffer.objects.get(sponsor=sponsor)
    last = list(offer.photos.values_list("pk", flat=True))[-1]
    page.get_by_role("button", name="Move up (Photo 3)").click()
    page.get_by_role("button", name="Move up (Photo 2)").click()
    assert list(offer.photos.values_list("pk", flat=True))[0] == last
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Step 5 of 5: Review")).to_be_visible()
    assert page.locator(".photos img").count() == 3
    page.get_by_role("button", name="Submit for inspection").click()
    expect(page.locator("#offer-status")).to_have_text("Submitted")
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED
    assert (offer.capacity, offer.step_free, offer.cost) == (3, True, "free")
