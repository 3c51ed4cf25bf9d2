from django.core.management.base import BaseCommand, CommandError

from projects.seeding import SeedError, content_seed


class Command(BaseCommand):
    help = (
        "Load the portal's first real content (projects, practices, news, events, resources) in LT, EN and BG. "
        "Idempotent; existing records are kept as edited unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Bring existing records back to the seed files.")

    def handle(self, *args, update: bool = False, **options):
        try:
            report = content_seed(update=update)
        except SeedError as exc:
            raise CommandError(f"Seed content not loaded: {exc}") from exc
        created = sum(report.created.values())
        updated = sum(report.updated.values())
        unchanged = sum(report.unchanged.values())
        self.stdout.write(f"Seed content: {created} created, {updated} updated, {unchanged} unchanged.")
