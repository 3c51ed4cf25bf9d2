"""Evidence of inspections: a typed result per checklist item and typed failure reasons, photos and
documents (checked, private, served only to caseworkers), and a re-inspection date that puts the offer
back among the offers to inspect when it comes."""

import datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import formats, timezone, translation
from PIL import Image

from housing.evidence import inspection_evidence_add
from housing.models import HousingOffer, Inspection, InspectionFailure, InspectionFile
from housing.selectors import offers_to_inspect
from housing.services import OfferError, offer_inspect, offer_save, offer_submit
from portal.notifications import notification_render
from portal.uploads import UploadError

Status = HousingOffer.Status
Reason = InspectionFailure.Reason
OK = dict.fromkeys(Inspection.CHECKLIST, Inspection.ItemResult.OK)
GPS_IFD = 0x8825
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _jpeg(size=(64, 48), *, gps: bool = False) -> bytes:
    buffer = BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "SecretPhoneMaker"
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (54.0, 53.0, 0.0), 3: "E", 4: (23.0, 54.0, 0.0)})
    Image.new("RGB", size, "teal").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _upload(data: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def submitted(sponsor, offer):
    return offer_submit(offer=offer, by=sponsor.user)


def _inspect(offer, inspector, **overrides) -> Inspection:
    data = {
        "offer": offer,
        "inspector": inspector,
        "visited_on": _today(),
        "checklist": OK,
        "result": Inspection.Result.PASS,
    }
    data.update(overrides)
    return offer_inspect(**data)


# --- The typed checklist and failure reasons -----------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_inspection_stores_typed_results_and_reasons_that_can_be_counted(submitted, caseworker):
    inspection = _inspect(
        submitted,
        caseworker,
        checklist={**OK, "heating": "failed"},
        result=Inspection.Result.FAIL,
        reasons=[Reason.OVERCROWDED, Reason.NO_LANDLORD_CONSENT, Reason.OTHER],
        other_reason="Mould in the bathroom",
    )

    inspection.refresh_from_db()
    assert inspection.heating == Inspection.ItemResult.FAILED
    assert inspection.safety == Inspection.ItemResult.OK
    assert sorted(inspection.failures.values_list("reason", flat=True)) == [
        "no_landlord_consent",
        "other",
        "overcrowded",
    ]
    assert inspection.other_reason == "Mould in the bathroom"
    counts = dict(InspectionFailure.objects.values_list("reason").annotate(n=Count("pk")))
    assert counts == {"overcrowded": 1, "no_landlord_consent": 1, "other": 1}
    submitted.refresh_from_db()
    assert submitted.status == Status.DRAFT
    step = submitted.transitions.last()
    assert "heating works" in step.note and "Overcrowded" in step.note and "Mould in the bathroom" in step.note


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"checklist": {**OK, "safety": "failed"}}, "An inspection with unsatisfactory items cannot pass: safe."),
        ({"reasons": [Reason.UNSAFE]}, "An inspection that passes has no failure reasons."),
        ({"result": Inspection.Result.FAIL}, "Give the reasons why the inspection did not pass"),
        ({"result": Inspection.Result.FAIL, "reasons": [Reason.OTHER]}, "Say what the other reason is."),
        ({"result": Inspection.Result.FAIL, "reasons": ["bad-reason"]}, "Choose the failure reasons from the list."),
        ({"checklist": {**OK, "heating": ""}}, "Give a result for every item of the checklist: heating works."),
        (
            {"result": Inspection.Result.REINSPECT, "reasons": [Reason.POOR_CONDITION]},
            "Give the date of the re-inspection.",
        ),
        (
            {"result": Inspection.Result.REINSPECT, "reasons": [Reason.POOR_CONDITION], "reinspect_on": _today()},
            "The re-inspection must be after the visit.",
        ),
        ({"reinspect_on": _today() + _days(7)}, "Only an inspection to repeat has a re-inspection date"),
    ],
)
def test_an_inconsistent_inspection_is_refused_and_nothing_is_saved(submitted, caseworker, overrides, message):
    with pytest.raises(OfferError, match=message.replace("(", r"\(").replace(".", r"\.")):
        _inspect(submitted, caseworker, **overrides)

    assert not Inspection.objects.exists()
    assert not InspectionFailure.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("lt", "Rezultatas negali būti „Tinka“, kol yra reikalavimų neatitinkančių punktų: vanduo ir sanitarija."),
        ("bg", "Резултатът не може да бъде „Подходящо“, докато има незадоволителни точки:"),
    ],
)
def test_the_refusal_of_a_pass_with_failed_items_is_translated(submitted, caseworker, language, expected):
    with translation.override(language), pytest.raises(OfferError) as refused:
        _inspect(submitted, caseworker, checklist={**OK, "water_sanitation": "failed"})

    assert expected in refused.value.messages[0]


