"""The offer's readable admin page (photos, inspection history with its evidence, sponsor and checks) and
the inspection form with typed results, reasons, a re-inspection date and files."""

import datetime
from http import HTTPStatus
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from housing.models import HousingOffer, Inspection, InspectionFailure
from housing.photos import offer_photo_add
from housing.services import offer_inspect, offer_submit
from sponsorship.models import SponsorCheck
from sponsorship.services import sponsor_check_record

OK = dict.fromkeys(Inspection.CHECKLIST, "ok")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _today() -> datetime.date:
    return timezone.localdate()


def _jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def inspected(media_root, sponsor, offer, caseworker):
    """A submitted offer with a photo, a re-inspection asked for (with a photo and a document of the visit),
    and its sponsor's person with an expired and a valid check."""
    offer_photo_add(offer=offer, upload=SimpleUploadedFile("home.jpg", _jpeg(), "image/jpeg"), by=sponsor.user)
    offer_submit(offer=offer, by=sponsor.user)
    offer_inspect(
        offer=offer,
        inspector=caseworker,
        visited_on=_today(),
        checklist={**OK, "smoke_detector": "failed"},
        result=Inspection.Result.REINSPECT,
        reasons=[InspectionFailure.Reason.UNSAFE, InspectionFailure.Reason.OTHER],
        other_reason="Loose wiring",
        reinspect_on=_today() + datetime.timedelta(days=10),
        files=[SimpleUploadedFile("visit.jpg", _jpeg()), SimpleUploadedFile("report.pdf", PDF)],
    )
    person = sponsor.persons.get()
    for kind, expires in [(SponsorCheck.Kind.CRIMINAL_RECORD, -3), (SponsorCheck.Kind.IDENTITY, 300)]:
        sponsor_check_record(
            person=person,
            kind=kind,
            result=SponsorCheck.Result.PASSED,
            checked_on=_today() - datetime.timedelta(days=365),
            expires_on=_today() + datetime.timedelta(days=expires),
            by=caseworker,
            scan=SimpleUploadedFile("scan.pdf", PDF) if kind == SponsorCheck.Kind.CRIMINAL_RECORD else None,
        )
    return offer


@pytest.mark.django_db
def test_the_offer_page_shows_photos_inspection_history_sponsor_and_checks(client, inspected, caseworker):
    client.force_login(caseworker)
    response = client.get(f"/en/admin/housing/housingoffer/{inspected.pk}/change/")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    photo = inspected.photos.get()
    assert f'src="/files/{photo.thumbnail.name}"' in page
    inspection = inspected.inspections.get()
    assert "Inspection history" in page
    assert "Fixable: inspect again" in page
    assert "smoke detector" in page and "Unsafe" in page and "Other: Loose wiring" in page
    assert str(caseworker) in page
    evidence = list(inspection.files.order_by("pk"))
    assert f'src="/files/{evidence[0].thumbnail.name}"' in page
    assert f'href="/files/{evidence[1].file.name}"' in page
    assert "Sponsor and checks" in page
    assert "Certificate of no criminal record" in page and "Expired" in page and "Valid" in page
    scan = SponsorCheck.objects.get(kind=SponsorCheck.Kind.CRIMINAL_RECORD).scan
    assert f'href="/files/{scan.name}"' in page
    assert "/media/" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["lt", "bg"])
def test_the_offer_page_and_inspection_pages_render_in_each_language(client, inspected, caseworker, language):
    client.force_login(caseworker)
    inspection = inspected.inspections.get()
    for url in [
        f"/{language}/admin/housing/housingoffer/{inspected.pk}/change/",
        f"/{language}/admin/housing/housingoffer/{inspected.pk}/inspect/",
        f"/{language}/admin/housing/inspection/",
        f"/{language}/admin/housing/inspection/?reason=unsafe",
        f"/{language}/admin/housing/inspection/{inspection.pk}/change/",
        f"/{language}/admin/sponsorship/sponsorcheck/",
        f"/{language}/admin/sponsorship/sponsorcheck/add/",
        f"/{language}/admin/sponsorship/sponsorperson/{inspected.sponsor.persons.get().pk}/change/",
    ]:
        assert client.get(url).status_code == HTTPStatus.OK, url
    page = client.get(f"/{language}/admin/housing/housingoffer/{inspected.pk}/change/").content.decode()
    assert "Inspection history" not in page and "Sponsor and checks" not in page


@pytest.mark.django_db
def test_the_inspection_form_records_typed_reasons_a_date_and_files(client, media_root, sponsor, offer, caseworker):
    offer_submit(offer=offer, by=sponsor.user)
    client.force_login(caseworker)
    url = f"/en/admin/housing/housingoffer/{offer.pk}/inspect/"
    data = {
        "visited_on": _today().isoformat(),
        **OK,
        "heating": "failed",
        "result": "reinspect",
        "reasons": ["poor_condition", "overcrowded"],
        "other_reason": "",
        "reinspect_on": (_today() + datetime.timedelta(days=7)).isoformat(),
        "notes": "Boiler to be repaired.",
        "files": [SimpleUploadedFile("boiler.jpg", _jpeg(), "image/jpeg"), SimpleUploadedFile("a.pdf", PDF)],
    }

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    inspection = Inspection.objects.get(offer=offer)
    assert inspection.heating == "failed"
    assert sorted(inspection.failures.values_list("reason", flat=True)) == ["overcrowded", "poor_condition"]
    assert inspection.reinspect_on == _today() + datetime.timedelta(days=7)
    assert sorted(inspection.files.values_list("kind", flat=True)) == ["document", "photo"]
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"files": [SimpleUploadedFile("x.pdf", b"not a pdf at all")]}, "Only PDF documents and JPEG, PNG or WebP"),
        ({"safety": "failed"}, "An inspection with unsatisfactory items cannot pass: safe."),
        ({"result": "fail"}, "Give the reasons why the inspection did not pass"),
        ({"safety": "maybe"}, "Select a valid choice."),
    ],
)
def test_the_inspection_form_shows_refusals_on_the_page(
    client, media_root, sponsor, offer, caseworker, changes, message
):
    offer_submit(offer=offer, by=sponsor.user)
    client.force_login(caseworker)
    data = {"visited_on": _today().isoformat(), **OK, "result": "pass", "notes": "", **changes}

    response = client.post(f"/en/admin/housing/housingoffer/{offer.pk}/inspect/", data)

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Inspection.objects.exists()
    assert not any(media_root.rglob("*.pdf"))
