"""Pictures of projects, good practices and news: uploaded in the admin, stored as renditions without
metadata, shown responsively in the page's language, deleted with their record."""

import io
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.models import GoodPractice, NewsItem, Organisation

GPS_IFD = 0x8825


def _photo(size=(2000, 1200), name="photo.jpg") -> SimpleUploadedFile:
    """A JPEG as a phone stores it: with the camera's maker and a GPS position in its EXIF."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (54.0, 53.0, 0.0), 3: "E", 4: (23.0, 54.0, 0.0)})
    Image.new("RGB", size, "teal").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def news_item(db):
    return NewsItem.objects.create(
        slug="visit", published_on="2024-01-01", title_en="Visit", title_lt="Vizitas", title_bg="Посещение", body_en="B"
    )


def _news_form(news_item: NewsItem, **extra) -> dict:
    data = {
        "slug": news_item.slug,
        "published_on": "2024-01-01",
        **{f"title_{code}": getattr(news_item, f"title_{code}") or "T" for code in ("lt", "en", "bg")},
        **{f"body_{code}": "Text" for code in ("lt", "en", "bg")},
        "image_alt_lt": "Ekspertai susitikime",
        "image_alt_en": "Experts at the meeting",
        "image_alt_bg": "Експерти на срещата",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def _post(client, news_item, django_capture_on_commit_callbacks, lang="en", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/{lang}/admin/projects/newsitem/{news_item.pk}/change/", _news_form(news_item, **extra))


@pytest.mark.django_db
def test_an_upload_in_the_admin_makes_renditions_without_metadata_shown_with_srcset_and_alt(
    client, superuser, news_item, media_root, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    response = _post(client, news_item, django_capture_on_commit_callbacks, image_upload=_photo())
    assert response.status_code == HTTPStatus.FOUND
    news_item.refresh_from_db()
    sizes = [(row["width"], row["height"]) for row in news_item.image_renditions]
    assert sizes == [(480, 288), (960, 576), (1440, 864)]
    stored = _files(media_root)
    assert len(stored) == 3  # the original is not kept
    for path in stored:
        with Image.open(path) as picture:
            assert picture.format == "WEBP"
            assert not picture.getexif()
            assert b"SecretPhoneMaker" not in path.read_bytes()
    client.logout()
    for lang, alt in (("lt", "Ekspertai susitikime"), ("bg", "Експерти на срещата"), ("en", "Experts at the meeting")):
        for url in (f"/{lang}/news/visit/", f"/{lang}/news/"):
            html = client.get(url).content.decode()
            assert f'alt="{alt}"' in html
            assert "480w" in html and "960w" in html and "1440w" in html
            assert 'loading="lazy"' in html and 'width="1440" height="864"' in html and "sizes=" in html
    # The files are public (shown on a public page), as WebP.
    served = client.get(news_item.image_src)
    assert served.status_code == HTTPStatus.OK and served["Content-Type"] == "image/webp"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a picture", "evil.jpg", "nuotrauk"),
        (b"\xff\xd8\xff\xe0 truncated", "broken.jpg", "nuotrauk"),
        (b"GIF89a" + b"\x00" * 40, "anim.gif", "nuotrauk"),
        (b"", "empty.jpg", "tuščias"),
    ],
)
def test_a_junk_upload_is_a_translated_form_error_never_a_5xx(
    client, superuser, news_item, media_root, django_capture_on_commit_callbacks, data, name, message
):
    client.force_login(superuser)
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    response = _post(client, news_item, django_capture_on_commit_callbacks, lang="lt", image_upload=upload)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "errorlist" in html
    assert message in html
    news_item.refresh_from_db()
    assert not news_item.image and _files(media_root) == []


@pytest.mark.django_db
def test_alt_text_is_required_in_every_language_unless_the_picture_is_decorative(
    client, superuser, news_item, media_root, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    response = _post(client, news_item, django_capture_on_commit_callbacks, image_upload=_photo(), image_alt_bg="")
    assert response.status_code == HTTPStatus.OK
    assert "Describe the picture, or mark it as decorative." in response.content.decode()
    assert _files(media_root) == []
    response = _post(
        client,
        news_item,
        django_capture_on_commit_callbacks,
        image_upload=_photo(size=(300, 200)),
        image_alt_lt="",
        image_alt_en="",
        image_alt_bg="",
        image_decorative="on",
    )
    assert response.status_code == HTTPStatus.FOUND
    news_item.refresh_from_db()
    # A narrow picture is not enlarged: one rendition at its own width.
    assert [(row["width"], row["height"]) for row in news_item.image_renditions] == [(300, 200)]
    client.logout()
    assert 'alt=""' in client.get("/en/news/visit/").content.decode()


@pytest.mark.django_db
def test_replacing_removing_or_deleting_deletes_the_files(
    client, superuser, news_item, media_root, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    _post(client, news_item, django_capture_on_commit_callbacks, image_upload=_photo())
    first = _files(media_root)
    assert len(first) == 3
    _post(client, news_item, django_capture_on_commit_callbacks, image_upload=_photo(size=(1000, 500)))
    second = _files(media_root)
    assert [path.name for path in second] == ["1000w.webp", "480w.webp", "960w.webp"] and not set(first) & set(second)
    assert not any(path.parent.exists() for path in first)  # the old rendition folder is gone too
    _post(client, news_item, django_capture_on_commit_callbacks, image_remove="on")
    news_item.refresh_from_db()
    assert not news_item.image and news_item.image_renditions == [] and _files(media_root) == []
    _post(client, news_item, django_capture_on_commit_callbacks, image_upload=_photo())
    assert len(_files(media_root)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/admin/projects/newsitem/{news_item.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert _files(media_root) == []


@pytest.mark.django_db
def test_projects_and_practices_take_a_picture_too(
    client, superuser, seeded, media_root, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    practice = GoodPractice.objects.get(slug="together-for-integration")
    html = client.get(f"/en/admin/projects/goodpractice/{practice.pk}/change/").content.decode()
    for name in ("image_upload", "image_remove", "image_alt_lt", "image_alt_en", "image_alt_bg", "image_decorative"):
        assert f'name="{name}"' in html
    project_html = client.get("/en/admin/projects/project/").content.decode()
    assert project_html  # the list still works
    from projects.images import content_image_read, content_image_set

    renditions = content_image_read(_photo(size=(1000, 600)))
    with pytest.raises(ValidationError):  # not described yet
        content_image_set(instance=practice, renditions=renditions)
    assert _files(media_root) == []  # the new files went again
    practice.image_alt_lt, practice.image_alt_en, practice.image_alt_bg = "Savanoriai", "Volunteers", "Доброволци"
    with django_capture_on_commit_callbacks(execute=True):
        content_image_set(instance=practice, renditions=renditions)
    client.logout()
    assert 'srcset="/files/practices/' in client.get("/en/good-practices/").content.decode()
    assert 'alt="Volunteers"' in client.get("/en/good-practices/together-for-integration/").content.decode()


@pytest.mark.django_db
def test_seeds_add_no_pictures(seeded):
    from projects.models import Project

    for model in (Project, GoodPractice, NewsItem):
        assert not model.objects.exclude(image="").exists()


@pytest.mark.django_db
def test_pictures_add_no_queries_to_the_lists(client, django_assert_num_queries, media_root):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation = Organisation.objects.create(slug="org", name_en="Org")
    for number in range(3):
        NewsItem.objects.create(slug=f"n{number}", published_on="2024-01-01", title_en="N", body_en="B")
        GoodPractice.objects.create(
            slug=f"g{number}", title_en="G", summary_en="S", organisation=organisation, country="LT", level="local"
        )

    def counts() -> list[int]:
        result = []
        for url in ("/en/news/", "/en/good-practices/", "/en/projects/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == HTTPStatus.OK
            result.append(len(queries))
        return result

    before = counts()
    rows = [{"name": f"news/abc{n}/480w.webp", "width": 480, "height": 320} for n in range(1)]
    NewsItem.objects.update(image=rows[0]["name"], image_renditions=rows, image_decorative=True)
    GoodPractice.objects.update(image=rows[0]["name"], image_renditions=rows, image_decorative=True)
    assert counts() == before


def test_a_news_picture_stored_before_the_renditions_is_still_served(client, news_item, media_root):
    # Stored by the earlier field, directly under news/ (no renditions folder).
    (media_root / "news").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (10, 120, 200)).save(media_root / "news" / "old.jpg")
    NewsItem.objects.filter(pk=news_item.pk).update(image="news/old.jpg")
    news_item.refresh_from_db()

    response = client.get(news_item.image_src)

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:3] == b"\xff\xd8\xff"
