"""Who may see and do what in sponsorship: households (special-category data, scoped by organisation),
their transfers, and the sponsors' own records. One predicate per question, one scoped-queryset helper
per model; the role questions are `portal.access`'s."""

from django.db.models import QuerySet

from portal.access import is_admin, is_caseworker, is_caseworker_of, is_signed_in, organisation_scoped
from portal.models import User
from sponsorship.households.models import Household, HouseholdMeeting, HouseholdNote, HouseholdTransfer
from sponsorship.models import SponsorCheck, SponsorProfile

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


# --- Counselling and mentoring: notes, meetings, the mentor ------------------------------------------


def household_notes_for(user) -> QuerySet[HouseholdNote]:
    """The household notes this user may see: those of the households they may see."""
    return organisation_scoped(HouseholdNote.objects.all(), user, path="household__organisation")


def household_meetings_for(user) -> QuerySet[HouseholdMeeting]:
    """The meetings with households this user may see: those of the households they may see."""
    return organisation_scoped(HouseholdMeeting.objects.all(), user, path="household__organisation")


def can_mentor_household(user, household: Household) -> bool:
    """May this person be the household's mentor (or a staff attendee of its meetings)? An active staff
    member of the household's own organisation: an admin of no organisation is not anyone's mentor."""
    return (
        is_caseworker(user)
        and household.organisation_id is not None
        and user.organisation_id == household.organisation_id
    )


def mentors_for(user, household: Household | None = None) -> QuerySet[User]:
    """The staff a reader may choose as a mentor or a meeting's attendee: the active staff of their
    organisation (every organisation's, for admins), and of the household's organisation when given;
    none for anyone else."""
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "last_name", "email")
    if household is not None:
        staff = staff.filter(organisation_id=household.organisation_id)
    return organisation_scoped(staff, user, path="organisation")


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


def checks_for(user) -> QuerySet[SponsorCheck]:
    """The checks of sponsors' people this user may see: every one for caseworkers allowed to view
    checks (sponsors are not scoped by organisation), none for anyone else (not even the sponsor: the
    check is the caseworkers' record)."""
    if not is_caseworker(user) or not user.has_perm("sponsorship.view_sponsorcheck"):
        return SponsorCheck.objects.none()
    return SponsorCheck.objects.all()


def check_scan_visible_to(*, user, check: SponsorCheck) -> bool:
    """May this user open the scan of this check (e.g. a certificate of no criminal record)? The
    caseworkers who may see the check (`checks_for`): never the sponsor, nor anyone else."""
    return is_caseworker(user) and user.has_perm("sponsorship.view_sponsorcheck")


def check_for_scan(name: str) -> SponsorCheck | None:
    """The check a stored scan belongs to."""
    return SponsorCheck.objects.select_related("person__sponsor").filter(scan=name).first()
