"""The roles: groups of users and their permissions. Roles are data, created by a migration
(`portal/migrations/0005_roles.py`) and kept in step with this table by `manage.py roles_ensure`
(run by `make setup` and Compose's `migrate` service after `migrate`).

Admins are superusers (`portal.access.is_admin`): they have every permission and need no group.
Changing `CASEWORKER_PERMISSIONS` needs a data migration calling `roles_ensure` again, so that every
database gets it (`tests/portal/test_access_owners.py` fails until the migrated roles match).
"""

from django.apps import apps as global_apps
from django.db.models import Q

CASEWORKERS_GROUP = "Caseworkers"
SPONSORS_GROUP = "Sponsors"

# What caseworkers may do in the admin (their workplace). Admins (superusers) may do everything.
CASEWORKER_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "sponsorship": {
        "sponsorprofile": ["view", "change"],
        "sponsorperson": ["view", "add", "change"],
        "sponsorcheck": ["view", "add", "change"],
        "consenttext": ["view"],
        "household": ["view", "add", "change"],
        "householdmember": ["view", "add", "change", "delete"],
        "municipalitypreference": ["view", "add", "change", "delete"],
        "householdtransfer": ["view", "add", "change"],
        "householdnote": ["view", "add"],
        "householdmeeting": ["view", "add", "change"],
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

ROLES: dict[str, dict[str, dict[str, list[str]]]] = {
    CASEWORKERS_GROUP: CASEWORKER_PERMISSIONS,
    SPONSORS_GROUP: {},
}


def role_permissions(permissions: dict[str, dict[str, list[str]]]) -> set[tuple[str, str]]:
    """The (app label, codename) pairs of a role's table."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in permissions.items()
        for model, actions in models.items()
        for action in actions
    }


def permissions_create(*, apps=global_apps, app_labels=None) -> None:
    """The content types and default permissions of the apps' models exist (Django creates them after
    `migrate`, too late for a data migration of a fresh database)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        if app_labels is not None and app_config.label not in app_labels:
            continue
        # Historical apps have no models module, which `create_permissions` takes for "no models".
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module


def roles_ensure(*, apps=global_apps) -> None:
    """The role groups exist with (at least) their permissions. Idempotent; permissions given by hand
    are kept. `apps` is a migration's historical registry, or the project's."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions_create(apps=apps, app_labels={label for table in ROLES.values() for label in table})
    for name, table in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = role_permissions(table)
        if not wanted:
            continue
        query = Q()
        for app_label, codename in wanted:
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(query))
