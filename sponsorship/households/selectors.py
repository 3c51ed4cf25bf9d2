"""Reading households: possible duplicates, meetings to arrange, notes and meetings of a household. Who may
see which household is `sponsorship.access`'s."""

from django.db.models import Q, QuerySet

from sponsorship.access import household_meetings_for, household_notes_for
from sponsorship.households.models import Household, HouseholdMeeting, HouseholdNote


def household_duplicates(*, household: Household) -> QuerySet[Household]:
    """Other households with the same head (name and date of birth) or the same document number."""
    query = Q()
    if household.head_birth_date and household.head_name.strip():
        query |= Q(head_name__iexact=household.head_name.strip(), head_birth_date=household.head_birth_date)
    if household.document_number.strip():
        query |= Q(document_number__iexact=household.document_number.strip())
    if not query:
        return Household.objects.none()
    return Household.objects.filter(query).exclude(pk=household.pk).filter(merged_into__isnull=True)


def meetings_to_arrange(user) -> QuerySet[HouseholdMeeting]:
    """The caseworker's queue of meetings with households that have no date yet ("to arrange"), of the
    households they may see, oldest request first."""
    return (
        household_meetings_for(user)
        .filter(status=HouseholdMeeting.Status.TO_ARRANGE, household__anonymised_at__isnull=True)
        .select_related("household")
        .order_by("created_at", "pk")
    )


def household_notes(*, household: Household, user) -> QuerySet[HouseholdNote]:
    """The household's notes as `user` may see them, newest first."""
    return household_notes_for(user).filter(household=household).select_related("author").order_by("-at", "-pk")


def household_meetings(*, household: Household, user) -> QuerySet[HouseholdMeeting]:
    """The household's meetings as `user` may see them, with their staff attendees."""
    return (
        household_meetings_for(user)
        .filter(household=household)
        .select_related("created_by")
        .prefetch_related("staff_attendees")
        .order_by("-created_at", "-pk")
    )
