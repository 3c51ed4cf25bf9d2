"""Uploaded files are private: only the checking view serves them, to those allowed, with strict
headers (or through the front server's internal redirect); MEDIA_URL serves nothing; uploads are
bounded before they are decoded, and no metadata survives."""

import ctypes
import ctypes.util
import gc
import re
import struct
import sys
import zlib
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageCms, PngImagePlugin

from housing.models import HousingOffer, Inspection, OfferPhoto
from housing.photos import offer_photo_add
from housing.services import OfferError, offer_inspect, offer_submit
from projects.models import NewsItem, Resource

GPS_IFD = 0x8825
COMMENT = b"SECRET-COMMENT Laisves al. 10-3"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRET-XMP</x:xmpmeta>'
TEXT = "SECRET-TEXT-CHUNK"
TOO_MANY_PIXELS = "The photo has too many pixels: at most 12 megapixels."
UNREADABLE = "This file is not a photo we can read. Use a JPEG, PNG or WebP image."
ANIMATED = "Animated images are not accepted: upload a still photo."


def _jpeg(size=(60, 40), **save) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (54.0, 53.0, 0.0), 3: "E", 4: (23.0, 54.0, 0.0)})
    return exif


def _png(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A greyscale PNG of `width`×`height` zeros, written without ever holding its pixels: a 6300×6300
    one is about 40 KB. `rows` writes fewer rows than the header says (a lying header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte + pixels
    idat = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _noise_png() -> bytes:
    buffer = BytesIO()
    Image.effect_noise((200, 150), 64).save(buffer, format="PNG")
    return buffer.getvalue()


def _animated(fmt: str) -> bytes:
    buffer = BytesIO()
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "blue", "green")]
    frames[0].save(buffer, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _kib(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))


def _peak_growth_mb(action) -> float:
    """How far this process's peak resident memory rose above its current size while `action` ran.

    Memory freed by earlier tests is handed back to the system first (otherwise new allocations
    would reuse it unseen), and the kernel's high-water mark is reset, so an earlier peak does not
    hide this one."""
    gc.collect()
    ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
    before = _kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    action()
    return (_kib("VmHWM") - before) / 1024


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not Path("/proc/self/clear_refs").exists(),
    reason="measures peak memory through /proc",
)


@pytest.fixture
def owner(sponsor_factory):
    return sponsor_factory(email="owner@example.org", verified=True)


@pytest.fixture
def draft(owner, offer_factory):
    """The owner's draft offer with one photo."""
    offer = offer_factory(owner)
    offer_photo_add(offer=offer, upload=_upload(_jpeg()), by=owner.user)
    return offer


@pytest.fixture
def available(owner, offer_factory, caseworker_of, django_capture_on_commit_callbacks):
    """The owner's inspected, available offer with one photo (added while it was a draft)."""
    offer = offer_factory(owner)
    offer_photo_add(offer=offer, upload=_upload(_jpeg()), by=owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_submit(offer=offer, by=owner.user)
        offer_inspect(
            offer=offer,
            inspector=caseworker_of(),
            visited_on=timezone.localdate(),
            checklist=dict.fromkeys(Inspection.CHECKLIST, True),
            result=Inspection.Result.PASS,
        )
    offer.refresh_from_db()
    assert offer.status == HousingOffer.Status.AVAILABLE
    return offer


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


# --- Who may read a photo ----------------------------------------------------------------------------


@pytest.mark.reliability
@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_photos_are_readable_only_by_the_sponsor_and_staff_allowed_to(
    client, figure, owner, draft, available, sponsor_factory, user_factory, caseworker, other_caseworker, superuser
):
    other_sponsor = sponsor_factory(email="other@example.org", verified=True)
    users = {
        "anonymous": None,
        "signed-in stranger": user_factory(email="stranger@example.org"),
        "other sponsor": other_sponsor.user,
        "staff without permission": user_factory(email="staff@example.org", is_staff=True),
        "inactive owner twin": user_factory(email="inactive@example.org", is_active=False),
        "owning sponsor": owner.user,
        "caseworker": caseworker,
        "caseworker of another organisation": other_caseworker,
        "admin": superuser,
    }
    allowed = {"owning sponsor", "caseworker", "caseworker of another organisation", "admin"}
    photos = [draft.photos.get(), available.photos.get()]
    names = [name for photo in photos for name in (photo.image.name, photo.thumbnail.name)]

    leaks, refused_wrongly, requests = [], [], 0
    for label, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name in names:
            url = f"/files/{name}"
            # The storage's URLs are the checking view's.
            assert url in {photo.image.url for photo in photos} | {photo.thumbnail.url for photo in photos}
            response = client.get(url)
            requests += 1
            assert response.status_code < 500
            readable = response.status_code == HTTPStatus.OK
            if readable and label not in allowed:
                leaks.append((label, url))
            if label in allowed:
                if not readable:
                    refused_wrongly.append((label, url))
                else:
                    body = b"".join(response.streaming_content)
                    assert body == (Path(draft.photos.get().image.storage.path(name))).read_bytes()
                    assert response["Content-Type"] == "image/jpeg"
            else:
                assert response.status_code == HTTPStatus.NOT_FOUND  # nothing tells that the file exists
            # The stored files are nowhere else to be had.
            for direct in (f"/media/{name}", f"/lt/media/{name}", f"/en/media/{name}", f"/{name}"):
                response = client.get(direct)
                requests += 1
                if response.status_code == HTTPStatus.OK:
                    leaks.append((label, direct))

    figure("Photos: readable without permission", len(leaks))
    figure("Photos: access requests checked", requests)
    assert leaks == []
    assert refused_wrongly == []


@pytest.mark.django_db
def test_a_photo_is_served_inline_with_a_strict_type_and_never_cached(owner_client, draft):
    photo = draft.photos.get()

    response = owner_client.get(photo.image.url)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"private", "no-store"}
    assert response["Content-Disposition"] == f'inline; filename="{Path(photo.image.name).name}"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == Path(photo.image.path).read_bytes()


