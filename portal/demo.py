"""Demo accounts for development (`manage.py demo_setup`, run by `make run`). Idempotent.

Each app's demo data is in its own `demo` module; `matching.demo.demo_data_ensure` (the top layer)
composes them for the accounts made here."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from portal.models import User

CASEWORKERS_GROUP = "Caseworkers"
SPONSORS_GROUP = "Sponsors"


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


# What caseworkers may do in the admin (their workplace). Admins (superusers) may do everything.
CASEWORKER_PERMISSIONS = {
    "sponsorship": {
        "sponsorprofile": ["view", "change"],
        "sponsorperson": ["view", "add", "change"],
        "sponsorcheck": ["view", "add", "change"],
        "consenttext": ["view"],
        "household": ["view", "add", "change"],
        "householdmember": ["view", "add", "change", "delete"],
        "municipalitypreference": ["view", "add", "change", "delete"],
        "householdtransfer": ["view", "add", "change"],
    },
    "matching": {
        "matchproposal": ["view", "add", "change"],
        "proposaltransition": ["view"],
        "placement": ["view", "change"],
        "followup": ["view", "change"],
        "mediationnote": ["view", "add", "change"],
        "safeguardingconcern": ["view", "add", "change"],
        # Caseworkers start matching runs and read their results; admins change the policy.
        "matchingrun": ["view", "add"],
        "matchingpolicy": ["view"],
        "unmatchedhousehold": ["view"],
    },
    "housing": {
        "housingoffer": ["view", "change"],
        "inspection": ["view", "add"],
        "offerphoto": ["view"],
        "offertransition": ["view"],
    },
    "projects": {"municipality": ["view"], "language": ["view"], "organisation": ["view"]},
    "portal": {"user": ["view"]},
}


def roles_ensure() -> None:
    """The role groups exist with their permissions (run after every migrate, and by demo_setup)."""
    from django.contrib.auth.models import Permission

    caseworkers, _created = Group.objects.get_or_create(name=CASEWORKERS_GROUP)
    Group.objects.get_or_create(name=SPONSORS_GROUP)
    wanted = []
    for models in CASEWORKER_PERMISSIONS.values():
        for model, actions in models.items():
            wanted += [f"{action}_{model}" for action in actions]
    permissions = Permission.objects.filter(content_type__app_label__in=CASEWORKER_PERMISSIONS, codename__in=wanted)
    caseworkers.permissions.add(*permissions)


@transaction.atomic
def demo_accounts_ensure(*, password: str) -> list[DemoAccount]:
    """Create or reset the demo accounts, each with a verified email address and `password`."""
    roles_ensure()
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
