"""The yardstick of the page benchmark: a bare Django view returning a small HTML page.

This module is its own settings module, URLconf and WSGI application, so that `manage.py bench` can
run it under the same gunicorn settings as the portal (`gunicorn portal.bench_bare:application` with
DJANGO_SETTINGS_MODULE=portal.bench_bare). No apps, no database, the security and common middleware
only: what any Django site pays per request before doing any work of its own.
"""

import os

from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "bench-bare-view-only-not-a-real-secret-0123456789abcdefghijklmnop"  # noqa: S105 (serves nothing)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
USE_I18N = False
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]

PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Bare view</title></head>'
    "<body><main><h1>A bare Django view</h1><p>The page benchmark's yardstick.</p></main></body></html>\n"
)


def bare(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", bare)]

# Last, once every setting above exists: Django imports this very module as its settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
