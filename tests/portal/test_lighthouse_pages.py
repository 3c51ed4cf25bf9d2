"""`make lighthouse` measures every kind of public page: each address it lists answers in each language."""

from http import HTTPStatus

import pytest
from django.conf import settings

from matching.management.commands.lighthouse import public_pages
from projects.seeding import content_seed

pytestmark = pytest.mark.django_db


def test_every_page_that_lighthouse_measures_answers_in_each_language(client):
    content_seed()
    pages = public_pages()
    for kind in ("/search/", "/privacy/", "/contact/", "/accessibility/", "/training/certificates/"):
        assert any(kind in page for page in pages), kind
    for code, _name in settings.LANGUAGES:
        for page in pages:
            response = client.get(page.format(lang=code))
            assert response.status_code == HTTPStatus.OK, page
