"""Offer photos: every upload is checked from its header, decoded by the JPEG, PNG or WebP reader only,
re-encoded into a fresh JPEG without metadata, and given a thumbnail."""

import io
import math
import struct
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from housing.access import can_edit_offer
from housing.models import HousingOffer, OfferPhoto
from housing.services import OfferError
from portal.models import User

# MPO is how many phones store a JPEG (with a second, depth or preview, picture): its first picture is used.
ALLOWED_IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
# The only decoders Pillow may try (MPO is read by the JPEG one); other formats are recognised only
# to be refused with a clear message. No other plugin (EPS, PSD, ...) ever parses an upload.
OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"]
MAX_SIDE = 2560
THUMBNAIL_SIDE = 480
# What Pillow may raise on a damaged or hostile file (its own fuzzers catch the same).
IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    ZeroDivisionError,
    struct.error,
)


def offer_photo_add(*, offer: HousingOffer, upload, by: User) -> OfferPhoto:
    """Add a photo: JPEG, PNG or WebP only, size-limited, re-encoded so that no metadata survives
    (EXIF with the GPS position and camera, XMP, comments, text chunks; a colour profile is applied,
    then dropped), oriented, scaled down, and with a thumbnail. Anything else is refused: the file's
    size before it is read, its pixel count from its header before it is decoded."""
    if upload.size > settings.OFFER_PHOTO_MAX_BYTES:
        raise OfferError(
            _("The photo is too large: at most %(size)s MB.")
            % {"size": f"{settings.OFFER_PHOTO_MAX_BYTES / (1024 * 1024):g}"}
        )
    full, small, width, height = _photo_encode(upload)
    name = uuid.uuid4().hex
    with transaction.atomic():
        offer = HousingOffer.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=offer.pk)
        _photo_editable(offer, by)
        photos = list(offer.photos.values_list("position", flat=True))
        if len(photos) >= settings.OFFER_PHOTO_MAX_COUNT:
            raise OfferError(
                _("An offer can have at most %(count)s photos.") % {"count": settings.OFFER_PHOTO_MAX_COUNT}
            )
        photo = OfferPhoto(offer=offer, width=width, height=height, position=max(photos, default=0) + 1)
        photo.image.save(f"{name}.jpg", ContentFile(full), save=False)
        photo.thumbnail.save(f"{name}-thumb.jpg", ContentFile(small), save=False)
        try:
            photo.save()
        except Exception:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
            raise
    return photo


def _photo_editable(offer: HousingOffer, by: User) -> None:
    if not can_edit_offer(by, offer):
        raise PermissionDenied
    if offer.status != HousingOffer.Status.DRAFT:
        raise OfferError(_("Photos can be changed only while the offer is a draft."))


def _too_many_pixels() -> OfferError:
    return OfferError(
        _("The photo has too many pixels: at most %(megapixels)s megapixels.")
        % {"megapixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"}
    )


def _photo_encode(upload) -> tuple[bytes, bytes, int, int]:
    """The re-encoded photo and thumbnail (JPEG bytes) and the photo's size; refuses non-photos.

    Only the header is read until the format, the frame count and the pixel count are known to be
    acceptable; Pillow's own limit (MAX_IMAGE_PIXELS) makes it refuse a bomb even when opening.
    """
    limit = settings.IMAGE_MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            # Between the limit and twice the limit Pillow only warns: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=OPEN_FORMATS) as probe:
                image_format = probe.format
                if image_format not in ALLOWED_IMAGE_FORMATS:
                    raise OfferError(_("Only JPEG, PNG and WebP photos are accepted."))
                if probe.width * probe.height > limit:
                    raise _too_many_pixels()
                if image_format != "MPO" and getattr(probe, "n_frames", 1) > 1:
                    raise OfferError(_("Animated images are not accepted: upload a still photo."))
                probe.verify()
            upload.seek(0)
            with Image.open(upload, formats=["JPEG" if image_format == "MPO" else image_format]) as original:
                if original.width * original.height > limit:
                    raise _too_many_pixels()
                if image_format in ("JPEG", "MPO"):
                    # Decode a large JPEG at 1/2, 1/4 or 1/8 of its size when that still covers the
                    # size it is scaled down to (the same box whichever way the photo is turned).
                    ratio = min(1.0, MAX_SIDE / max(original.size))
                    original.draft("RGB", (math.ceil(original.width * ratio), math.ceil(original.height * ratio)))
                # In place, so that no more than one full-size copy of the pixels is held at once.
                original.load()
                ImageOps.exif_transpose(original, in_place=True)
                image = _clean_rgb(original)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                thumb = image.copy()
                thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
                return _encode(image), _encode(thumb), image.width, image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except IMAGE_ERRORS as exc:
        raise OfferError(_("This file is not a photo we can read. Use a JPEG, PNG or WebP image.")) from exc


def _clean_rgb(image: Image.Image) -> Image.Image:
    """The pixels only, in sRGB: a colour profile is applied and then dropped, every other piece of
    metadata (EXIF, XMP, comments, PNG text chunks) is left behind."""
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode == "RGBA":
                image = image.convert("RGB")
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unreadable profile is dropped and the pixels taken as sRGB
    if image.mode == "RGBA":
        # Transparent areas become white (a JPEG has no transparency).
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    clean = image if image.mode == "RGB" else image.convert("RGB")
    clean.info = {}
    return clean


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # A fresh JPEG: no exif, icc, xmp or comment segment (Pillow would otherwise copy the comment).
    image.save(buffer, format="JPEG", quality=85, optimize=True, exif=b"", comment=b"", icc_profile=None, xmp=None)
    return buffer.getvalue()


def offer_photo_delete(*, photo: OfferPhoto, by: User) -> None:
    with transaction.atomic():
        offer = HousingOffer.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=photo.offer_id)
        _photo_editable(offer, by)
        photo.delete()
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