# --- Re-inspection: back among the offers to inspect when due --------------------------------------------


@pytest.mark.django_db
def test_a_reinspection_puts_the_offer_back_in_the_queue_when_due_and_not_before(
    sponsor, submitted, caseworker, django_capture_on_commit_callbacks
):
    assert list(offers_to_inspect(caseworker)) == [submitted]  # waiting for its first visit

    with django_capture_on_commit_callbacks(execute=True):
        inspection = _inspect(
            submitted,
            caseworker,
            checklist={**OK, "smoke_detector": "failed"},
            result=Inspection.Result.REINSPECT,
            reasons=[Reason.UNSAFE],
            reinspect_on=_today() + _days(14),
        )

    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED  # kept, to be visited again
    assert inspection.reinspect_on == _today() + _days(14)
    assert list(offers_to_inspect(caseworker)) == []
    assert list(offers_to_inspect(caseworker, today=_today() + _days(13))) == []
    due = list(offers_to_inspect(caseworker, today=_today() + _days(14)))
    assert due == [submitted]
    assert due[0].reinspect_on == _today() + _days(14)
    assert list(offers_to_inspect(caseworker, today=_today() + _days(30))) == [submitted]
    notification = notification_render(sponsor.user.notifications.get())
    assert notification.title == "Your housing offer needs repairs before a new visit"
    assert "smoke detector" in notification.body
    assert formats.date_format(_today() + _days(14), "SHORT_DATE_FORMAT") in notification.body

    # Visited again and passed: it leaves the queue for good.
    _inspect(submitted, caseworker)
    assert list(offers_to_inspect(caseworker, today=_today() + _days(30))) == []


@pytest.mark.django_db
def test_a_failed_offer_leaves_the_queue_until_the_sponsor_submits_it_again(sponsor, submitted, caseworker):
    _inspect(submitted, caseworker, result=Inspection.Result.FAIL, reasons=[Reason.POOR_CONDITION])
    assert list(offers_to_inspect(caseworker)) == []

    offer = offer_save(
        sponsor=sponsor,
        offer=submitted,
        data={"description": "Repaired."},
        host_languages=[],
        language_code="en",
        by=sponsor.user,
    )
    offer_submit(offer=offer, by=sponsor.user)
    assert list(offers_to_inspect(caseworker)) == [submitted]


@pytest.mark.django_db
def test_offers_to_inspect_is_for_caseworkers_only(sponsor, submitted, user_factory, caseworker_of, other_organisation):
    assert list(offers_to_inspect(sponsor.user)) == []
    assert list(offers_to_inspect(user_factory())) == []
    # Offers are shared by every organisation: each one's caseworkers see the same queue.
    assert list(offers_to_inspect(caseworker_of(other_organisation))) == [submitted]


# --- Uploads: accepted, refused, nothing half-saved ----------------------------------------------------------


@pytest.mark.django_db
def test_photos_and_pdfs_are_accepted_photos_re_encoded_without_metadata(media_root, submitted, caseworker):
    photo = _upload(_jpeg((1200, 900), gps=True), "IMG_home.jpg", "image/jpeg")
    document = _upload(PDF, "landlord-consent.pdf", "application/pdf")

    inspection = _inspect(submitted, caseworker, files=[photo, document])

    evidence = list(inspection.files.order_by("pk"))
    assert [item.kind for item in evidence] == ["photo", "document"]
    assert evidence[0].file.name.startswith(f"inspections/{inspection.pk}/")
    assert evidence[0].file.name.endswith(".jpg") and evidence[0].thumbnail.name.endswith("-thumb.jpg")
    assert "IMG_home" not in evidence[0].file.name
    with Image.open(evidence[0].file.path) as stored:
        assert not stored.getexif()
        assert stored.getexif().get_ifd(GPS_IFD) == {}
    assert evidence[1].file.name.endswith(".pdf")
    assert Path(evidence[1].file.path).read_bytes() == PDF
    assert evidence[0].uploaded_by == caseworker
    assert len(_files(media_root)) == 3


