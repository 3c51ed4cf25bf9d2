"""Who is who: the role questions every app asks, answered once.

Each app has an `access` module with its own questions (`sponsorship.access.can_view_household`,
`housing.access.can_inspect_offer`, …) and one scoped-queryset helper per model holding personal or
organisation data (`households_for(user)`, `offers_for(user)`, `proposals_for(user)`, …), used by every
admin class, selector, view and service. They are built on the questions here; nothing else reads
`is_staff`, `is_superuser` or a user's organisation to decide what someone may see or do.

The roles (groups and their permissions) are data: see `portal.roles`.
"""

from django.db.models import QuerySet


def is_signed_in(user) -> bool:
    """An active account that signed in (never the anonymous user or a deactivated account)."""
    return user is not None and user.is_authenticated and user.is_active


def is_admin(user) -> bool:
    """An admin (a superuser): sees every organisation's records and may do everything."""
    return is_signed_in(user) and user.is_superuser


def is_caseworker(user) -> bool:
    """Staff of the back office: a caseworker, or an admin (who may do whatever a caseworker does).
    What each may do there is further limited by the group's permissions (`portal.roles`) and, for
    beneficiaries' records, by their organisation (`is_caseworker_of`)."""
    return is_signed_in(user) and user.is_staff


def is_caseworker_of(user, organisation_id: int | None) -> bool:
    """May this user handle the records of that organisation: an admin, or a caseworker who belongs to it."""
    if is_admin(user):
        return True
    return is_caseworker(user) and organisation_id is not None and user.organisation_id == organisation_id


def organisation_scoped(queryset: QuerySet, user, *, path: str) -> QuerySet:
    """`queryset` narrowed to what `user` may see, where `path` leads from each row to the organisation
    responsible for it ("organisation", "household__organisation", …): every row for admins, their
    organisation's rows for a caseworker who belongs to one, none for anyone else. The one place where a
    user's organisation filters rows; `is_caseworker_of` is the same rule for one row."""
    if is_admin(user):
        return queryset
    if is_caseworker(user) and user.organisation_id:
        return queryset.filter(**{f"{path}_id": user.organisation_id})
    return queryset.none()


def needs_second_factor(user) -> bool:
    """Staff who may read beneficiaries' data sign in with a second factor (see `portal.middleware`)."""
    return is_caseworker(user) and user.has_perm("sponsorship.view_household")


def can_apply_retention(user) -> bool:
    """The retention schedule runs by itself every day; only an admin applies it by hand."""
    return is_admin(user)
