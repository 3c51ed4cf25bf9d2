"""axe-core finds no accessibility violation on the privacy notice, the contact page, the accessibility
statement (each in another language) and on a news page showing a picture, on a phone and a desktop."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.images import content_image_read, content_image_set
from projects.models import NewsItem
from projects.seeding import content_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _violations(axe: Axe, page, url: str) -> list[str]:
    page.goto(url)
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return [
        f"{url}: {violation['id']} at {', '.join(map(str, node['target']))}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def test_information_pages_and_pictures_have_no_axe_violations(page, live_server, media_root):
    content_seed()
    news_item = NewsItem.objects.first()
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "teal").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    news_item.image_alt_lt, news_item.image_alt_en, news_item.image_alt_bg = "Susitikimas", "The meeting", "Срещата"
    content_image_set(instance=news_item, renditions=content_image_read(upload))
    axe = Axe()
    urls = [
        f"{live_server.url}/lt/privacy/",
        f"{live_server.url}/bg/contact/",
        f"{live_server.url}/en/accessibility/",
        f"{live_server.url}/en/news/{news_item.slug}/",
    ]
    problems = [line for url in urls for line in _violations(axe, page, url)]
    page.set_viewport_size({"width": 390, "height": 844})
    problems += _violations(axe, page, f"{live_server.url}/lt/privacy/")
    problems += _violations(axe, page, f"{live_server.url}/bg/news/{news_item.slug}/")
    # The picture is loaded and laid out at its ratio (no overflow on a phone).
    width = page.evaluate("document.querySelector('img.detail-image').getBoundingClientRect().width")
    assert 0 < width <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
