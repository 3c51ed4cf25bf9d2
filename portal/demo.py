"""Demo data for development (`manage.py demo_setup`, run by `make run`). Idempotent."""

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


def demo_data_ensure() -> None:
    """Each feature's demo data, for the demo accounts (after `demo_accounts_ensure`)."""
    from housing.demo import demo_sponsors_ensure
    from matching.demo import demo_matching_ensure, demo_mediation_ensure, demo_staff_mfa_ensure
    from training.demo import demo_training_ensure

    users = {user.email: user for user in User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS])}
    demo_sponsors_ensure(
        sponsor=users["sponsor@example.org"],
        group_lead=users["group@example.org"],
        caseworker=users["caseworker@example.org"],
    )
    demo_staff_mfa_ensure(users=[users["admin@example.org"], users["caseworker@example.org"]])
    demo_training_ensure(
        sponsor=users["sponsor@example.org"],
        group_lead=users["group@example.org"],
        caseworker=users["caseworker@example.org"],
    )
    demo_mediation_ensure(caseworker=users["caseworker@example.org"], admin=users["admin@example.org"])
    demo_matching_ensure(caseworker=users["caseworker@example.org"], admin=users["admin@example.org"])
