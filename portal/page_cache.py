"""Whole-page cache of the public pages, for visitors who are not signed in.

Public views opt in (`PageCacheMixin` on a class-based view, `@page_cacheable` on a function view).
`PageCacheMiddleware` sits near the top of MIDDLEWARE, before sessions and authentication, so that a hit
costs one cache round trip and nothing else. A page is

- looked up and stored only for a GET without the session cookie (anyone signed in, or with messages
  waiting in a session, always gets a fresh page), whose path starts with a language prefix;
- stored only when the view opted in, the answer is a 200 that sets no cookie, did not use a CSRF
  token (a form on the page), left no flash message, and is not marked private or no-store;
- keyed by scheme, host, path and the query string with its parameters sorted, and by language
  through the path's prefix (`/lt/`, `/en/`, `/bg/`);
- served only while the content is unchanged: each entry holds the content generation read when its
  request began, and any save, delete or many-to-many change of a registered content model (the apps
  register their models: `content_models_register`, so that portal imports no app above it),
  `seed_content` and the translations' deployment bump the generation, so that an edit in the admin
  shows on the next request. An entry older than PAGE_CACHE_SECONDS is dropped in any case.

Beneficiaries' data is never on a public page, and never in this cache: responses to anyone signed in
are not stored (they have the session cookie), nor anything marked private.

The cache is the "pages" cache: Redis when REDIS_URL is set (shared by every worker), else files under
var/ (shared by the processes of one machine). It fails soft: every call is bounded by
PAGE_CACHE_TIMEOUT, and after a failure this process leaves the cache alone for PAGE_CACHE_PAUSE seconds
and renders pages as if there were no cache, so a stopped or frozen Redis slows at most one request
per pause.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "page-cache:generation"
# A longer query string is not cached: nobody links to it, and it could only fill the cache.
MAX_QUERY_LENGTH = 256
# What browsers may do with a public page: keep it, but ask again each time (cheap for us: a hit).
PUBLIC_CACHE_CONTROL = "max-age=0, must-revalidate"

# After a failure, this process leaves the cache alone until then (time.monotonic()).
_paused_until = 0.0


def _enabled() -> bool:
    return float(getattr(settings, "PAGE_CACHE_SECONDS", 0)) > 0


def _paused() -> bool:
    return time.monotonic() < _paused_until


def _failed(operation: str, exc: BaseException) -> None:
    global _paused_until
    _local.reset()
    _paused_until = time.monotonic() + float(getattr(settings, "PAGE_CACHE_PAUSE", 5))
    logger.warning("Page cache %s failed, pages are rendered without it for a while: %s", operation, type(exc).__name__)


def pause_clear() -> None:
    """Forget an earlier failure and the pages kept in the process (tests)."""
    global _paused_until
    _paused_until = 0.0
    _local.reset()


def _cache():
    return caches[CACHE_ALIAS]


class _ReusedClient(RedisCacheClient):
    """Django's Redis client builds a new `redis.Redis` object (with its ~170 response callbacks) on
    every call, about as costly as the cache read itself: keep one per connection pool instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with a reused client (the "pages" cache: one read per page served)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient


# --- Pages kept in the process -------------------------------------------------------------------
#
# With Redis, each worker also keeps the pages it served lately, so that a hit needs no round trip at
# all: the worker subscribes to the channel on which every invalidation is published, and before each
# request reads what arrived (a non-blocking look at the socket). It also reads the generation from
# Redis once every PAGE_CACHE_CHECK seconds, which bounds the effect of a message lost with a broken
# connection and notices a frozen Redis. Without a live subscription nothing is served from here.


class _Local:
    def __init__(self) -> None:
        self.pid = 0
        self.pubsub = None
        self.generation: int | None = None
        self.checked = 0.0
        self.entries: OrderedDict[str, tuple[float, tuple]] = OrderedDict()

    def reset(self) -> None:
        if self.pubsub is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.pubsub.close()
        self.__init__()


