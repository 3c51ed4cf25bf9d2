"""The page cache of public pages (portal.page_cache): what is stored, for whom, and when it is dropped."""

import time
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import page_cache


@pytest.fixture
def cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    return settings


@pytest.fixture
def kaunas(db):
    from projects.models import Municipality

    return Municipality.objects.create(
        slug="kaunas", country="LT", kind="city", name_lt="Kaunas LT", name_en="Kaunas EN", name_bg="Каунас"
    )


def _get(client, url: str, **extra) -> tuple[object, int]:
    """The response and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


@pytest.mark.django_db
def test_a_public_page_is_rendered_once_then_served_from_the_cache_with_its_headers(client, cache_on, kaunas):
    first, rendered = _get(client, "/en/municipalities/kaunas/")
    second, cached = _get(client, "/en/municipalities/kaunas/")
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert rendered > 0
    assert cached == 0
    assert second.content == first.content
    assert "Kaunas EN" in second.content.decode()
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Content-Language"):
        assert second[header] == first[header]
    assert second["Cache-Control"] == page_cache.PUBLIC_CACHE_CONTROL
    assert "Set-Cookie" not in second


@pytest.mark.django_db
def test_an_edit_in_the_admin_shows_on_the_next_request(client, cache_on, kaunas, superuser):
    assert "Kaunas EN" in client.get("/en/municipalities/").content.decode()
    assert _get(client, "/en/municipalities/")[1] == 0  # cached

    from django.test import Client

    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        f"/en/admin/projects/municipality/{kaunas.pk}/change/",
        {
            "slug": "kaunas",
            "name_lt": "Kaunas LT",
            "name_en": "Kaunas edited",
            "name_bg": "Каунас",
            "country": "LT",
            "kind": "city",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]

    page, queries = _get(client, "/en/municipalities/")
    assert queries > 0
    assert "Kaunas edited" in page.content.decode()
    assert "Kaunas edited" in client.get("/en/municipalities/kaunas/").content.decode()


@pytest.mark.django_db
def test_many_to_many_changes_and_deletes_invalidate_too(client, cache_on, kaunas, project_factory):
    project = project_factory(slug="p1", title="Housing first")
    assert "Housing first" not in client.get("/en/municipalities/kaunas/").content.decode()
    project.municipalities.add(kaunas)
    assert "Housing first" in client.get("/en/municipalities/kaunas/").content.decode()
    project.delete()
    assert "Housing first" not in client.get("/en/municipalities/kaunas/").content.decode()


@pytest.mark.django_db
def test_signed_in_visitors_never_get_or_fill_the_cache(client, cache_on, kaunas, user_factory):
    anonymous_page = client.get("/en/municipalities/").content.decode()
    assert "Sign out" not in anonymous_page
    client.force_login(user_factory())
    signed_in, queries = _get(client, "/en/municipalities/")
    assert queries > 0
    assert "Sign out" in signed_in.content.decode()
    assert "no-store" in signed_in["Cache-Control"]

    caches[page_cache.CACHE_ALIAS].clear()
    client.get("/en/municipalities/")  # signed in: not stored
    client.logout()
    assert _get(client, "/en/municipalities/")[1] > 0


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_cache_urls")
@pytest.mark.parametrize("path", ["/en/not-opted-in/", "/en/form/", "/en/cookie/", "/en/message/", "/plain/"])
def test_pages_not_opted_in_or_with_a_csrf_token_a_cookie_or_a_message_are_never_stored(client, cache_on, path):
    client.get(path)
    client.cookies.clear()
    assert not caches[page_cache.CACHE_ALIAS].get_many([key for key in [page_cache._key(_request(path))] if key]), (
        "stored"
    )


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.page_cache_urls")
def test_an_opted_in_page_is_stored_and_anyone_with_a_session_bypasses_it(client, cache_on):
    client.get("/en/plain/")
    assert caches[page_cache.CACHE_ALIAS].get(page_cache._key(_request("/en/plain/")))
    # An anonymous visitor with a session (a message waiting, say) gets the page rendered for them.
    client.cookies["sessionid"] = "anything"
    caches[page_cache.CACHE_ALIAS].set(page_cache._key(_request("/en/plain/")), (0, 200, [], b"stale"))
    assert client.get("/en/plain/").content == b"plain"


def _request(path: str):
    from django.test import RequestFactory

    return RequestFactory().get(path)


@pytest.mark.django_db
def test_languages_and_query_strings_are_cached_apart(client, cache_on, kaunas):
    assert "Kaunas LT" in client.get("/lt/municipalities/").content.decode()
    assert "Kaunas EN" in client.get("/en/municipalities/").content.decode()
    assert "Каунас" in client.get("/bg/municipalities/").content.decode()
    assert "Kaunas LT" in client.get("/lt/municipalities/").content.decode()  # from the cache, still Lithuanian

    client.get("/en/projects/?theme=a&year=2024")
    assert _get(client, "/en/projects/?year=2024&theme=a")[1] == 0  # the same query, reordered
    assert _get(client, "/en/projects/?theme=b&year=2024")[1] > 0


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_or_frozen_pages_are_served_at_once(client, cache_on, kaunas, own_redis):
    cache_on.CACHES = {
        **cache_on.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1, "retry_on_timeout": False},
        },
    }
    client.get("/en/municipalities/")
    assert _get(client, "/en/municipalities/")[1] == 0  # cached in Redis

    for fault in (own_redis.freeze, own_redis.stop):
        page_cache.pause_clear()
        fault()
        durations = []
        for _ in range(5):
            started = time.monotonic()
            response = client.get("/en/municipalities/")
            durations.append(time.monotonic() - started)
            assert response.status_code == HTTPStatus.OK
            assert kaunas.name_en in response.content.decode()
        # The first request waits for the timeout once; the others skip the cache for a while.
        assert durations[0] < 1.5
        assert max(durations[1:]) < 0.5
        # Edits are saved while the cache cannot be reached.
        kaunas.name_en = f"Kaunas {fault.__name__}"
        kaunas.save()
    own_redis.start()
    page_cache.pause_clear()
    assert "Kaunas stop" in client.get("/en/municipalities/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_redis_each_process_keeps_pages_until_any_process_invalidates_them(client, cache_on, kaunas, own_redis):
    import redis

    cache_on.CACHES = {
        **cache_on.CACHES,
        "pages": {"BACKEND": "portal.page_cache.RedisCache", "LOCATION": own_redis.url, "KEY_PREFIX": "t"},
    }
    client.get("/en/municipalities/")
    assert _get(client, "/en/municipalities/")[1] == 0
    assert page_cache._local.entries  # kept in this process too

    # Another worker (or a Celery worker) saves content: it bumps the generation and publishes it.
    other = redis.Redis.from_url(own_redis.url)
    from projects.models import Municipality

    Municipality.objects.filter(pk=kaunas.pk).update(name_en="Kaunas elsewhere")  # no signal here
    other.set(caches["pages"].make_key(page_cache.GENERATION_KEY), time.time_ns())
    other.publish(caches["pages"].make_key("page-cache:invalidated"), "1")
    page, queries = _get(client, "/en/municipalities/")
    assert queries > 0
    assert "Kaunas elsewhere" in page.content.decode()
