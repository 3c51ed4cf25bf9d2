from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching.demo import demo_data_ensure
from portal.demo import demo_accounts_ensure
from portal.search import search_reindex


# In the top layer: the demo data of every app is composed here (`matching.demo.demo_data_ensure`).
class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and demo data, and print the credentials. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development: run with DEBUG=1, or pass --force.")
        password = settings.DEMO_PASSWORD
        accounts = demo_accounts_ensure(password=password)
        demo_data_ensure()
        # The demo's programmes, sessions and meetings are written without the admin: index them.
        search_reindex()
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /lt/accounts/login/):"))
        for account in accounts:
            self.stdout.write(f"  {account.role:<11} {account.email:<28} password: {password}")
        self.stdout.write(
            "The sponsor has offers in several states and a housing proposal to answer; the group is waiting for "
            "a caseworker's verification; the caseworker (IOM Lithuania) has households to mediate."
        )
        bypass = settings.MFA_TOTP_INSECURE_BYPASS_CODE
        if bypass:
            self.stdout.write(f"Staff sign in with a second factor: in development the code {bypass} is accepted.")
