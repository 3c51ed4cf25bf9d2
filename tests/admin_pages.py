"""Helpers of the admin scope tests (tests/sponsorship/test_household_admin.py, tests/matching/test_admin.py):
the heads of the households of `admin_scene` (tests/conftest.py), the database state a refused request
must leave, and reading admin pages."""

import csv
import io
from urllib.parse import unquote_plus, urlencode

from django.urls import reverse

HEAD_A = "Olena Kovalenko"
HEAD_A_PROPOSED = "Amir Haddad"
HEAD_A_PLACED = "Leila Karimi"
HEAD_B = "Ivan Petrenko"


def household_log(household, action: int):
    """The household's audit log entries of `action`."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from sponsorship.models import Household

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Household), object_pk=str(household.pk), action=action
    )


def db_state() -> dict:
    """Everything a caseworker's request could change, to compare before and after."""
    from auditlog.models import LogEntry

    from housing.models import HousingOffer
    from matching.models import (
        FollowUp,
        MatchProposal,
        MediationNote,
        Placement,
        ProposalTransition,
        SafeguardingConcern,
    )
    from sponsorship.models import Household, HouseholdMember, HouseholdTransfer, MunicipalityPreference

    models = [
        Household,
        HouseholdMember,
        MunicipalityPreference,
        HouseholdTransfer,
        MatchProposal,
        ProposalTransition,
        Placement,
        FollowUp,
        MediationNote,
        SafeguardingConcern,
        HousingOffer,
    ]
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    state["duplicates"] = list(Household.possible_duplicates.through.objects.order_by("pk").values())
    state["audit log"] = list(LogEntry.objects.order_by("pk").values_list("pk", flat=True))
    return state


def household_changelist(**query) -> str:
    url = reverse("admin:sponsorship_household_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def action(name: str, *households) -> dict:
    """The POST of an admin action on `households`."""
    return {"action": name, "_selected_action": [h.pk for h in households], "index": "0"}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def assert_shows_nothing_of(response, secrets: list[str], typed: str = "") -> None:
    """None of `secrets` is on the page (except where the page repeats what the user typed)."""
    content = response.content.decode()
    for secret in secrets:
        if secret not in unquote_plus(typed):
            assert secret not in content
