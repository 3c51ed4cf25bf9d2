"""A sponsor downloads their data and deletes the account in headless Chromium, on a desktop and a phone;
afterwards they cannot sign in and their certificate's public page says "revoked"."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Language
from sponsorship.services import sponsor_profile_save
from tests.helpers import sign_in
from training.models import Certificate, Enrolment, Module, Programme, Session
from training.services import attendance_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-passphrase-42"
EMAIL = "ruta.erasexq@example.org"
LAST_NAME = "Erasexqaitė"

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _certified_sponsor(user_factory, municipality, caseworker) -> Certificate:
    user = user_factory(email=EMAIL, password=PASSWORD, first_name="Rūta", last_name=LAST_NAME, language="en")
    sponsor_profile_save(
        user=user,
        data={"kind": "host_family", "municipality": municipality, "phone": "+370 611 22334", "motivation": "Help."},
        languages=[],
        consent=True,
        language_code="en",
    )
    language, _created = Language.objects.get_or_create(code="en", defaults={"name": "English"})
    programme = Programme.objects.create(slug="hosting-j", title="Hosting", description="Basics.", audience="sponsors")
    module = Module.objects.create(programme=programme, title="Basics", duration_minutes=60)
    now = timezone.now()
    session = Session.objects.create(
        programme=programme,
        starts_at=now - datetime.timedelta(hours=3),
        ends_at=now - datetime.timedelta(hours=1),
        place="Kaunas",
        language=language,
        capacity=5,
        registration_deadline=now - datetime.timedelta(days=1),
    )
    session.modules.add(module)
    enrolment = Enrolment.objects.create(session=session, user=user, status=Enrolment.Status.ENROLLED)
    attendance_record(enrolment=enrolment, attended=True, by=caseworker)
    return Certificate.objects.get(user=user)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_sponsor_downloads_data_deletes_the_account_and_the_certificate_is_revoked(
    page, live_server, user_factory, municipality, caseworker, tmp_path, device
):
    certificate = _certified_sponsor(user_factory, municipality, caseworker)
    base = live_server.url
    page.set_viewport_size(VIEWPORTS[device])
    page.goto(f"{base}/en/training/certificates/{certificate.code}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(LAST_NAME)

    sign_in(page, base, EMAIL, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{base}/en/sponsor/")

    # Download all my data.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all my data (JSON)").click()
    path = tmp_path / "my-data.json"
    download_info.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    assert [c["code"] for c in data["certificates"]] == [certificate.code]

    # Delete the account: refused without the confirmation, done with it.
    page.get_by_role("link", name="Delete my account").click()
    page.wait_for_url("**/en/sponsor/delete/")
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/sponsor/delete/")
    page.get_by_label("I understand that my account and personal data will be deleted").check()
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(lambda url: "/sponsor/delete/" not in url)
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()

    # Signed out, and the account cannot sign in again.
    page.goto(f"{base}/en/sponsor/")
    page.wait_for_url("**/accounts/login/**")
    sign_in(page, base, EMAIL, PASSWORD)
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    page.goto(f"{base}/en/sponsor/")
    page.wait_for_url("**/accounts/login/**")

    # The public certificate page says revoked, and names no one.
    response = page.goto(f"{base}/en/training/certificates/{certificate.code}/")
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate revoked")
    assert LAST_NAME not in page.content()
    page.goto(f"{base}/lt/training/certificates/{certificate.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pažymėjimas atšauktas")