def _big_png() -> bytes:
    buffer = BytesIO()
    Image.new("L", (4000, 3001)).save(buffer, format="PNG")  # 12 004 000 pixels
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 junk that is no document", "virus.pdf", "Only PDF documents and JPEG, PNG or WebP photos"),
        (b"<html><script>alert(1)</script></html>", "page.jpg", "Only PDF documents and JPEG, PNG or WebP photos"),
        (b"GIF89a" + b"\x00" * 40, "anim.gif", "Only PDF documents and JPEG, PNG or WebP photos"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "photo.jpg", "This file is not a photo we can read"),
        (b"%PDF-1.4\n truncated", "cut.pdf", "This PDF is incomplete or damaged"),
        (b"", "empty.pdf", "The file is empty."),
        ("big", "huge.png", "The photo has too many pixels: at most 12 megapixels."),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_saved(
    media_root, submitted, caseworker, data, name, message
):
    data = _big_png() if data == "big" else data
    good = _upload(PDF, "good.pdf")

    with pytest.raises(UploadError) as refused:
        _inspect(submitted, caseworker, files=[good, _upload(data, name)])

    assert message in refused.value.messages[0]
    assert name in refused.value.messages[0]
    assert not Inspection.objects.exists()
    assert not InspectionFile.objects.exists()
    assert _files(media_root) == []
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_it_is_read(media_root, submitted, caseworker, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1

    with pytest.raises(UploadError, match="The file is too large: at most"):
        _inspect(submitted, caseworker, files=[_upload(PDF, "consent.pdf")])

    assert not Inspection.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_too_many_files_at_once_are_refused(media_root, submitted, caseworker, settings):
    uploads = [_upload(PDF, f"{n}.pdf") for n in range(settings.EVIDENCE_MAX_COUNT + 1)]

    with pytest.raises(UploadError, match="At most 5 files"):
        _inspect(submitted, caseworker, files=uploads)

    assert _files(media_root) == []


@pytest.mark.django_db
def test_evidence_can_be_added_later_by_a_caseworker_only(media_root, submitted, caseworker, sponsor):
    inspection = _inspect(submitted, caseworker)

    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        inspection_evidence_add(inspection=inspection, uploads=[_upload(PDF, "a.pdf")], by=sponsor.user)
    added = inspection_evidence_add(inspection=inspection, uploads=[_upload(PDF, "a.pdf")], by=caseworker)

    assert [item.kind for item in added] == ["document"]
    assert inspection.files.count() == 1


# --- Private files: served only to caseworkers, through the checking view -------------------------------------


@pytest.fixture
def evidence(media_root, submitted, caseworker):
    inspection = _inspect(
        submitted,
        caseworker,
        files=[_upload(_jpeg(), "photo.jpg", "image/jpeg"), _upload(PDF, "consent.pdf", "application/pdf")],
    )
    return list(inspection.files.order_by("pk"))


@pytest.mark.django_db
def test_inspection_files_are_served_to_caseworkers_with_private_headers(client, evidence, caseworker):
    photo, document = evidence
    client.force_login(caseworker)

    for name, content_type in [
        (photo.file.name, "image/jpeg"),
        (photo.thumbnail.name, "image/jpeg"),
        (document.file.name, "application/pdf"),
    ]:
        response = client.get(f"/files/{name}")
        assert response.status_code == HTTPStatus.OK, name
        assert response["Content-Type"] == content_type
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/files/{document.file.name}")["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_inspection_files_are_hidden_from_everyone_else(client, evidence, sponsor, user_factory):
    photo, document = evidence
    staff_without_role = user_factory(is_staff=True)
    readers = {"anonymous": None, "sponsor": sponsor.user, "signed-in": user_factory(), "staff": staff_without_role}
    for who, user in readers.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name in (photo.file.name, photo.thumbnail.name, document.file.name):
            assert client.get(f"/files/{name}").status_code == HTTPStatus.NOT_FOUND, (who, name)


# --- Erasure ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sponsor_erasure_removes_the_inspection_files_from_storage(
    media_root, evidence, sponsor, django_capture_on_commit_callbacks
):
    from sponsorship.services import sponsor_erase

    assert len(_files(media_root)) == 3
    inspection = evidence[0].inspection
    Inspection.objects.filter(pk=inspection.pk).update(other_reason="Neighbour Jonas said so")

    with django_capture_on_commit_callbacks(execute=True):
        sponsor_erase(user=sponsor.user)

    assert _files(media_root) == []
    assert not InspectionFile.objects.exists()
    inspection.refresh_from_db()
    assert inspection.other_reason == ""
    assert inspection.result == Inspection.Result.PASS  # the typed result stays for the statistics
