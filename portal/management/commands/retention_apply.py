from django.core.management.base import BaseCommand

from portal.retention import retention_apply, retention_report


class Command(BaseCommand):
    help = "Apply the retention schedule (anonymise closed cases, delete unconfirmed registrations); for cron."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report what is due, change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            for due in retention_report():
                # Pseudonymous references only: no personal data on the console.
                self.stdout.write(f"{due.key}: {due.count} due ({due.rule}) {' '.join(due.references)}".rstrip())
            return
        for key, count in retention_apply().items():
            self.stdout.write(f"{key}: {count} handled")
