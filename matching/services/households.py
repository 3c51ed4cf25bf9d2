"""A household's status, derived from its proposals and placements: the one place that writes it.

"Proposed" and "housed" are never typed by hand (`household_save` refuses them): they follow the
household's mediation. The caseworker's own statuses ("registered", "seeking", "closed") stay as they
are unless the mediation overrides them:

- an active placement: housed;
- else an open proposal: proposed;
- else, when the case just closed with a placement that needs no other home: closed;
- else a household that was proposed or housed is seeking again (the caseworker can rematch it);
- else the status stays as it was (registered, seeking or closed).
"""

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from matching.models import MatchProposal, Placement
from sponsorship.models import Household

H = Household.Status
# The statuses the mediation sets (`household_save` refuses them by hand); the others are the caseworker's.
DERIVED = Household.DERIVED_STATUSES


def household_status_derive(*, status: str, housed: bool, proposed: bool, closing: bool = False) -> str:
    """The status a household in `status` should have: `housed` (it has an active placement), `proposed`
    (it has an open proposal), `closing` (a placement just ended with the case closed)."""
    if housed:
        return H.HOUSED
    if proposed:
        return H.PROPOSED
    if closing:
        return H.CLOSED
    if status in DERIVED:
        return H.SEEKING
    return status


def _among(ids: Collection[int]) -> Collection[int] | RawSQL:
    """For `pk__in=` / `…_id__in=`: the ids, as one array parameter on PostgreSQL (a run's tens of
    thousands of households are no list of parameters to send and parse)."""
    if connection.vendor == "postgresql" and len(ids) > 1000:
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return ids


def households_status_sync(*, household_ids: Iterable[int], closing: bool = False) -> int:
    """Derive and store the status of these households from their proposals and placements (the bulk
    form, for the matching run's proposals). Rows whose status does not change are not written; the
    others get `updated_at`. Returns how many changed."""
    ids = set(household_ids)
    if not ids:
        return 0
    housed = set(
        Placement.objects.filter(household_id__in=_among(ids), end_date__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    proposed = set(
        MatchProposal.objects.filter(household_id__in=_among(ids), status__in=MatchProposal.OPEN).values_list(
            "household_id", flat=True
        )
    )
    changes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, status in Household.objects.filter(pk__in=_among(ids)).values_list("pk", "status"):
        derived = household_status_derive(status=status, housed=pk in housed, proposed=pk in proposed, closing=closing)
        if derived != status:
            changes[(status, derived)].append(pk)
    now = timezone.now()
    changed = 0
    for (status, derived), pks in changes.items():
        # Written only from the status that was read: a status set meanwhile by someone else stays theirs.
        changed += Household.objects.filter(pk__in=_among(pks), status=status).update(status=derived, updated_at=now)
    return changed


def household_status_sync(*, household_id: int, closing: bool = False) -> bool:
    """Derive and store one household's status (after a proposal was made or ended, a placement
    confirmed or ended); returns whether it changed."""
    return bool(households_status_sync(household_ids=[household_id], closing=closing))
