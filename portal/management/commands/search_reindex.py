from django.core.management.base import BaseCommand

from portal.search import search_reindex


class Command(BaseCommand):
    help = "Rebuild the site-wide search index from the public content (all kinds, or those given)."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="Kinds to rebuild (project, practice, news, …); all by default.")

    def handle(self, *args, kinds: list[str], **options):
        counts = search_reindex(kinds=kinds or None)
        for kind, rows in counts.items():
            self.stdout.write(f"{kind}: {rows} rows")
        self.stdout.write(f"Search index: {sum(counts.values())} rows written.")
