"""Offer photos: only real JPEG/PNG/WebP images, size- and count-limited, re-encoded without metadata."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from housing.models import HousingOffer, OfferPhoto
from housing.photos import THUMBNAIL_SIDE, offer_photo_add, offer_photo_delete
from housing.services import OfferError, offer_submit

Status = HousingOffer.Status

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112
GPS = {1: "N", 2: (54.0, 53.0, 0.0), 3: "E", 4: (23.0, 54.0, 0.0)}
UNREADABLE = "This file is not a photo we can read. Use a JPEG, PNG or WebP image."


def _exif(*, gps: bool = True, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "SecretPhoneMaker"
    if gps:
        exif.get_ifd(GPS_IFD).update(GPS)
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def _image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, "teal" if mode in ("RGB", "RGBA") else 1).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _upload(data: bytes | None = None, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, _image_bytes() if data is None else data, content_type=content_type)


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


# --- Metadata, orientation, size ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_offer_photo_add_strips_gps_and_all_exif_from_the_photo_and_thumbnail(media_root, offer, sponsor, fmt):
    data = _image_bytes(fmt, size=(1200, 900), exif=_exif())
    with Image.open(BytesIO(data)) as original:  # the upload does carry the position
        assert original.getexif().get_ifd(GPS_IFD)[2] == (54.0, 53.0, 0.0)

    photo = offer_photo_add(offer=offer, upload=_upload(data, name="IMG_at_home.jpg"), by=sponsor.user)

    for stored in (photo.image, photo.thumbnail):
        path = Path(stored.path)
        assert path.is_relative_to(media_root)
        assert "IMG_at_home" not in path.name
        raw = path.read_bytes()
        assert b"Exif" not in raw
        assert b"SecretPhoneMaker" not in raw
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert dict(image.getexif()) == {}
            assert dict(image.getexif().get_ifd(GPS_IFD)) == {}
            assert "exif" not in image.info


@pytest.mark.django_db
def test_offer_photo_add_stores_a_thumbnail_of_at_most_480_pixels(offer, sponsor):
    photo = offer_photo_add(offer=offer, upload=_upload(_image_bytes(size=(1200, 900))), by=sponsor.user)

    assert (photo.width, photo.height) == (1200, 900)
    with Image.open(photo.image.path) as image:
        assert image.size == (1200, 900)
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) <= THUMBNAIL_SIDE == 480
        assert thumbnail.size == (480, 360)


@pytest.mark.django_db
def test_offer_photo_add_scales_a_very_large_photo_down_to_2560_pixels(offer, sponsor):
    photo = offer_photo_add(offer=offer, upload=_upload(_image_bytes(size=(3000, 1500))), by=sponsor.user)

    assert (photo.width, photo.height) == (2560, 1280)
    with Image.open(photo.image.path) as image:
        assert image.size == (2560, 1280)


@pytest.mark.django_db
def test_offer_photo_add_applies_the_exif_orientation(offer, sponsor):
    # Left half red, right half blue; Orientation=6 means "rotate 90° clockwise to display".
    image = Image.new("RGB", (200, 100), "blue")
    image.paste((255, 0, 0), (0, 0, 100, 100))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=_exif(gps=False, orientation=6))

    photo = offer_photo_add(offer=offer, upload=_upload(buffer.getvalue()), by=sponsor.user)

    assert (photo.width, photo.height) == (100, 200)
    with Image.open(photo.image.path) as stored:
        assert stored.size == (100, 200)
        assert ORIENTATION not in stored.getexif()
        top, bottom = stored.getpixel((50, 40)), stored.getpixel((50, 160))
    assert top[0] > 200 and top[2] < 60  # red is on top once rotated clockwise
    assert bottom[2] > 200 and bottom[0] < 60
    with Image.open(photo.thumbnail.path) as thumbnail:
        assert thumbnail.size == (100, 200)


# --- Accepted and refused formats --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "mode", "name", "content_type"),
    [
        ("JPEG", "RGB", "photo.jpg", "image/jpeg"),
        ("PNG", "RGB", "photo.png", "image/png"),
        ("PNG", "RGBA", "transparent.png", "image/png"),
        ("WEBP", "RGB", "photo.webp", "image/webp"),
    ],
)
def test_offer_photo_add_accepts_jpeg_png_and_webp_and_stores_jpeg(
    media_root, offer, sponsor, fmt, mode, name, content_type
):
    upload = _upload(_image_bytes(fmt, mode=mode), name=name, content_type=content_type)

    photo = offer_photo_add(offer=offer, upload=upload, by=sponsor.user)

    assert OfferPhoto.objects.get() == photo
    assert photo.position == 1
    assert photo.image.name.endswith(".jpg")
    assert photo.thumbnail.name.endswith("-thumb.jpg")
    for stored in (photo.image, photo.thumbnail):
        with Image.open(stored.path) as image:
            assert image.format == "JPEG"
            assert image.mode == "RGB"
    assert _files(media_root) == sorted([Path(photo.image.path), Path(photo.thumbnail.path)])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_offer_photo_add_refuses_other_image_formats(media_root, offer, sponsor, fmt):
    upload = _upload(_image_bytes(fmt), name="photo.jpg")

    with pytest.raises(OfferError) as refused:
        offer_photo_add(offer=offer, upload=upload, by=sponsor.user)

    assert refused.value.messages == ["Only JPEG, PNG and WebP photos are accepted."]
    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_offer_photo_add_refuses_a_text_file_named_like_a_photo(media_root, offer, sponsor):
    upload = SimpleUploadedFile("photo.jpg", b"Not a photo at all, just some text.\n", content_type="image/jpeg")

    with pytest.raises(OfferError) as refused:
        offer_photo_add(offer=offer, upload=upload, by=sponsor.user)

    assert refused.value.messages == [UNREADABLE]
    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_offer_photo_add_refuses_a_truncated_jpeg(media_root, offer, sponsor):
    data = _image_bytes(size=(400, 300))

    with pytest.raises(OfferError) as refused:
        offer_photo_add(offer=offer, upload=_upload(data[: len(data) // 2]), by=sponsor.user)

    assert refused.value.messages == [UNREADABLE]
    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_offer_photo_add_refuses_a_photo_with_too_many_pixels(media_root, offer, sponsor):
    # 40,008,000 pixels: above the limit, yet a tiny file (one bit per pixel, compressed).
    upload = _upload(_image_bytes("PNG", size=(8000, 5001), mode="1"), name="huge.png", content_type="image/png")

    with pytest.raises(OfferError, match="too many pixels"):
        offer_photo_add(offer=offer, upload=upload, by=sponsor.user)

    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


# --- Limits ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_offer_photo_add_refuses_a_file_over_the_size_limit(settings, media_root, offer, sponsor):
    data = _image_bytes(size=(200, 200))
    settings.OFFER_PHOTO_MAX_BYTES = len(data) - 1

    with pytest.raises(OfferError, match="too large"):
        offer_photo_add(offer=offer, upload=_upload(data), by=sponsor.user)

    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_offer_photo_add_accepts_a_file_exactly_at_the_size_limit(settings, offer, sponsor):
    data = _image_bytes(size=(200, 200))
    settings.OFFER_PHOTO_MAX_BYTES = len(data)

    offer_photo_add(offer=offer, upload=_upload(data), by=sponsor.user)

    assert OfferPhoto.objects.count() == 1


@pytest.mark.django_db
def test_offer_photo_add_refuses_a_real_upload_one_byte_over_the_configured_limit(media_root, offer, sponsor):
    limit = django_settings.OFFER_PHOTO_MAX_BYTES
    jpeg = _image_bytes()
    data = jpeg + b"\0" * (limit + 1 - len(jpeg))  # a readable JPEG, padded past the limit
    upload = _upload(data)
    assert upload.size == limit + 1

    with pytest.raises(OfferError) as refused:
        offer_photo_add(offer=offer, upload=upload, by=sponsor.user)

    assert refused.value.messages == [f"The photo is too large: at most {limit // (1024 * 1024)} MB."]
    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_offer_photo_add_refuses_more_photos_than_the_maximum(media_root, offer, sponsor):
    maximum = django_settings.OFFER_PHOTO_MAX_COUNT
    for _ in range(maximum):
        offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)
    files_before = _files(media_root)
    assert len(files_before) == 2 * maximum
    assert list(OfferPhoto.objects.values_list("position", flat=True)) == list(range(1, maximum + 1))

    with pytest.raises(OfferError, match=f"at most {maximum} photos"):
        offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)

    assert OfferPhoto.objects.count() == maximum
    assert _files(media_root) == files_before


# --- Who and when ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_photos_cannot_be_added_to_a_submitted_offer(media_root, offer, sponsor):
    offer = offer_submit(offer=offer, by=sponsor.user)

    with pytest.raises(OfferError, match="only while the offer is a draft"):
        offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)

    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in Status if s != Status.DRAFT])
def test_photos_can_be_added_only_to_a_draft(media_root, offer, sponsor, status):
    HousingOffer.objects.filter(pk=offer.pk).update(status=status)
    offer.refresh_from_db()

    with pytest.raises(OfferError):
        offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)

    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_another_user_cannot_add_a_photo(media_root, offer, other_sponsor, caseworker):
    for user in (other_sponsor.user, caseworker):
        with pytest.raises(PermissionDenied):
            offer_photo_add(offer=offer, upload=_upload(), by=user)

    assert not OfferPhoto.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_offer_photo_delete_removes_the_row_and_both_files(media_root, offer, sponsor):
    photo = offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)
    kept = offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)

    offer_photo_delete(photo=photo, by=sponsor.user)

    assert list(OfferPhoto.objects.all()) == [kept]
    assert _files(media_root) == sorted([Path(kept.image.path), Path(kept.thumbnail.path)])


@pytest.mark.django_db
def test_another_user_cannot_delete_a_photo(media_root, offer, sponsor, other_sponsor, caseworker):
    photo = offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)
    files_before = _files(media_root)

    for user in (other_sponsor.user, caseworker):
        with pytest.raises(PermissionDenied):
            offer_photo_delete(photo=photo, by=user)

    assert list(OfferPhoto.objects.all()) == [photo]
    assert _files(media_root) == files_before


@pytest.mark.django_db
def test_photos_cannot_be_deleted_from_a_submitted_offer(media_root, offer, sponsor):
    photo = offer_photo_add(offer=offer, upload=_upload(), by=sponsor.user)
    files_before = _files(media_root)
    offer_submit(offer=offer, by=sponsor.user)
    photo = OfferPhoto.objects.get(pk=photo.pk)

    with pytest.raises(OfferError):
        offer_photo_delete(photo=photo, by=sponsor.user)

    assert list(OfferPhoto.objects.all()) == [photo]
    assert _files(media_root) == files_before
