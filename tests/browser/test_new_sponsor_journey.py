"""A new sponsor on a phone and on a desktop: signs up, gives a name, completes the profile, fills the
offer in steps with three photos and submits it; the sponsor page lists exactly what blocks matching,
and says "can be matched" once a caseworker has recorded the checks, the training and the inspection;
withdrawing asks to confirm first."""

import datetime
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from housing.models import HousingOffer, Inspection
from housing.services import offer_inspect
from projects.seeding import content_seed
from sponsorship.models import SponsorCheck, SponsorProfile
from sponsorship.selectors import sponsor_matching_blockers
from sponsorship.services import sponsor_check_record, sponsor_verify
from tests.helpers import sign_up
from training.models import Module, ModuleCompletion, Programme
from training.services import certificate_issue_if_complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-passphrase-42"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_new_sponsor_is_told_what_blocks_matching_until_nothing_does(
    chromium, live_server, caseworker, tmp_path, settings, viewport
):
    settings.MEDIA_ROOT = tmp_path / "media"
    content_seed()
    programme = Programme.objects.create(
        slug="hosting-basics",
        title_en="Hosting basics",
        description_en="Before hosting.",
        audience=Programme.Audience.SPONSORS,
        required_for_matching=True,
    )
    module = Module.objects.create(programme=programme, position=1, title_en="Hosting", duration_minutes=60)
    photos = []
    for number, colour in enumerate([(200, 60, 60), (60, 200, 60), (60, 60, 200)], start=1):
        photos.append(tmp_path / f"room-{number}.jpg")
        Image.new("RGB", (640, 480), colour).save(photos[-1])
    context = chromium.new_context(locale="en-US", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    try:
        # Sign up, confirm the address, sign in.
        sign_up(page, base, "new.host@example.org", PASSWORD)

        # The profile, with a name.
        page.goto(f"{base}/en/sponsor/")
        page.wait_for_url("**/en/sponsor/profile/")
        _no_horizontal_scroll(page)
        page.get_by_label("First name").fill("Aistė")
        page.get_by_label("Last name").fill("Namų")
        page.get_by_label("Kind of sponsor").select_option("host_family")
        page.get_by_label("Municipality").select_option("kaunas-city")
        page.get_by_label("English").check()
        page.get_by_label("Motivation").fill("Our children moved out; two rooms are free.")
        page.get_by_label("I agree to the processing of my data").check()
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/en/sponsor/")
        sponsor = SponsorProfile.objects.get(user__email="new.host@example.org")
        assert str(sponsor.user) == "Aistė Namų"

        # The offer in steps, three photos at once.
        page.get_by_role("link", name="Offer housing", exact=True).last.click()
        expect(page.get_by_role("heading", name="Step 1 of 5: The home")).to_be_visible()
        page.get_by_label("Kind of housing").select_option("flat")
        page.get_by_label("Municipality").select_option("kaunas-city")
        page.get_by_label("Street address").fill("Vytauto pr. 3-4, Kaunas")
        page.get_by_label("Description").fill("Two quiet rooms near the park.")
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("heading", name="Step 2 of 5: Rooms and access")).to_be_visible()
        page.get_by_label("Capacity (persons)").fill("3")
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("heading", name="Step 3 of 5: Availability and rent")).to_be_visible()
        page.get_by_label("Cost").select_option("free")
        page.get_by_label("Available from").fill((timezone.localdate() + datetime.timedelta(days=5)).isoformat())
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("heading", name="Step 4 of 5: Photos")).to_be_visible()
        page.get_by_label("Photos (JPEG, PNG or WebP)").set_input_files([str(path) for path in photos])
        page.get_by_role("button", name="Upload the photos").click()
        expect(page.get_by_text("3 photos are added.")).to_be_visible()
        _no_horizontal_scroll(page)
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("heading", name="Step 5 of 5: Review")).to_be_visible()
        page.get_by_role("button", name="Submit for inspection").click()
        expect(page.locator("#offer-status")).to_have_text("Submitted")
        offer = HousingOffer.objects.get(sponsor=sponsor)
        assert offer.photos.count() == 3

        # The sponsor page lists exactly what blocks matching: the rule's own list, nothing more.
        page.goto(f"{base}/en/sponsor/")
        shown = page.locator("#sponsor-path .path-blockers li").all_inner_texts()
        expected = sponsor_matching_blockers(sponsor=sponsor)
        assert expected and sorted(shown) == sorted(expected)
        assert "Required training not completed: Hosting basics." in shown
        expect(page.locator("#sponsor-path .path-ready")).to_have_count(0)  # not "can be matched" yet
        _no_horizontal_scroll(page)

        # A caseworker verifies the sponsor, records the checks, the training and the inspection.
        sponsor_verify(sponsor=sponsor, by=caseworker)
        for person in sponsor.persons.all():
            for kind in SponsorCheck.Kind:
                sponsor_check_record(
                    person=person,
                    kind=kind,
                    result=SponsorCheck.Result.PASSED,
                    checked_on=timezone.localdate(),
                    expires_on=timezone.localdate() + datetime.timedelta(days=365),
                    by=caseworker,
                )
        ModuleCompletion.objects.create(user=sponsor.user, module=module)
        certificate_issue_if_complete(user=sponsor.user, programme=programme)
        offer_inspect(
            offer=offer,
            inspector=caseworker,
            visited_on=timezone.localdate(),
            checklist=dict.fromkeys(Inspection.CHECKLIST, True),
            result=Inspection.Result.PASS,
        )
        offer.refresh_from_db()
        assert offer.status == HousingOffer.Status.AVAILABLE

        page.reload()
        expect(page.locator("#sponsor-path .path-ready")).to_contain_text("can be matched")
        assert page.locator("#sponsor-path .path-blockers li").count() == 0

        # Withdrawing asks first; going back keeps the offer.
        page.goto(f"{base}{offer.get_absolute_url()}")
        page.get_by_role("link", name="Withdraw…").click()
        expect(page.get_by_role("heading", name="Withdraw this offer?")).to_be_visible()
        _no_horizontal_scroll(page)
        page.get_by_role("link", name=re.compile("go back", re.I)).click()
        offer.refresh_from_db()
        assert offer.status == HousingOffer.Status.AVAILABLE
    finally:
        context.close()
