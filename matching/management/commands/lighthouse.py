"""`manage.py lighthouse` (`make lighthouse`): Lighthouse's mobile performance and accessibility scores
of every public page in lt, en and bg, in one table.

A measurement, not a test (`make test` does not run it). The portal is served by gunicorn as in
production (`portal.bench.Server`: DEBUG off, 2 sync workers) on the configured database (the embedded
SQLite default, or DATABASE_URL), and Lighthouse 12 (pinned in tools/lighthouse/package.json, installed
with `npm ci` by the Makefile) runs on Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) at
its default mobile settings (a mid-range phone, simulated slow 4G). The target is performance ≥ 95 and
accessibility 100 on every page. In the top layer because its pages come from projects and training.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import bench
from projects.models import Event, GoodPractice, Municipality, NewsItem, Project
from training.models import Programme, RecruitmentEvent

RUNNER = Path(settings.BASE_DIR) / "tools" / "lighthouse" / "run.mjs"
LANGUAGES = ("lt", "en", "bg")
TARGET = {"performance": 95, "accessibility": 100}


def _slug(queryset) -> str | None:
    return queryset.order_by("pk").values_list("slug", flat=True).first()


def public_pages() -> list[str]:
    """Every kind of public page, with the first object of each kind (`{lang}` for the language)."""
    kinds = [
        ("/{lang}/projects/", "/{lang}/projects/%s/", Project.objects.all()),
        ("/{lang}/good-practices/", "/{lang}/good-practices/%s/", GoodPractice.objects.all()),
        ("/{lang}/municipalities/", "/{lang}/municipalities/%s/", Municipality.objects.all()),
        ("/{lang}/news/", "/{lang}/news/%s/", NewsItem.objects.all()),
        ("/{lang}/events/", "/{lang}/events/%s/", Event.objects.all()),
        ("/{lang}/training/", "/{lang}/training/programmes/%s/", Programme.objects.filter(is_published=True)),
        (None, "/{lang}/meetings/%s/", RecruitmentEvent.objects.filter(is_published=True)),
    ]
    pages = ["/{lang}/"]
    for list_page, detail, queryset in kinds:
        if list_page:
            pages.append(list_page)
        slug = _slug(queryset)
        if slug:
            pages.append(detail % slug)
    return [
        *pages,
        "/{lang}/resources/",
        "/{lang}/search/?q=Ukraina",
        "/{lang}/training/certificates/",
        "/{lang}/privacy/",
        "/{lang}/contact/",
        "/{lang}/accessibility/",
        "/{lang}/accounts/login/",
        "/{lang}/accounts/signup/",
    ]


class Command(BaseCommand):
    help = "Lighthouse mobile performance and accessibility of every public page in lt, en and bg."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", action="append", choices=LANGUAGES, help="only these languages")
        parser.add_argument("--only", help="only the pages whose path contains this text")
        parser.add_argument("--json", action="store_true", help="print the results as JSON lines")

    def handle(self, *args, **options) -> None:
        if not (RUNNER.parent / "node_modules" / "lighthouse").is_dir():
            raise CommandError("Lighthouse is not installed: run `make lighthouse` (npm ci in tools/lighthouse).")
        chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
        if not Path(chrome).exists():
            raise CommandError(f"No Chromium at {chrome}: set CHROME_PATH.")
        paths = [
            page.format(lang=lang)
            for lang in options["lang"] or LANGUAGES
            for page in public_pages()
            if not options["only"] or options["only"] in page
        ]
        server = bench.Server(app="portal.wsgi:application", settings_module="portal.settings.base")
        with server.start(ready_path="/healthz"):
            for path in paths:
                status, _body = bench.fetch(server.base_url + path)
                if status != 200:
                    raise CommandError(f"{path} answers {status}, not 200: is the database seeded (seed_content)?")
            completed = subprocess.run(
                ["node", str(RUNNER), *(server.base_url + path for path in paths)],
                env={**os.environ, "CHROME_PATH": chrome},
                capture_output=True,
                text=True,
                check=False,
            )
        rows = []
        for line in completed.stdout.splitlines():
            if line.startswith("{"):
                row = json.loads(line)
                row["path"] = row["url"].removeprefix(server.base_url)
                rows.append(row)
        if not rows:
            raise CommandError(f"Lighthouse gave no result: {completed.stderr[-2000:]}")
        if options["json"]:
            for row in rows:
                self.stdout.write(json.dumps(row))
            return
        self._table(rows)

    def _table(self, rows: list[dict]) -> None:
        width = max(len(row["path"]) for row in rows)
        self.stdout.write(f"{'page':<{width}}  perf  a11y   FCP ms   LCP ms  TBT ms    CLS  below 90")
        below = 0
        for row in rows:
            if row.get("error"):
                self.stdout.write(f"{row['path']:<{width}}  error: {row['error']}")
                below += 1
                continue
            missed = row["performance"] < TARGET["performance"] or row["accessibility"] < TARGET["accessibility"]
            below += missed
            self.stdout.write(
                f"{row['path']:<{width}}  {row['performance']:>4}  {row['accessibility']:>4}  {row['fcp']:>7}  "
                f"{row['lcp']:>7}  {row['tbt']:>6}  {row['cls']:>5.3f}  {' '.join(row['failing'])}"
                + ("  ← below target" if missed else "")
            )
        perf = [row["performance"] for row in rows if not row.get("error")]
        a11y = [row["accessibility"] for row in rows if not row.get("error")]
        self.stdout.write(
            f"{len(rows)} pages; performance min {min(perf, default=0)}, mean {sum(perf) / max(len(perf), 1):.1f}; "
            f"accessibility min {min(a11y, default=0)}; {below} below target "
            f"(performance ≥ {TARGET['performance']}, accessibility {TARGET['accessibility']})"
        )