_local = _Local()


def _redis():
    return _cache()._cache.get_client(write=True)


def _channel() -> str:
    return _cache().make_key("page-cache:invalidated")


def _local_generation() -> int | None:
    """The current generation known to this process without a round trip, or None when pages are not
    kept in the process (no Redis, or the subscription is not live: then raises the cache's error)."""
    if not isinstance(_cache(), RedisCache):
        return None
    if _local.pid != os.getpid():  # a new (forked) worker: nothing inherited is valid
        _local.reset()
        _local.pid = os.getpid()
    if _local.pubsub is None:
        pubsub = _redis().pubsub(ignore_subscribe_messages=True)
        _local.pubsub = pubsub
        pubsub.subscribe(_channel())
        _local.generation = None
    while (message := _local.pubsub.get_message(timeout=0)) is not None:
        if message.get("type") == "message":
            _local.generation = None
    now = time.monotonic()
    if _local.generation is None or now - _local.checked > float(getattr(settings, "PAGE_CACHE_CHECK", 1)):
        generation = _cache().get(GENERATION_KEY)
        if generation is None:
            _cache().add(GENERATION_KEY, 0, timeout=None)
            generation = _cache().get(GENERATION_KEY, 0)
        if generation != _local.generation:
            _local.entries.clear()
        _local.generation = generation
        _local.checked = now
    return _local.generation


def _local_keep(key: str, entry: tuple) -> None:
    _local.entries[key] = (time.monotonic() + float(settings.PAGE_CACHE_SECONDS), entry)
    _local.entries.move_to_end(key)
    while len(_local.entries) > int(getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 200)):
        _local.entries.popitem(last=False)


# --- Invalidation ---------------------------------------------------------------------------------


def page_cache_invalidate() -> None:
    """Every cached page is stale from now on: the next request renders it again.

    Called after any change of content shown on public pages (the registered models' signals do it),
    at once and again when the transaction commits: a page rendered from the old rows while the change
    was being committed is stored under the generation it began with, which is then no longer current.
    """
    _generation_bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_generation_bump)


def _generation_bump() -> None:
    if not _enabled() or _paused():
        # A cache we cannot reach keeps nothing we could serve afterwards except through a restart of
        # Redis (which empties it) or a thaw; entries expire after PAGE_CACHE_SECONDS at the latest.
        return
    generation = time.time_ns()
    try:
        _cache().set(GENERATION_KEY, generation, timeout=None)
        if isinstance(_cache(), RedisCache):
            _redis().publish(_channel(), generation)
    except Exception as exc:  # noqa: BLE001 — any failure of the cache must leave the edit saved
        _failed("invalidation", exc)
    _local.entries.clear()


def _content_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after: once is enough
    page_cache_invalidate()


_registered: set[type[Model]] = set()


def content_models_register(models: Iterable[type[Model]]) -> None:
    """The rows of these models are shown on public pages: any change of one invalidates the cache.
    Each app registers its own models in its `AppConfig.ready`."""
    for model in models:
        if model in _registered:
            continue
        _registered.add(model)
        uid = f"page-cache:{model._meta.label}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"{uid}:{field.name}:m2m")


# --- Opting in ------------------------------------------------------------------------------------


class PageCacheMixin:
    """A public class-based view whose page anonymous visitors may get from the page cache."""

    page_cacheable = True


def page_cacheable(view: Callable) -> Callable:
    """A public function view whose page anonymous visitors may get from the page cache."""
    view.page_cacheable = True  # type: ignore[attr-defined]
    return view


