"""Test settings: the base settings with fast hashing, locmem mail and cache, and eager Celery.

DATABASE_URL and REDIS_URL are honoured as in production, so `make test` with them set runs on
PostgreSQL and Redis. Celery stays eager here; tests marked `needs_redis` start a real worker and
switch eager mode off for their duration.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
# Production settings refuse to start without an explicit email backend; tests use locmem (below).
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .base import *  # noqa: E402,F403
from .base import REDIS_URL  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# The page cache is off in tests (each test asks for pages rendered from its own rows); the tests of the
# cache itself (tests/portal/test_page_cache.py) turn it on.
PAGE_CACHE_SECONDS = 0
SESSION_COOKIE_SECURE = False
# The test client and the live server speak plain HTTP (production redirects to HTTPS).
SECURE_SSL_REDIRECT = False
CSRF_COOKIE_SECURE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_AUTOREFRESH = True
# Pages name static files as they are, so that tests need no `collectstatic`; the production storage
# (hashed names, compression, immutable caching) has its own test (tests/portal/test_static_files.py).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A queue of its own, so that a developer's running `make worker` never takes the tests' tasks.
CELERY_TASK_DEFAULT_QUEUE = f"portal-test-{os.getpid()}"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL

LOGGING = {"version": 1, "disable_existing_loggers": False}