@pytest.mark.django_db
def test_with_an_internal_url_the_view_answers_with_x_accel_redirect_and_no_body(settings, client, owner, draft):
    settings.PRIVATE_MEDIA_INTERNAL_URL = "/_protected_media/"
    photo = draft.photos.get()

    response = client.get(photo.thumbnail.url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "X-Accel-Redirect" not in response

    client.force_login(owner.user)
    response = client.get(photo.thumbnail.url)

    assert response.status_code == HTTPStatus.OK
    assert response["X-Accel-Redirect"] == f"/_protected_media/{photo.thumbnail.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"private", "no-store"}
    assert response["Content-Disposition"].startswith("inline; filename=")


@pytest.mark.django_db
def test_stored_names_are_unguessable_and_plain_ascii(draft):
    photo = draft.photos.get()
    other = offer_photo_add(offer=draft, upload=_upload(_jpeg(), name="Namai Žvėryne.jpg"), by=draft.sponsor.user)

    for name in (photo.image.name, photo.thumbnail.name, other.image.name):
        assert re.fullmatch(r"offers/\d+/[0-9a-f]{24}/[0-9a-f]{32}(-thumb)?\.jpg", name)
    assert photo.image.name.split("/")[2] != photo.thumbnail.name.split("/")[2]  # each file its own secret


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/files/offers/../../etc/passwd",
        "/files/offers/%2e%2e/%2e%2e/settings.py",
        "/files/unknown/file.jpg",
        "/files/.env",
        "/files/offers/1/missing.jpg",
        "/files/offers/1/caf%C3%A9.jpg",
        "/media/offers/1/photo.jpg",
    ],
)
def test_odd_file_paths_are_404(admin_client, path):
    assert admin_client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_a_nul_byte_in_a_file_path_is_refused_before_the_view(admin_client):
    # portal.middleware.RefuseUnstorableInputMiddleware answers first, with its translated 400 page.
    assert admin_client.get("/files/offers/1/x%00.jpg").status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.django_db
def test_a_stored_file_without_its_record_is_not_served(admin_client, media_root):
    stray = media_root / "offers" / "1" / "feedfacefeedfacefeedface"
    stray.mkdir(parents=True)
    (stray / "orphan.jpg").write_bytes(_jpeg())

    assert admin_client.get("/files/offers/1/feedfacefeedfacefeedface/orphan.jpg").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_the_offer_page_and_the_admin_link_photos_through_the_view(owner_client, draft, caseworker_of, client):
    photo = draft.photos.get()

    content = owner_client.get(f"/en/sponsor/offers/{draft.pk}/").content.decode()
    assert f'href="/files/{photo.image.name}"' in content
    assert f'src="/files/{photo.thumbnail.name}"' in content
    assert "/media/" not in content

    client.force_login(caseworker_of())
    content = client.get(f"/en/admin/housing/housingoffer/{draft.pk}/change/").content.decode()
    assert f'src="/files/{photo.thumbnail.name}"' in content
    assert "/media/" not in content


