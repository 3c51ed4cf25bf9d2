"""`manage.py bench` (`make bench`): every benchmark of the portal in one table (or one JSON object).

In the top layer because it composes every app's benchmark:

- pages: the public pages (lt, and a subset in en and bg) and the signed-in pages, served by gunicorn
  as in production (2 sync workers, DEBUG off) and loaded by wrk (16 connections), each against a bare
  Django view (`portal.bench_bare`) under the same server, measured interleaved; the signed-in pages
  after their floor, two pages that do nothing of their own (`portal.bench_floor`);
- admin: `matching.bench_admin.admin_bench()` (the back office at national scale; on PostgreSQL, which
  generates the national data first when it is missing, in under five minutes);
- matching: `matching.benchmark.matching_bench(sizes=...)` at 10k (and 100k with BENCH_FULL=1);
- weight: `portal.page_weight.page_weight(paths)` (bytes transferred on a first load).

Run it on a benchmark database, never on production: the signed-in pages need the demo accounts
and their data, which it creates when missing (with an unusable random password). BENCH_SECONDS
(default 5) is the duration of each wrk run.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from housing.models import HousingOffer
from matching.bench_admin import admin_bench
from matching.bench_national import national_data_clear, national_data_present
from matching.benchmark import matching_bench
from matching.demo import demo_data_ensure
from portal import bench
from portal.bench_floor import FLOOR_PATHS
from portal.demo import demo_accounts_ensure
from portal.models import User
from portal.page_weight import page_weight
from projects.models import Event, GoodPractice, Municipality, NewsItem, Project

BENCH_URLCONF = "portal.bench_floor"
SECTIONS = ("pages", "signed", "admin", "matching", "weight")
# The bare view is measured again after this many pages; each page is compared with the mean of the
# two bare measurements around it.
BARE_EVERY = 4


def public_paths() -> list[str]:
    """The public pages measured: each in Lithuanian, and the main ones in English and Bulgarian too."""

    def slug(model, preferred: str = "") -> str:
        if preferred and model.objects.filter(slug=preferred).exists():
            return preferred
        return model.objects.order_by("pk").values_list("slug", flat=True).first() or "missing"

    project = f"/{{lang}}/projects/{slug(Project, 'rise')}/"
    pages = [
        "/{lang}/",
        "/{lang}/projects/",
        project,
        "/{lang}/good-practices/",
        f"/{{lang}}/good-practices/{slug(GoodPractice)}/",
        "/{lang}/municipalities/",
        f"/{{lang}}/municipalities/{slug(Municipality, 'kaunas-city')}/",
        "/{lang}/news/",
        f"/{{lang}}/news/{slug(NewsItem)}/",
        "/{lang}/events/",
        f"/{{lang}}/events/{slug(Event)}/",
        "/{lang}/resources/",
        "/{lang}/training/",
    ]
    subset = ["/{lang}/", "/{lang}/projects/", project, "/{lang}/resources/", "/{lang}/training/"]
    return [page.format(lang="lt") for page in pages] + [
        page.format(lang=lang) for lang in ("en", "bg") for page in subset
    ]


def _session_cookie(user: User, *, secret_key: str) -> str:
    """A session cookie for `user`, signed in with password and second factor (as allauth records it),
    made with the server's secret key."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    now = time.time()
    methods: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        methods.append({"method": "mfa", "at": now, "id": totp.pk, "type": totp.type})
    with override_settings(SECRET_KEY=secret_key):
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[AUTHENTICATION_METHODS_SESSION_KEY] = methods
        store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def signed_in_pages(*, secret_key: str) -> list[tuple[str, str]]:
    """(path, cookie) of the floor pages (`portal.bench_floor`), the sponsor's dashboard and offer page
    and the caseworker's dashboard, for the demo accounts (created, with an unusable password, when
    missing)."""
    emails = {"sponsor": "sponsor@example.org", "caseworker": "caseworker@example.org"}
    if User.objects.filter(email__in=emails.values()).count() < len(emails):
        demo_accounts_ensure(password=secrets.token_urlsafe(32))
        demo_data_ensure()
    sponsor = User.objects.get(email=emails["sponsor"])
    caseworker = User.objects.get(email=emails["caseworker"])
    sponsor_cookie = _session_cookie(sponsor, secret_key=secret_key)
    # First the floor: what any signed-in page pays before its own work (portal.bench_floor).
    pages = [(path, sponsor_cookie) for path in FLOOR_PATHS]
    pages.append(("/lt/sponsor/", sponsor_cookie))
    offer = HousingOffer.objects.filter(sponsor__user=sponsor).order_by("pk").first()
    if offer is not None:
        pages.append((f"/lt/sponsor/offers/{offer.pk}/", sponsor_cookie))
    pages.append(("/lt/caseworker/", _session_cookie(caseworker, secret_key=secret_key)))
    return pages


