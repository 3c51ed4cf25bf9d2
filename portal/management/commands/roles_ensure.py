from django.core.management.base import BaseCommand

from portal.roles import ROLES, roles_ensure


class Command(BaseCommand):
    help = "Create the role groups and give them their permissions (portal/roles.py). Idempotent."

    def handle(self, *args, **options):
        roles_ensure()
        self.stdout.write(self.style.SUCCESS(f"Roles in place: {', '.join(ROLES)}."))
