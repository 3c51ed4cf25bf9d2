"""Demo accounts for development (`manage.py demo_setup`, run by `make run`). Idempotent.

Each app's demo data is in its own `demo` module; `matching.demo.demo_data_ensure` (the top layer)
composes them for the accounts made here."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from portal.models import User
from portal.roles import CASEWORKERS_GROUP, SPONSORS_GROUP


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    is_staff: bool = False
    is_superuser: bool = False
    group: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount(role="admin", email="admin@example.org", is_staff=True, is_superuser=True),
    DemoAccount(role="caseworker", email="caseworker@example.org", is_staff=True, group=CASEWORKERS_GROUP),
    DemoAccount(role="sponsor", email="sponsor@example.org", group=SPONSORS_GROUP),
    DemoAccount(role="group", email="group@example.org", group=SPONSORS_GROUP),
]


@transaction.atomic
def demo_accounts_ensure(*, password: str) -> list[DemoAccount]:
    """Create or reset the demo accounts, each with a verified email address and `password`, in their
    role's group (the groups are created by the roles migration)."""
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(email=account.email)
        user.is_staff = account.is_staff
        user.is_superuser = account.is_superuser
        user.is_active = True
        user.first_name = account.role.capitalize()
        user.last_name = "Demo"
        user.set_password(password)
        user.full_clean()
        user.save()
        if account.group:
            user.groups.add(Group.objects.get(name=account.group))
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
    return DEMO_ACCOUNTS
