"""Checking uploaded files from their bytes: photos re-encoded without metadata, documents (PDF or a
photo) recognised from their header. Shared by every app that accepts uploads (offer photos,
inspection evidence, scans of checks); each raises `UploadError`, a translated message safe to show.

A photo is decoded by the JPEG, PNG or WebP reader only, after its header says how many pixels it
has, and re-encoded into a fresh JPEG (EXIF with the GPS position and camera, XMP, comments and text
chunks left behind; a colour profile applied, then dropped), oriented and scaled down, with a thumbnail.
"""

import io
import math
import struct
import warnings
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

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
# How a PDF starts (its first bytes; a file with anything before them is refused).
PDF_MAGIC = b"%PDF-"
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")

T = TypeVar("T")


class UploadError(ValidationError):
    """An upload was refused; the message is translated and safe to show."""


def _too_many_pixels() -> UploadError:
    return UploadError(
        _("The photo has too many pixels: at most %(megapixels)s megapixels.")
        % {"megapixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"}
    )


def upload_size_check(upload, *, max_bytes: int, what: str = "photo") -> None:
    """Refuse a file above `max_bytes` before it is read."""
    if upload.size is None or upload.size > max_bytes:
        size = f"{max_bytes / (1024 * 1024):g}"
        if what == "photo":
            raise UploadError(_("The photo is too large: at most %(size)s MB.") % {"size": size})
        raise UploadError(_("The file is too large: at most %(size)s MB.") % {"size": size})


def photo_encode(upload) -> tuple[bytes, bytes, int, int]:
    """The re-encoded photo and thumbnail (JPEG bytes) and the photo's size; refuses non-photos.

    Only the header is read until the format, the frame count and the pixel count are known to be
    acceptable; Pillow's own limit (MAX_IMAGE_PIXELS) makes it refuse a bomb even when opening.
    """

    def produce(image: Image.Image) -> tuple[bytes, bytes, int, int]:
        thumb = image.copy()
        thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        return _encode(image), _encode(thumb), image.width, image.height

    return _photo_process(upload, max_side=MAX_SIDE, produce=produce)


def photo_renditions(upload, *, widths: tuple[int, ...]) -> list[tuple[int, int, bytes]]:
    """The photo re-encoded as WebP at each of `widths` it is at least as wide as (and at its own width
    when narrower than the widest), without metadata: `[(width, height, bytes), ...]`, narrowest first.
    Refuses what `photo_encode` refuses, with the same messages."""
    widest = max(widths)

    def produce(image: Image.Image) -> list[tuple[int, int, bytes]]:
        sizes = [width for width in sorted(widths) if width < image.width] + [min(image.width, widest)]
        renditions = []
        for width in sizes:
            height = max(1, round(image.height * width / image.width))
            scaled = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            scaled.save(buffer, format="WEBP", quality=80, method=4, exif=b"", xmp=b"")
            renditions.append((width, height, buffer.getvalue()))
        return renditions

    # Scaled down first so that its longer side is no more than the widest rendition needs.
    return _photo_process(upload, max_side=None, produce=produce, max_width=widest)


def _photo_process(upload, *, max_side: int | None, produce: Callable[[Image.Image], T], max_width: int = 0) -> T:
    """Open, check and clean the photo (see `photo_encode`), scale it into `max_side` (or to `max_width`
    wide) and hand the clean RGB pixels to `produce`, while the file is still open."""
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
                    raise UploadError(_("Only JPEG, PNG and WebP photos are accepted."))
                if probe.width * probe.height > limit:
                    raise _too_many_pixels()
                if image_format != "MPO" and getattr(probe, "n_frames", 1) > 1:
                    raise UploadError(_("Animated images are not accepted: upload a still photo."))
                probe.verify()
            upload.seek(0)
            with Image.open(upload, formats=["JPEG" if image_format == "MPO" else image_format]) as original:
                if original.width * original.height > limit:
                    raise _too_many_pixels()
                side = max_side or MAX_SIDE
                if image_format in ("JPEG", "MPO"):
                    # Decode a large JPEG at 1/2, 1/4 or 1/8 of its size when that still covers the
                    # size it is scaled down to (the same box whichever way the photo is turned).
                    ratio = min(1.0, side / max(original.size))
                    original.draft("RGB", (math.ceil(original.width * ratio), math.ceil(original.height * ratio)))
                # In place, so that no more than one full-size copy of the pixels is held at once.
                original.load()
                ImageOps.exif_transpose(original, in_place=True)
                image = _clean_rgb(original)
                image.thumbnail((side, side))
                if max_width and image.width > max_width:
                    image = image.resize(
                        (max_width, max(1, round(image.height * max_width / image.width))), Image.Resampling.LANCZOS
                    )
                return produce(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except IMAGE_ERRORS as exc:
        raise UploadError(_("This file is not a photo we can read. Use a JPEG, PNG or WebP image.")) from exc


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


def _head(upload, length: int = 1024) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head if isinstance(head, bytes) else b""


def evidence_read(upload, *, max_bytes: int) -> tuple[str, bytes, bytes | None]:
    """A piece of evidence (a PDF document or a photo): `("pdf", bytes, None)` for a PDF, recognised
    from its header whatever its name; `("jpg", photo, thumbnail)` for a photo, re-encoded without
    metadata and refused above IMAGE_MAX_PIXELS. Anything else is refused with a clear message."""
    upload_size_check(upload, max_bytes=max_bytes, what="file")
    if upload.size == 0:
        raise UploadError(_("The file is empty."))
    head = _head(upload)
    if head.startswith(PDF_MAGIC):
        upload.seek(0)
        data = upload.read()
        if b"%%EOF" not in data[-2048:]:
            raise UploadError(_("This PDF is incomplete or damaged: upload it again."))
        return "pdf", data, None
    if not head.startswith(IMAGE_MAGIC) and not (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise UploadError(_("Only PDF documents and JPEG, PNG or WebP photos are accepted."))
    full, thumb, _width, _height = photo_encode(upload)
    return "jpg", full, thumb
