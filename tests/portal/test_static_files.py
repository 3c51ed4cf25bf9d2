"""Page weight and static files: every public page loads at most 100 KB compressed on a first visit, and
in production static files have hashed names, are compressed, and are cached for good."""

import gzip
import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.page_weight import page_weight

PAGE_WEIGHT_LIMIT = 100 * 1024


@pytest.fixture
def production_static(settings, tmp_path):
    """The production storage (hashed names, gzip) filled by `collectstatic` in a temporary STATIC_ROOT,
    with the portal's own static files only (the admin's are Django's business, and slow to copy)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def _public_paths(language: str) -> list[str]:
    from projects.models import GoodPractice, Project

    with translation.override(language):
        project = Project.objects.order_by("pk").first()
        practice = GoodPractice.objects.order_by("pk").first()
        return [
            reverse("home"),
            reverse("projects:project-list"),
            reverse("projects:project-detail", kwargs={"slug": project.slug}),
            reverse("projects:practice-list"),
            reverse("projects:practice-detail", kwargs={"slug": practice.slug}),
            reverse("projects:municipality-list"),
            reverse("projects:news-list"),
            reverse("projects:event-list"),
            reverse("projects:resource-list"),
            reverse("training:programme-list"),
        ]


@pytest.mark.django_db
def test_every_public_page_weighs_at_most_100_kb_compressed(production_static):
    call_command("seed_content", verbosity=0)
    paths = _public_paths("lt") + _public_paths("bg")[:1]

    rows = page_weight(paths)

    assert [row["path"] for row in rows] == paths
    for row in rows:
        assert row["assets"] >= 3, row  # the stylesheet, the script and the images were found
        assert row["total_compressed_bytes"] == row["html_bytes"] + row["assets_bytes"]
        assert row["total_compressed_bytes"] <= row["total_raw_bytes"]
        assert row["total_compressed_bytes"] <= PAGE_WEIGHT_LIMIT, row


@pytest.mark.django_db
def test_production_static_files_have_hashed_names_gzip_and_immutable_caching(production_static):
    html = Client().get("/en/").content.decode()
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page names the stylesheet by its hashed name"
    assert re.search(r'src="/static/js/portal\.[0-9a-f]{12}\.js"', html)

    response = Client().get(stylesheet.group(1), HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Encoding"] == "gzip"
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (production_static / "css" / "portal.css").read_bytes()
    # The name without a hash is served too (for anything outside the templates), but briefly cached.
    plain = Client().get("/static/css/portal.css")
    assert plain.status_code == HTTPStatus.OK and "immutable" not in plain["Cache-Control"]
