"""Who may see and do what in sponsorship: households (special-category data, scoped by organisation),
their transfers, and the sponsors' own records. One predicate per question, one scoped-queryset helper
per model; the role questions are `portal.access`'s."""

from django.db.models import QuerySet

from portal.access import is_admin, is_caseworker, is_caseworker_of, is_signed_in, organisation_scoped
from sponsorship.households.models import Household, HouseholdTransfer
from sponsorship.models import SponsorProfile

# --- Households ----------------------------------------------------------------------------------------


def households_for(user) -> QuerySet[Household]:
    """The households this user may see: every one for admins, their organisation's for caseworkers,
    none for anyone else (sponsors learn of a household only through a proposal, see `matching.access`)."""
    return organisation_scoped(Household.objects.all(), user, path="organisation")


def can_view_household(user, household: Household) -> bool:
    """May this user see this household's record (the rule of `households_for`, for one household)?"""
    return is_caseworker_of(user, household.organisation_id)


def can_handle_household(user, household: Household) -> bool:
    """May this user work on this household's case: change it, propose a home, record notes, follow-ups
    and the end of a placement, request its transfer, erase it? The people who see it: the caseworkers
    of its organisation, and admins."""
    return can_view_household(user, household)


def can_record_household(user) -> bool:
    """May this user record a new household (which then belongs to their organisation)?"""
    return is_caseworker(user)


def can_merge_households(user) -> bool:
    """Duplicates may belong to different organisations: only an admin merges them."""
    return is_admin(user)


# --- Transfers between organisations ------------------------------------------------------------------


def transfers_for(user) -> QuerySet[HouseholdTransfer]:
    """The transfers this user may see: every one for admins; for caseworkers, those from or to their
    organisation; none for anyone else."""
    transfers = HouseholdTransfer.objects.all()
    return organisation_scoped(transfers, user, path="from_organisation") | organisation_scoped(
        transfers, user, path="to_organisation"
    )


def transfers_to_decide_for(user) -> QuerySet[HouseholdTransfer]:
    """The transfers this user accepts or refuses (the rule of `can_decide_transfer`, for a list): those
    requested to their organisation (every open one for admins)."""
    requested = HouseholdTransfer.objects.filter(status=HouseholdTransfer.Status.REQUESTED)
    return organisation_scoped(requested, user, path="to_organisation")


def can_decide_transfer(user, transfer: HouseholdTransfer) -> bool:
    """A caseworker of the receiving organisation (or an admin) accepts or refuses a transfer."""
    return is_caseworker_of(user, transfer.to_organisation_id)


# --- Sponsors -------------------------------------------------------------------------------------------


def is_sponsor_of(user, sponsor: SponsorProfile) -> bool:
    """Is this the sponsor profile's own account holder (who edits its offers and invites its members),
    and is the profile still there (not erased)?"""
    return is_signed_in(user) and sponsor.user_id == user.pk and sponsor.erased_at is None


def can_decide_sponsor(user) -> bool:
    """Caseworkers of any organisation verify or reject sponsors: sponsors are not scoped by organisation."""
    return is_caseworker(user)
