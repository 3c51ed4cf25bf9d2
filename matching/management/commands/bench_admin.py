"""Time the caseworkers' admin pages at national scale: see `matching.bench_admin`."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.bench_admin import admin_bench
from matching.bench_national import NotPostgreSQL

TARGET_P50_MS = 300


class Command(BaseCommand):
    help = "Time every admin list, search and change page a caseworker can open, on the national-scale data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=10)
        parser.add_argument("--generate", action="store_true", help="Write the national-scale data if missing.")
        parser.add_argument("--json", action="store_true", help="Print the rows as JSON.")

    def handle(self, *args, rounds: int, generate: bool, **options):
        if not 1 <= rounds <= 1000:
            raise CommandError("--rounds must be between 1 and 1000.")
        try:
            rows = admin_bench(rounds=rounds, generate=generate)
        except (NotPostgreSQL, RuntimeError) as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        width = max(len(row["page"]) for row in rows)
        self.stdout.write(f"{'page':<{width}}  {'status':>6}  {'p50 ms':>8}  {'p90 ms':>8}  {'queries':>7}")
        for row in rows:
            flag = "" if row["p50_ms"] <= TARGET_P50_MS and row["status"] == 200 else "  <-- over target"
            self.stdout.write(
                f"{row['page']:<{width}}  {row['status']:>6}  {row['p50_ms']:>8}  {row['p90_ms']:>8}  "
                f"{row['queries']:>7}{flag}"
            )
