"""A visitor types a certificate's code into the public form and lands on the certificate, which prints on
one A4 page with its verification address and QR code."""

import re

import pytest

from training.models import Certificate, Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_type_a_code_and_print_the_certificate_on_one_a4_page(page, live_server, settings):
    settings.SITE_URL = live_server.url
    programme = Programme.objects.create(
        slug="sponsor-basics", title_en="Sponsor basics", description_en="What hosting involves.", audience="sponsors"
    )
    certificate = Certificate.objects.create(holder_name="Rūta Rėmėja", programme=programme)

    page.goto(f"{live_server.url}/en/training/certificates/")
    page.get_by_label("Verification code").fill(certificate.code.lower())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**/en/training/certificates/{certificate.code}/")
    assert page.get_by_role("heading", name="Rūta Rėmėja").is_visible()
    verify_url = f"{live_server.url}/en/training/certificates/{certificate.code}/"
    assert page.locator("#verify-url").inner_text() == verify_url
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
