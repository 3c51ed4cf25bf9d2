"""Reading households: possible duplicates. Who may see which household is `sponsorship.access`'s."""

from django.db.models import Q, QuerySet

from sponsorship.households.models import Household


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
