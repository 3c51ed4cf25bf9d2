"""The admin at national scale, timed: every admin list a caseworker can open, a search on it and a
change page, through the real middleware (Django's test client, in process), on the data of
`matching.bench_national`. Used by `manage.py bench_admin` and the unified `make bench`.

The pages are not a fixed list: they are the admin site's registered model admins that the
benchmark's caseworker (of the largest organisation) may view, so a new admin is timed as soon as it
is registered. Each page is requested once to warm up, once to count its queries, then `rounds`
times to time it.
"""

from __future__ import annotations

import statistics
import time
from urllib.parse import urlencode

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from matching.bench_national import BENCH_CASEWORKER_EMAIL, national_data_create, national_data_present
from portal.models import User

# Searches a caseworker types, beyond the generic one (the first search field's value of a listed row).
EXTRA_SEARCHES = {
    ("sponsorship", "household"): [("search by name", "Kovalenko")],
}


def _bench_caseworker():
    """The benchmark's caseworker, with an authenticator: the staff second factor is set up (as
    `portal.middleware.StaffMFAMiddleware` requires), and the forced login stands for a sign-in that
    passed allauth's MFA stage."""
    user = User.objects.get(email=BENCH_CASEWORKER_EMAIL)
    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def _host() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host and not host.startswith(".")]
    return hosts[0] if hosts else "localhost"


def _value_at(obj, path: str) -> str:
    for part in path.lstrip("^=@").split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
    return str(obj)


def _pages(user) -> list[tuple[str, str]]:
    """(name, url) of each page to time: per admin the caseworker may view, its list, a search on it and
    the change page of the first listed record."""
    request = RequestFactory().get("/")
    request.user = user
    pages = [("admin index", reverse("admin:index"))]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        if not (model_admin.has_module_permission(request) and model_admin.has_view_permission(request)):
            continue
        opts = model._meta
        name = str(opts.verbose_name_plural)
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        pages.append((f"{name}: list", changelist))
        queryset = model_admin.get_queryset(request)
        first = queryset.order_by(*(model_admin.get_ordering(request) or opts.ordering or ["-pk"])).first()
        if first is None:
            continue
        searches = []
        for field in model_admin.get_search_fields(request):
            value = _value_at(first, field)
            if value:
                searches.append(("search", value))
                break
        searches += EXTRA_SEARCHES.get((opts.app_label, opts.model_name), [])
        for label, term in searches:
            pages.append((f"{name}: {label}", f"{changelist}?{urlencode({'q': term})}"))
        pages.append((f"{name}: change", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])))
    return pages


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def admin_bench(*, rounds: int = 10, generate: bool = False) -> list[dict]:
    """Time every caseworker admin page at national scale: one row per page with its URL, p50 and p90
    in milliseconds over `rounds` requests, the number of queries and the status code. The data must be
    there (`manage.py bench_national_data`); `generate=True` writes it when it is missing."""
    if not national_data_present():
        if not generate:
            raise RuntimeError("No national-scale data: run `manage.py bench_national_data` first.")
        national_data_create()
    user = _bench_caseworker()
    client = Client(HTTP_HOST=_host())
    client.force_login(user)
    rows = []
    for page, url in _pages(user):
        response = client.get(url, secure=True)  # warm up: content types, permissions, templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        # Counted now: the next request clears the connection's query log.
        query_count = len(queries)
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "page": page,
                "url": url,
                "status": response.status_code,
                "p50_ms": round(statistics.median(timings), 1),
                "p90_ms": round(_percentile(timings, 0.9), 1),
                "queries": query_count,
            }
        )
    return rows
