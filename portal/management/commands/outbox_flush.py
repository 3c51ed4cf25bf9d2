import datetime

from django.core.management.base import BaseCommand

from portal.services import outbox_flush


class Command(BaseCommand):
    help = "Send the Celery tasks kept in the outbox while the broker was unavailable (for cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age", type=int, default=60, help="Only tasks waiting at least this many seconds (default 60)."
        )

    def handle(self, *args, min_age: int = 60, **options):
        sent = outbox_flush(min_age=datetime.timedelta(seconds=min_age))
        self.stdout.write(f"{sent} task(s) sent.")
