"""Write (or clear) the national-scale data the admin benchmark reads: see `matching.bench_national`."""

import json as json_module
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.bench_national import (
    NotPostgreSQL,
    Sizes,
    national_data_clear,
    national_data_counts,
    national_data_create,
    national_data_present,
)


class Command(BaseCommand):
    help = (
        "Write 100,000 households, 100,000 offers, 50,000 proposals and 2,000,000 audit-log rows (tagged) "
        "with bulk SQL, for `bench_admin`. PostgreSQL only. Does nothing when the data is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the national sizes (default 1).")
        parser.add_argument("--force", action="store_true", help="Clear the tagged data and write it again.")
        parser.add_argument("--clear", action="store_true", help="Only clear the tagged data.")
        parser.add_argument("--json", action="store_true", help="Print the timings as one JSON object.")

    def handle(self, *args, scale: float, force: bool, clear: bool, json: bool, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")
        log = (lambda message: None) if json else (lambda message: self.stdout.write(message))
        sizes = Sizes.scaled(scale)
        report: dict = {"sizes": sizes.__dict__}
        try:
            if clear or force or not national_data_present(sizes):
                report["clear_seconds"] = round(national_data_clear(log=log), 1)
            if clear:
                report["counts"] = national_data_counts()
            elif not force and national_data_present(sizes):
                report["skipped"] = "the data is already there (--force writes it again)"
                report["counts"] = national_data_counts()
            else:
                started = time.perf_counter()
                report["seconds"] = national_data_create(sizes=sizes, log=log)
                report["seconds"]["total_with_clear"] = round(
                    time.perf_counter() - started + report.get("clear_seconds", 0), 1
                )
                report["counts"] = national_data_counts()
        except NotPostgreSQL as error:
            raise CommandError(str(error)) from None
        if json:
            self.stdout.write(json_module.dumps(report))
        else:
            for key, value in report.items():
                self.stdout.write(f"{key}: {value}")
