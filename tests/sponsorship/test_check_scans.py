"""Checks of a sponsor's people with the scan of the document seen (e.g. the certificate of no criminal
record): recorded in the admin by the caseworker who verified them, checked like every upload, private
to caseworkers, shown as expired when their validity has ended, and erased with the sponsor."""

import datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from sponsorship.models import SponsorCheck
from sponsorship.services import SponsorError, sponsor_check_record, sponsor_erase

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
ADD = "/en/admin/sponsorship/sponsorcheck/add/"


def _today() -> datetime.date:
    return timezone.localdate()


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _jpeg() -> bytes:
    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretScanner"
    Image.new("RGB", (80, 60), "white").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def person(sponsor_factory):
    return sponsor_factory().persons.get()


def _post(client, person, scan=None, **data):
    fields = {
        "person": person.pk,
        "kind": "criminal_record",
        "result": "passed",
        "checked_on": _today().isoformat(),
        "expires_on": (_today() + datetime.timedelta(days=180)).isoformat(),
        "notes": "",
        **data,
    }
    if scan is not None:
        fields["scan_upload"] = scan
    return client.post(ADD, fields, follow=True)


@pytest.mark.django_db
def test_a_check_with_its_scan_is_recorded_by_the_current_caseworker(client, media_root, person, caseworker):
    client.force_login(caseworker)
    response = _post(client, person, SimpleUploadedFile("Certificate Jonas.pdf", PDF, "application/pdf"))

    assert response.status_code == HTTPStatus.OK
    check = SponsorCheck.objects.get()
    assert check.checked_by == caseworker
    assert check.scan.name.startswith(f"checks/{person.pk}/") and check.scan.name.endswith(".pdf")
    assert "Jonas" not in check.scan.name
    assert Path(check.scan.path).read_bytes() == PDF

    page = client.get(f"/en/admin/sponsorship/sponsorcheck/{check.pk}/change/").content.decode()
    assert f'href="/files/{check.scan.name}"' in page
    assert 'name="checked_by"' not in page  # shown, never typed in
    assert str(caseworker) in page


@pytest.mark.django_db
def test_a_photographed_scan_is_re_encoded_without_metadata(media_root, person, caseworker):
    check = sponsor_check_record(
        person=person,
        kind=SponsorCheck.Kind.IDENTITY,
        result=SponsorCheck.Result.PASSED,
        checked_on=_today(),
        by=caseworker,
        scan=SimpleUploadedFile("id.jpg", _jpeg(), "image/jpeg"),
    )

    assert check.scan.name.endswith(".jpg")
    with Image.open(check.scan.path) as stored:
        assert not stored.getexif()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x00\x01junk", "scan.pdf", "Only PDF documents and JPEG, PNG or WebP photos are accepted."),
        (b"PK\x03\x04 a word document", "scan.docx", "Only PDF documents and JPEG, PNG or WebP photos are accepted."),
        (b"\x89PNG\r\n\x1a\n broken", "scan.png", "This file is not a photo we can read"),
    ],
)
def test_a_bad_scan_is_refused_in_the_admin_without_a_server_error_and_nothing_is_saved(
    client, media_root, person, caseworker, data, name, message
):
    client.force_login(caseworker)
    response = _post(client, person, SimpleUploadedFile(name, data))

    assert response.status_code == HTTPStatus.OK
    assert any(message in str(m) for m in response.context["messages"])
    assert not SponsorCheck.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_an_oversized_scan_is_refused(media_root, person, caseworker, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(SponsorError, match="The file is too large"):
        sponsor_check_record(
            person=person,
            kind=SponsorCheck.Kind.CRIMINAL_RECORD,
            result=SponsorCheck.Result.PASSED,
            checked_on=_today(),
            by=caseworker,
            scan=SimpleUploadedFile("scan.pdf", PDF),
        )
    assert not SponsorCheck.objects.exists()
    assert _files(media_root) == []


@pytest.fixture
def scanned(media_root, person, caseworker):
    return sponsor_check_record(
        person=person,
        kind=SponsorCheck.Kind.CRIMINAL_RECORD,
        result=SponsorCheck.Result.PASSED,
        checked_on=_today(),
        by=caseworker,
        scan=SimpleUploadedFile("scan.pdf", PDF),
    )


@pytest.mark.django_db
def test_a_scan_is_served_only_to_caseworkers(client, scanned, person, caseworker, other_caseworker, user_factory):
    url = f"/files/{scanned.scan.name}"
    for user in (caseworker, other_caseworker):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "application/pdf"
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}

    for user in (None, person.sponsor.user, user_factory(), user_factory(is_staff=True)):
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_expired_checks_are_shown_as_expired(client, person, caseworker):
    for kind, expires in [("identity", -1), ("references", 30)]:
        sponsor_check_record(
            person=person,
            kind=kind,
            result=SponsorCheck.Result.PASSED,
            checked_on=_today() - datetime.timedelta(days=400),
            expires_on=_today() + datetime.timedelta(days=expires),
            by=caseworker,
        )
    client.force_login(caseworker)

    page = client.get("/en/admin/sponsorship/sponsorcheck/").content.decode()
    assert "Expired (since" in page and "Valid (until" in page
    listed = client.get("/en/admin/sponsorship/sponsorcheck/?validity=expired").context["cl"].result_list
    assert [check.kind for check in listed] == ["identity"]