def _view_cacheable(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    func = match.func
    view_class = getattr(func, "view_class", None)
    return bool(getattr(view_class or func, "page_cacheable", False))


# --- Keys -----------------------------------------------------------------------------------------


def _deploy_version() -> str:
    """Changes when the translations, templates or static files do (a deployment): pages rendered by
    the code before it are not served after it."""
    digest = hashlib.sha256()
    roots = [*map(Path, settings.LOCALE_PATHS), *(Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", []))]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    files = [manifest] if manifest.exists() else []
    for root in roots:
        files += sorted(path for path in root.rglob("*") if path.suffix in {".mo", ".html", ".txt"})
    for path in files:
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


_version: str | None = None


def _key(request) -> str | None:
    global _version
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return None
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 — a disallowed host: the normal path answers it
        return None
    if _version is None:
        _version = _deploy_version()
    normalised = urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
    raw = f"{_version}|{request.scheme}|{host}|{request.path}|{normalised}"
    return "page-cache:page:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


# --- The middleware -------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve and store whole public pages for visitors who are not signed in (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        key = _key(request)
        if key is None:
            return self.get_response(request)
        generation, entry = self._lookup(key)
        if entry is not None and generation is not None and entry[0] == generation:
            return self._response(entry)
        response = self.get_response(request)
        if generation is not None and self._may_store(request, response):
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
            self._store(key, generation, response)
        return response

    @classmethod
    def _lookup(cls, key: str) -> tuple[int | None, tuple | None]:
        """(current generation, entry): the generation is None when the cache cannot be used now."""
        try:
            generation = _local_generation()
        except Exception as exc:  # noqa: BLE001 — Redis down, frozen or refusing: render without it
            _failed("read", exc)
            return None, None
        if generation is None:
            return cls._shared_lookup(key)
        expires, entry = _local.entries.get(key, (0.0, None))
        if entry is not None and entry[0] == generation and time.monotonic() < expires:
            _local.entries.move_to_end(key)
            return generation, entry
        try:
            entry = _cache().get(key)
        except Exception as exc:  # noqa: BLE001
            _failed("read", exc)
            return None, None
        if entry is not None and entry[0] == generation:
            _local_keep(key, entry)
        return generation, entry

    def _may_use_cache(self, request) -> bool:
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and request.path.startswith(self.prefixes)
            and _enabled()
            and not _paused()
        )

    @staticmethod
    def _shared_lookup(key: str) -> tuple[int | None, tuple | None]:
        """The generation and the entry, in one read of the shared cache (files or memory)."""
        try:
            found = _cache().get_many([GENERATION_KEY, key])
        except Exception as exc:  # noqa: BLE001 — Redis down, frozen or refusing: render without it
            _failed("read", exc)
            return None, None
        generation = found.get(GENERATION_KEY)
        if generation is None:
            # No generation yet (an empty cache): start one; entries stored under it are valid.
            generation = 0
            try:
                _cache().add(GENERATION_KEY, generation, timeout=None)
                generation = _cache().get(GENERATION_KEY, 0)
            except Exception as exc:  # noqa: BLE001
                _failed("read", exc)
                return None, None
        return generation, found.get(key)

    @staticmethod
    def _may_store(request, response) -> bool:
        cache_control = response.get("Cache-Control", "")
        messages = getattr(request, "_messages", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_USED")
            # A CSP nonce is for one response only; a stored page would hand the same one to everybody.
            and getattr(request, "_csp_nonce", None) is None
            and "no-store" not in cache_control
            and "private" not in cache_control
            and not (messages is not None and getattr(messages, "added_new", False))
            and not (getattr(request, "user", None) is not None and request.user.is_authenticated)
            and _view_cacheable(request)
        )

    @staticmethod
    def _store(key: str, generation: int, response) -> None:
        entry = (generation, response.status_code, list(response.items()), response.content)
        try:
            _cache().set(key, entry, timeout=float(settings.PAGE_CACHE_SECONDS))
        except Exception as exc:  # noqa: BLE001
            _failed("write", exc)
            return
        if _local.generation == generation:
            _local_keep(key, entry)

    @staticmethod
    def _response(entry: tuple) -> HttpResponse:
        _generation, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response