# --- Public files --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_news_picture_is_public_and_a_resource_is_an_attachment(client):
    item = NewsItem.objects.create(
        slug="welcome", published_on=timezone.localdate(), title="Welcome", body="Text", image=_upload(_jpeg())
    )
    resource = Resource.objects.create(
        slug="guide", title="Guide", kind="guide", file=_upload(b"%PDF-1.4 guide", "Gidas ąžuolas.pdf", "x/y")
    )
    assert re.fullmatch(r"news/[0-9a-f]{24}/photo\.jpg", item.image.name)
    assert re.fullmatch(r"resources/[0-9a-f]{24}/Gidas_azuolas\.pdf", resource.file.name)

    response = client.get(item.image.url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "public, max-age=3600"

    response = client.get(resource.href)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Gidas_azuolas.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 guide"

    assert client.get(f"/media/{resource.file.name}").status_code == HTTPStatus.NOT_FOUND


# --- Metadata ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_jpeg_comment_exif_gps_xmp_and_colour_profile_do_not_survive(owner_client, draft):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _jpeg((300, 200), exif=_exif_with_gps(), comment=COMMENT, xmp=XMP, icc_profile=srgb)
    with Image.open(BytesIO(data)) as original:  # the upload carries all of it
        assert original.info["comment"] == COMMENT
        assert original.getexif().get_ifd(GPS_IFD)[2] == (54.0, 53.0, 0.0)
        assert XMP in original.info["xmp"]
        assert original.info["icc_profile"] == srgb

    response = owner_client.post(f"/en/sponsor/offers/{draft.pk}/photos/", {"photo": _upload(data)})
    assert response.status_code == HTTPStatus.FOUND
    photo = draft.photos.order_by("-pk").first()

    for url in (photo.image.url, photo.thumbnail.url):
        served = b"".join(owner_client.get(url).streaming_content)
        for marker in (COMMENT, b"SECRET", b"Exif", b"SecretPhoneMaker", b"http://ns.adobe.com/xap", b"ICC_PROFILE"):
            assert marker not in served
        assert b"\xff\xfe" not in served  # no COM segment at all
        with Image.open(BytesIO(served)) as image:
            assert "comment" not in image.info
            assert "xmp" not in image.info
            assert "icc_profile" not in image.info
            assert dict(image.getexif()) == {}
            assert [marker for marker, _ in image.applist] == ["APP0"]  # JFIF only


@pytest.mark.django_db
def test_png_text_chunks_and_exif_do_not_survive(owner, draft):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", TEXT)
    info.add_itxt("Description", TEXT + " international", lang="lt")
    info.add_text("Location", TEXT, zip=True)
    buffer = BytesIO()
    Image.new("RGB", (120, 80), "teal").save(buffer, format="PNG", pnginfo=info, exif=_exif_with_gps())
    assert TEXT.encode() in buffer.getvalue()

    photo = offer_photo_add(offer=draft, upload=_upload(buffer.getvalue(), "p.png", "image/png"), by=owner.user)

    for stored in (photo.image, photo.thumbnail):
        raw = Path(stored.path).read_bytes()
        assert b"SECRET" not in raw and b"Exif" not in raw
        with Image.open(stored.path) as image:
            assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


# --- Bounded decoding --------------------------------------------------------------------------------


@linux_only
@pytest.mark.reliability
@pytest.mark.django_db
def test_a_6300_pixel_square_png_bomb_is_refused_without_being_decoded(figure, owner, draft):
    bomb = _png(6300, 6300)
    assert len(bomb) < 100_000  # a small file ...
    upload = _upload(bomb, "bomb.png", "image/png")

    def add():
        with pytest.raises(OfferError) as refused:
            offer_photo_add(offer=draft, upload=upload, by=owner.user)
        assert refused.value.messages == [TOO_MANY_PIXELS]

    growth = _peak_growth_mb(add)

    figure("Photos: peak memory refusing a 6300×6300 PNG bomb (MB)", round(growth, 1))
    assert growth < 50, f"peak memory rose by {growth:.0f} MB"
    assert draft.photos.count() == 1


@linux_only
def test_decoding_the_same_bomb_would_take_far_more_memory():
    """The measurement above can fail: decoding the bomb fully (no limit) raises the peak by > 35 MB."""
    bomb = _png(6300, 6300)
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:

        def decode():
            with Image.open(BytesIO(bomb)) as image:
                image.load()

        assert _peak_growth_mb(decode) > 35
    finally:
        Image.MAX_IMAGE_PIXELS = limit


@pytest.mark.django_db
def test_pillow_itself_refuses_to_open_a_bomb():
    with pytest.raises(Image.DecompressionBombError):
        Image.open(BytesIO(_png(6300, 6300)))


@pytest.mark.django_db
def test_the_pixel_limit_is_a_setting(settings, owner, draft):
    settings.IMAGE_MAX_PIXELS = 2_000

    with pytest.raises(OfferError) as refused:
        offer_photo_add(offer=draft, upload=_upload(_jpeg((50, 41))), by=owner.user)
    assert refused.value.messages == ["The photo has too many pixels: at most 0.002 megapixels."]

    offer_photo_add(offer=draft, upload=_upload(_jpeg((50, 40))), by=owner.user)
    assert draft.photos.count() == 2


@pytest.mark.django_db
def test_exactly_12_megapixels_are_accepted(owner, draft):
    photo = offer_photo_add(offer=draft, upload=_upload(_jpeg((4000, 3000), quality=30)), by=owner.user)

    assert (photo.width, photo.height) == (2560, 1920)


@linux_only
@pytest.mark.django_db
def test_a_large_jpeg_is_decoded_in_draft_mode(owner, draft):
    """6000×2000 scales down to 2560×853: decoding at half size (3000×1000) is enough. The whole add
    then peaks about 30 MB above where it started; decoding in full would take about 75 MB."""
    data = _jpeg((6000, 2000), quality=30)

    growth = _peak_growth_mb(lambda: offer_photo_add(offer=draft, upload=_upload(data), by=owner.user))

    photo = draft.photos.order_by("-pk").first()
    assert (photo.width, photo.height) == (2560, 853)
    assert growth < 50, f"peak memory rose by {growth:.0f} MB"


# --- Hostile uploads through the page: a clear message, never a server error ------------------------

HOSTILE = {
    "junk bytes": (b"\x00\xffjunk" * 500, "photo.jpg", UNREADABLE),
    "html named like a photo": (b"<html><script>alert(1)</script></html>", "photo.jpg", UNREADABLE),
    "truncated jpeg": (_jpeg((400, 300))[:900], "photo.jpg", UNREADABLE),
    "empty file": (b"", "photo.jpg", None),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.svg", UNREADABLE),
    "gif": (_animated("GIF"), "photo.gif", "Only JPEG, PNG and WebP photos are accepted."),
    "animated png": (_animated("PNG"), "photo.png", ANIMATED),
    "animated webp": (_animated("WEBP"), "photo.webp", ANIMATED),
    "png bomb": (_png(6300, 6300), "photo.png", TOO_MANY_PIXELS),
    "png with a lying header": (_png(4000, 3500, rows=10), "photo.png", TOO_MANY_PIXELS),
    "huge png header": (_png(100_000, 100_000, rows=1), "photo.png", TOO_MANY_PIXELS),
    "truncated png": (_noise_png()[:3000], "photo.png", UNREADABLE),
    "png named .jpg": (_noise_png(), "photo.jpg", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_upload_gets_a_clear_message_and_stores_nothing(owner_client, draft, media_root, case):
    data, name, message = HOSTILE[case]
    files_before = sorted(media_root.rglob("*"))

    response = owner_client.post(f"/en/sponsor/offers/{draft.pk}/photos/", {"photo": _upload(data, name)}, follow=True)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    if case == "png named .jpg":  # the content decides, not the name: a real photo is taken
        assert "The photo is added." in content
        assert draft.photos.count() == 2
        return
    assert (message or "Choose a photo to upload.") in content
    assert draft.photos.count() == 1
    assert sorted(media_root.rglob("*")) == files_before


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["lt", "bg"])
def test_the_new_upload_messages_are_translated(client, owner, draft, language):
    client.force_login(owner.user)
    for data, name, english in (HOSTILE["png bomb"], HOSTILE["animated png"]):
        response = client.post(
            f"/{language}/sponsor/offers/{draft.pk}/photos/", {"photo": _upload(data, name)}, follow=True
        )
        content = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert english not in content
        assert "12" in content or english == ANIMATED


@pytest.mark.django_db
def test_too_many_files_in_one_request_is_a_400(owner_client, draft, settings):
    # More files than an offer may have photos, in one request: refused before any is read.
    files = [_upload(_jpeg(), f"p{number}.jpg") for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]

    response = owner_client.post(f"/en/sponsor/offers/{draft.pk}/photos/", {"photo": files})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert OfferPhoto.objects.filter(offer=draft).count() == 1


# --- In a real browser -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chromium_shows_the_sponsor_their_photo_and_nobody_else(page, chromium, live_server, client, owner, draft):
    from django.conf import settings

    client.force_login(owner.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    photo = draft.photos.get()

    page.goto(f"{live_server.url}/en/sponsor/offers/{draft.pk}/")
    page.wait_for_function("() => { const i = document.querySelector('#photos img'); return i && i.complete; }")
    # The headers of the file view (nosniff, sandboxing CSP, same-origin CORP) do not stop the page's <img>.
    assert page.evaluate("document.querySelector('#photos img').naturalWidth") == 60
    assert page.evaluate("document.querySelector('#photos img').getAttribute('src')") == photo.thumbnail.url

    stranger = chromium.new_context()
    try:
        # (Not /media/ here: Django's live test server adds a MEDIA_URL handler of its own, which
        # gunicorn and nginx do not have; the matrix above checks /media/ against the real URLconf.)
        for url in (photo.thumbnail.url, photo.image.url):
            assert stranger.request.get(f"{live_server.url}{url}").status == HTTPStatus.NOT_FOUND
    finally:
        stranger.close()
