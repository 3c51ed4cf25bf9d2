"""Reading households: who may see which, and possible duplicates."""

from django.db.models import Q, QuerySet

from portal.models import User
from sponsorship.households.models import Household


def households_visible_to(*, user: User) -> QuerySet[Household]:
    """The households this user may see: all for admins, their organisation's for caseworkers, none else."""
    if not user.is_authenticated or not user.is_active:
        return Household.objects.none()
    if user.is_superuser:
        return Household.objects.all()
    if user.is_staff and user.organisation_id:
        return Household.objects.filter(organisation_id=user.organisation_id)
    return Household.objects.none()


def household_can_see(*, user: User, household: Household) -> bool:
    return households_visible_to(user=user).filter(pk=household.pk).exists()


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