def queries_of(path: str, *, user: User | None = None) -> int:
    """The queries the page runs when it is rendered (the page cache off)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    with (
        override_settings(
            ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, PAGE_CACHE_SECONDS=0, ROOT_URLCONF=BENCH_URLCONF
        ),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get(path, HTTP_HOST="127.0.0.1")
    return len(queries)


class Command(BaseCommand):
    help = "Run the benchmarks (pages, signed-in pages, admin, matching, page weight) and print one table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of the table.")
        parser.add_argument(
            "--only",
            default=",".join(SECTIONS),
            help=f"Comma-separated sections (default: all of {', '.join(SECTIONS)}).",
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=float(os.environ.get("BENCH_SECONDS", "5")),
            help="Duration of each wrk run (BENCH_SECONDS, default 5).",
        )
        parser.add_argument("--paths", default="", help="Comma-separated public paths instead of the default set.")
        parser.add_argument(
            "--full",
            action="store_true",
            default=os.environ.get("BENCH_FULL", "") not in ("", "0"),
            help="Also the 100k matching benchmark (BENCH_FULL=1).",
        )

    def handle(self, *args, json: bool = False, only: str = "", seconds: float = 5, paths: str = "", full=False, **_):
        sections = [name.strip() for name in only.split(",") if name.strip()]
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise CommandError(f"Unknown sections: {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)}).")
        report: dict[str, Any] = {
            "environment": {"cpus": os.cpu_count(), "database": connection.vendor, "seconds": seconds},
        }
        if "pages" in sections or "signed" in sections:
            public = [p for p in paths.split(",") if p] or public_paths() if "pages" in sections else []
            report |= self.pages(public=public, signed="signed" in sections, seconds=seconds)
        # Matching first: a run takes every household seeking a home, the national data's too.
        if "matching" in sections:
            sizes = [10_000, 100_000] if full else [10_000]
            report["matching"] = matching_bench(sizes=sizes)
        if "admin" in sections:
            report["admin"] = (
                self.admin()
                if connection.vendor == "postgresql"
                else {"skipped": f"national-scale data needs PostgreSQL (DATABASE_URL), not {connection.vendor}"}
            )
        if "weight" in sections:
            weight_paths = [p for p in paths.split(",") if p] or [p for p in public_paths() if p.startswith("/lt/")]
            report["weight"] = page_weight(weight_paths)
        if json:
            self.stdout.write(_json_dumps(report))
        else:
            self.stdout.write(render_table(report))

    @staticmethod
    def admin() -> list[dict[str, Any]]:
        # Timed in this process as in production: DEBUG off (no query log, no debug pages).
        # The national data is generated for the run and cleared after it, unless it was there before
        # (`manage.py bench_national_data`), so that the database is left as it was found.
        generated = not national_data_present()
        try:
            with override_settings(DEBUG=False):
                return admin_bench(generate=True)
        finally:
            if generated:
                national_data_clear()

    def pages(self, *, public: list[str], signed: bool, seconds: float) -> dict[str, Any]:
        secret_key = os.environ.get("BENCH_SECRET_KEY", bench.BENCH_SECRET_KEY)
        targets: list[tuple[str, str, str]] = [("pages", path, "") for path in public]
        if signed:
            targets += [("signed", path, cookie) for path, cookie in signed_in_pages(secret_key=secret_key)]
        queries = {path: queries_of(path) for _, path, cookie in targets if not cookie}
        if signed:
            queries |= self._signed_queries(targets)
        # The production settings with the floor pages added to the URLconf (portal.settings.bench).
        portal = bench.Server(app="portal.wsgi:application", settings_module="portal.settings.bench")
        bare = bench.Server(app="portal.bench_bare:application", settings_module="portal.bench_bare")
        rows: dict[str, list[dict[str, Any]]] = {"bare": [], "pages": [], "signed": []}
        with bare.start(), portal.start(ready_path="/healthz"):
            for _section, path, cookie in targets:
                status, _body = bench.fetch(portal.base_url + path, cookie=cookie)
                if status != 200:
                    raise CommandError(f"{path} answers {status}, not 200: is the database seeded (seed_content)?")
            bare_runs = [self._bare(bare, seconds)]
            measured: list[tuple[str, str, bench.WrkResult, int]] = []
            for number, (section, path, cookie) in enumerate(targets, start=1):
                result = bench.wrk_run(portal.base_url + path, seconds=seconds, cookie=cookie)
                measured.append((section, path, result, len(bare_runs) - 1))
                if number % BARE_EVERY == 0 or number == len(targets):
                    bare_runs.append(self._bare(bare, seconds))
        rows["bare"] = [_row("bare", "/", result) for result in bare_runs]
        for section, path, result, before in measured:
            around = [bare_runs[before].requests_per_second, bare_runs[before + 1].requests_per_second]
            bare_rps = sum(around) / len(around)
            row = _row(section, path, result)
            row["share_of_bare"] = round(100 * result.requests_per_second / bare_rps, 1) if bare_rps else None
            row["queries"] = queries.get(path)
            rows[section].append(row)
        return {key: value for key, value in rows.items() if value}

    def _bare(self, server: bench.Server, seconds: float) -> bench.WrkResult:
        return bench.wrk_run(server.base_url + "/", seconds=seconds)

    @staticmethod
    def _signed_queries(targets) -> dict[str, int]:
        users = {
            "/lt/caseworker/": User.objects.filter(email="caseworker@example.org").first(),
        }
        sponsor = User.objects.filter(email="sponsor@example.org").first()
        found = {}
        for section, path, _cookie in targets:
            if section == "signed":
                found[path] = queries_of(path, user=users.get(path, sponsor))
        return found


def _row(section: str, path: str, result: bench.WrkResult) -> dict[str, Any]:
    return {
        "section": section,
        "page": path,
        "requests_per_second": round(result.requests_per_second, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p90_ms": round(result.p90_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "requests": result.requests,
        "errors": result.errors,
    }


def _json_dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str)


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table_rows(report: dict[str, Any]) -> list[list[str]]:
    """The report as rows of one table: section, item, req/s, % of bare, p50, p99, queries, detail."""
    rows: list[list[str]] = []
    for section in ("bare", "pages", "signed"):
        for row in report.get(section, []):
            detail = f"{row['errors']} errors" if row.get("errors") else ""
            rows.append(
                [
                    section,
                    row["page"],
                    _fmt(row["requests_per_second"]),
                    _fmt(row.get("share_of_bare")),
                    _fmt(row["p50_ms"]),
                    _fmt(row["p99_ms"]),
                    _fmt(row.get("queries")),
                    detail,
                ]
            )
    admin = report.get("admin")
    if isinstance(admin, dict):
        rows.append(["admin", "", "", "", "", "", "", admin.get("skipped", "")])
    for row in admin or [] if isinstance(admin, list) else []:
        extra = {k: v for k, v in row.items() if k not in {"page", "p50_ms", "p90_ms", "p99_ms", "queries"}}
        detail = ", ".join([f"p90 {_fmt(row.get('p90_ms'))} ms"] + [f"{k} {_fmt(v)}" for k, v in extra.items()])
        rows.append(
            [
                "admin",
                str(row.get("page", "")),
                "",
                "",
                _fmt(row.get("p50_ms")),
                _fmt(row.get("p99_ms")),
                _fmt(row.get("queries")),
                detail,
            ]
        )
    matching = report.get("matching")
    if isinstance(matching, dict):
        rows.append(["matching", "", "", "", "", "", "", matching.get("skipped", "")])
    for run in matching or [] if isinstance(matching, list) else []:
        size = run.get("size")
        label = f"{size // 1000}k" if isinstance(size, int) and size >= 1000 else str(size)
        extra = {k: v for k, v in run.items() if k not in {"size", "total_s", "peak_mb", "feasible_pairs", "phases"}}
        detail = ", ".join(
            [
                f"{_fmt(run.get('total_s'), 2)} s",
                f"{_fmt(run.get('peak_mb'), 0)} MB peak",
                f"{_fmt(run.get('feasible_pairs'))} feasible pairs",
            ]
            + [f"{k} {_fmt(v)}" for k, v in extra.items() if not isinstance(v, (list, dict))]
        )
        rows.append(["matching", f"{label} total", "", "", "", "", "", detail])
        for phase in run.get("phases", []):
            rows.append(
                [
                    "matching",
                    f"{label} {phase.get('phase')}",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{_fmt(phase.get('seconds'), 2)} s, {_fmt(phase.get('cells'))} cells",
                ]
            )
    weight = report.get("weight")
    if isinstance(weight, dict):
        rows.append(["weight", "", "", "", "", "", "", weight.get("skipped", "")])
    for row in weight or [] if isinstance(weight, list) else []:
        compressed, raw = row.get("total_compressed_bytes") or 0, row.get("total_raw_bytes") or 0
        detail = (
            f"{compressed / 1024:,.1f} KB compressed ({raw / 1024:,.1f} KB raw): HTML {_fmt(row.get('html_bytes'))} B"
            f" + {_fmt(row.get('assets'))} assets {_fmt(row.get('assets_bytes'))} B; limit 100 KB"
        )
        rows.append(["weight", str(row.get("path", "")), "", "", "", "", "", detail])
    return rows


HEADER = ["section", "page / item", "req/s", "% of bare", "p50 ms", "p99 ms", "queries", "detail"]


def render_table(report: dict[str, Any]) -> str:
    rows = [HEADER, *table_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    numeric = {2, 3, 4, 5, 6}

    def line(row: list[str]) -> str:
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        return "| " + " | ".join(cells) + " |"

    separator = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths))
    environment = report.get("environment", {})
    title = (
        f"Benchmark: {environment.get('cpus')} CPUs, {environment.get('database')}, "
        f"wrk -c16 for {environment.get('seconds')} s per page, gunicorn 2 sync workers, DEBUG off"
    )
    return "\n".join([title, "", line(HEADER), separator + "|", *[line(row) for row in rows[1:]]]) + "\n"