@pytest.mark.django_db
def test_sponsor_erasure_deletes_the_scans_from_storage(
    media_root, scanned, person, django_capture_on_commit_callbacks
):
    assert len(_files(media_root)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        sponsor_erase(user=person.sponsor.user)

    assert not SponsorCheck.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_a_scan_added_later_replaces_the_old_file(
    client, media_root, scanned, caseworker, django_capture_on_commit_callbacks
):
    old = scanned.scan.name
    client.force_login(caseworker)
    url = f"/en/admin/sponsorship/sponsorcheck/{scanned.pk}/change/"
    data = {
        "person": scanned.person_id,
        "kind": scanned.kind,
        "result": scanned.result,
        "checked_on": scanned.checked_on.isoformat(),
        "expires_on": "",
        "notes": "",
        "scan_upload": SimpleUploadedFile("new.jpg", _jpeg(), "image/jpeg"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    scanned.refresh_from_db()
    assert scanned.scan.name != old and scanned.scan.name.endswith(".jpg")
    assert scanned.checked_by == caseworker
    assert [path.name for path in _files(media_root)] == [Path(scanned.scan.name).name]


@pytest.mark.django_db
def test_the_scan_of_a_long_expired_check_is_deleted_by_the_retention_schedule(
    media_root, scanned, settings, django_capture_on_commit_callbacks
):
    from portal.retention import retention_apply, retention_report

    def due():
        return next(item for item in retention_report() if item.key == "check_scans")

    expired = _today() - datetime.timedelta(days=settings.RETENTION_CHECK_SCAN_DAYS)
    SponsorCheck.objects.filter(pk=scanned.pk).update(expires_on=expired)
    assert due().count == 0  # expired, but not long enough ago

    SponsorCheck.objects.filter(pk=scanned.pk).update(expires_on=expired - datetime.timedelta(days=1))
    assert (due().count, due().references) == (1, [f"CHK-{scanned.pk}"])
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_apply()["check_scans"] == 1

    scanned.refresh_from_db()
    assert not scanned.scan and scanned.result == SponsorCheck.Result.PASSED  # the check stays
    assert _files(media_root) == []
    assert due().count == 0


@pytest.mark.django_db
def test_deleting_a_check_or_its_person_deletes_the_scan(
    client, media_root, scanned, person, caseworker, superuser, django_capture_on_commit_callbacks
):
    client.force_login(superuser)  # caseworkers do not delete checks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/admin/sponsorship/sponsorcheck/{scanned.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert _files(media_root) == []

    again = sponsor_check_record(
        person=person,
        kind=SponsorCheck.Kind.IDENTITY,
        result=SponsorCheck.Result.PASSED,
        checked_on=_today(),
        by=caseworker,
        scan=SimpleUploadedFile("id.pdf", PDF),
    )
    assert len(_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        again.person.delete()
    assert _files(media_root) == []
