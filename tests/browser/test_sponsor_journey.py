"""The whole sponsor journey in headless Chromium, with a caseworker inspecting the offer in the admin."""

import datetime
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from housing.models import HousingOffer, OfferPhoto
from projects.seeding import content_seed
from sponsorship.models import SponsorPerson
from tests.helpers import sign_in, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-passphrase-42"


def test_sponsor_offers_a_home_and_sees_it_become_available(
    page, chromium, live_server, caseworker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    content_seed()
    base = live_server.url
    photo = tmp_path / "room.jpg"
    Image.new("RGB", (640, 480), (180, 120, 90)).save(photo)

    # Sign up and verify the email address.
    sign_up(page, base, "host@example.org", PASSWORD)

    # Complete the profile with consent.
    page.goto(f"{base}/en/sponsor/")
    page.wait_for_url("**/en/sponsor/profile/")
    page.get_by_label("First name").fill("Rūta")
    page.get_by_label("Last name").fill("Rėmėja")
    page.get_by_label("Kind of sponsor").select_option("host_family")
    page.get_by_label("Municipality").select_option("kaunas-city")
    page.get_by_label("English").check()
    page.get_by_label("Motivation").fill("We have a spare room and time to help.")
    page.get_by_label("I agree to the processing of my data").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/en/sponsor/")
    assert page.get_by_text("Pending verification").first.is_visible()
    assert SponsorPerson.objects.get(user__email="host@example.org").full_name == "Rūta Rėmėja"

    # Create an offer in steps, add a photo, submit it.
    page.get_by_role("link", name="Offer housing", exact=True).last.click()
    expect(page.get_by_role("heading", name="Step 1 of 5: The home")).to_be_visible()
    page.get_by_label("Kind of housing").select_option("room")
    page.get_by_label("Municipality").select_option("kaunas-city")
    page.get_by_label("Street address").fill("Laisvės al. 1-2, Kaunas")
    page.get_by_label("Description").fill("A bright room near the bus station.")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Capacity (persons)").fill("2")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Cost").select_option("free")
    page.get_by_label("Available from").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Step 4 of 5: Photos")).to_be_visible()
    page.get_by_label("Photos (JPEG, PNG or WebP)").set_input_files(str(photo))
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Step 5 of 5: Review")).to_be_visible()
    assert page.locator(".photos img").count() == 1
    page.get_by_role("button", name="Submit for inspection").click()
    expect(page.locator("#offer-status")).to_have_text("Submitted")
    offer = HousingOffer.objects.get(sponsor__user__email="host@example.org")
    assert OfferPhoto.objects.filter(offer=offer).count() == 1

    # A caseworker inspects it in the admin.
    staff = chromium.new_context(locale="en-US")
    admin_page = staff.new_page()
    sign_in(admin_page, base, caseworker.email, "correct-horse-battery", caseworker.totp_secret)
    admin_page.goto(f"{base}/en/admin/housing/housingoffer/?status=submitted")
    admin_page.get_by_role("link", name=re.compile(rf"#{offer.pk}")).first.click()
    admin_page.get_by_role("link", name="Record an inspection").click()
    # The visit date is today's unless changed; each checklist item is satisfactory.
    for item in ("safety", "heating", "water_sanitation", "smoke_detector", "matches_description"):
        admin_page.locator(f"input[name={item}][value=ok]").check()
    admin_page.get_by_label("Pass", exact=True).check()
    admin_page.get_by_role("button", name="Save the inspection").click()
    admin_page.wait_for_url(f"{base}/en/admin/housing/housingoffer/{offer.pk}/change/")
    assert admin_page.get_by_text("The inspection is recorded.").is_visible()
    staff.close()

    # The sponsor sees the offer available, and a notification.
    page.reload()
    assert page.locator("#offer-status").inner_text() == "Available"
    page.goto(f"{base}/en/notifications/")
    assert page.get_by_text("Your housing offer is now available").is_visible()


@pytest.mark.parametrize("path", ["/lt/sponsor/", "/lt/sponsor/offers/new/", "/bg/sponsor/profile/", "/lt/projects/"])
def test_sponsor_pages_fit_a_phone_screen(page, live_server, sponsor_factory, path):
    content_seed()
    sponsor = sponsor_factory()
    page.context.add_cookies([_session_cookie(live_server, sponsor.user)])
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("heading", level=1).is_visible()


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
