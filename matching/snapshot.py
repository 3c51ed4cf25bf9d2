"""Load what the matching engine needs from the database as NumPy arrays, in a fixed number of queries.

Columns are read by name: each query's columns are listed once (`HOUSEHOLD_COLUMNS`, `OFFER_COLUMNS`) and
each array is built from its column, so adding a column cannot shift another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from itertools import compress

import numpy as np
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from numpy.typing import NDArray

from housing.models import HousingOffer
from housing.selectors import offers_matchable
from matching.criteria import NEEDS
from matching.engine import NO_END
from matching.engine_types import Households, Offers, Snapshot
from matching.models import MatchProposal, Placement
from matching.selectors import sponsors_suspended_ids
from projects.models import Language, Municipality
from sponsorship.models import Household, MunicipalityPreference, SponsorProfile
from sponsorship.selectors import sponsors_eligible_ids

DECLINED = [MatchProposal.Status.SPONSOR_DECLINED, MatchProposal.Status.BENEFICIARY_DECLINED]
NEED_FIELDS = tuple(need.field for need in NEEDS)  # the same boolean fields on households and offers

# The columns read per household ("n_members" and "n_children" are annotations) and per offer.
HOUSEHOLD_COLUMNS = (
    "pk",
    "n_members",
    "n_children",
    "needs_step_free",
    "has_pets",
    "consent_given_on",
    "max_monthly_rent",
    "move_in_from",
    "stay_months",
    "waiting_since",
    *NEED_FIELDS,
)
OFFER_COLUMNS = (
    "pk",
    "sponsor_id",
    "capacity",
    "max_households",
    "step_free",
    "children_welcome",
    "pets_allowed",
    "cost",
    "monthly_rent",
    "available_from",
    "available_until",
    "minimum_stay_months",
    "municipality_id",
    "confirmed_at",
    *NEED_FIELDS,
)
Columns = dict[str, Sequence]


def households_seeking() -> Q:
    """The households a run considers: seeking housing, not merged into another record, and not already in
    mediation (their open proposals are kept, not proposed again)."""
    in_mediation = MatchProposal.objects.filter(status__in=MatchProposal.OPEN).values("household_id")
    return Q(status=Household.Status.SEEKING, merged_into__isnull=True) & ~Q(pk__in=in_mediation)


def _rows(queryset: QuerySet) -> list[tuple]:
    """All rows of a values_list queryset. On PostgreSQL its SQL is run and fetched at once (Django reads
    rows a hundred at a time, which costs more than the query for a country's rows); the values are the
    same, psycopg's (Django has no converters for these columns there)."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(queryset: QuerySet, names: tuple[str, ...]) -> Columns:
    """The queryset's `names`, one sequence per name (rows transposed)."""
    rows = _rows(queryset.values_list(*names))
    if not rows:
        return dict.fromkeys(names, ())
    return dict(zip(names, zip(*rows, strict=True), strict=True))


def _bitsets(
    pairs: Iterable[tuple[int, int]], index: dict[int, int], language_index: dict[int, int], words: int
) -> NDArray[np.uint64]:
    """Per owner of `index` (id -> row), the bit set of the languages of the (owner id, language id) pairs."""
    bits = np.zeros((len(index), words), dtype=np.uint64)
    data = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    if not len(data) or not index or not language_index:
        return bits
    owners = np.fromiter(index, dtype=np.int64, count=len(index))
    owner_rows = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    languages = np.fromiter(language_index, dtype=np.int64, count=len(language_index))
    language_bits = np.fromiter(language_index.values(), dtype=np.int64, count=len(language_index))
    by_owner, by_language = np.argsort(owners), np.argsort(languages)
    at = np.minimum(np.searchsorted(owners, data[:, 0], sorter=by_owner), len(owners) - 1)
    li = np.minimum(np.searchsorted(languages, data[:, 1], sorter=by_language), len(languages) - 1)
    row, bit = owner_rows[by_owner[at]], language_bits[by_language[li]]
    found = (owners[by_owner[at]] == data[:, 0]) & (languages[by_language[li]] == data[:, 1])
    row, bit = row[found], bit[found]
    np.bitwise_or.at(bits, (row, bit // 64), np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64)))
    return bits


def _needs_mask(columns: Columns) -> NDArray[np.uint8]:
    """Bit i set where the row's field of `NEEDS[i]` is true."""
    mask = np.zeros(len(columns["pk"]), dtype=np.uint8)
    for bit, field in enumerate(NEED_FIELDS):
        mask |= np.asarray(columns[field], dtype=np.uint8) << bit
    return mask


def snapshot_load(*, today: datetime.date | None = None) -> Snapshot:
    """What a run decides on: the households seeking housing, the matchable offers with free places (each
    with whether its sponsor is eligible and whether it is suspended), and the pairs declined before."""
    today = today or timezone.localdate()
    day = today.toordinal()
    municipality_ids = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    municipality_index = {pk: i for i, pk in enumerate(municipality_ids)}
    language_ids = list(Language.objects.order_by("pk").values_list("pk", flat=True))
    language_index = {pk: i for i, pk in enumerate(language_ids)}
    words = max(1, -(-len(language_ids) // 64))

    # Households ---------------------------------------------------------------------------------
    seeking = households_seeking()
    hc = _columns(
        Household.objects.filter(seeking)
        .annotate(n_members=Count("members"), n_children=Count("members", filter=Q(members__kind="child")))
        .order_by("pk"),
        HOUSEHOLD_COLUMNS,
    )
    ids = np.array(hc["pk"], dtype=np.int64)
    index = {int(pk): i for i, pk in enumerate(ids)}
    pref_ptr, pref_municipality, pref_value = _preferences(
        _rows(
            MunicipalityPreference.objects.filter(household__in=Household.objects.filter(seeking))
            .order_by()
            .values_list("household_id", "municipality_id", "rank")
        ),
        ids,
        np.array(municipality_ids, dtype=np.int64),
    )
    households = Households(
        ids=ids,
        size=np.maximum(np.array(hc["n_members"], dtype=np.int16), 1),
        has_children=np.array(hc["n_children"], dtype=np.int16) > 0,
        needs_step_free=np.array(hc["needs_step_free"], dtype=bool),
        has_pets=np.array(hc["has_pets"], dtype=bool),
        has_consent=np.array([bool(given) for given in hc["consent_given_on"]], dtype=bool),
        max_rent=np.array(
            [np.nan if rent is None else float(rent) for rent in hc["max_monthly_rent"]], dtype=np.float64
        ),
        move_in=np.array(
            [max(day, moved.toordinal()) if moved else day for moved in hc["move_in_from"]], dtype=np.int32
        ),
        stay_months=np.array([months or 0 for months in hc["stay_months"]], dtype=np.int16),
        needs=_needs_mask(hc),
        waiting_days=np.array(
            [max(0, day - since.toordinal()) if since else 0 for since in hc["waiting_since"]], dtype=np.int32
        ),
        languages=_bitsets(
            _rows(
                Household.languages.through.objects.filter(household__in=Household.objects.filter(seeking)).values_list(
                    "household_id", "language_id"
                )
            ),
            index,
            language_index,
            words,
        ),
        has_prefs=np.diff(pref_ptr) > 0,
        pref_ptr=pref_ptr,
        pref_municipality=pref_municipality,
        pref_value=pref_value,
    )

    # Offers -------------------------------------------------------------------------------------
    matchable = offers_matchable(now=timezone.now())
    oc = _columns(matchable.order_by("pk"), OFFER_COLUMNS)
    # Places already taken: open proposals and active placements (few rows: counted over all offers).
    taken = _count_by_offer(MatchProposal.objects.filter(status__in=MatchProposal.OPEN))
    taken_by_placements = _count_by_offer(Placement.objects.filter(end_date__isnull=True))
    slots = [
        limit - taken.get(pk, 0) - taken_by_placements.get(pk, 0)
        for pk, limit in zip(oc["pk"], oc["max_households"], strict=True)
    ]
    keep = [
        free > 0 and municipality in municipality_index
        for free, municipality in zip(slots, oc["municipality_id"], strict=True)
    ]
    oc = {name: list(compress(values, keep)) for name, values in oc.items()}
    slots = list(compress(slots, keep))
    offer_ids = np.array(oc["pk"], dtype=np.int64)
    offer_index = {int(pk): i for i, pk in enumerate(offer_ids)}
    sponsor_of = {int(pk): sponsor for pk, sponsor in zip(oc["pk"], oc["sponsor_id"], strict=True)}
    # The sponsors of the matchable offers, as a subquery (a country's sponsors are no list of parameters).
    sponsor_ids = matchable.values("sponsor_id")
    eligible = sponsors_eligible_ids(sponsor_ids=sponsor_ids, today=today)
    suspended = sponsors_suspended_ids(sponsor_ids=sponsor_ids)
    offer_languages = _rows(
        HousingOffer.host_languages.through.objects.filter(housingoffer__in=matchable).values_list(
            "housingoffer_id", "language_id"
        )
    )
    sponsor_languages = _rows(
        SponsorProfile.languages.through.objects.filter(sponsorprofile_id__in=sponsor_ids).values_list(
            "sponsorprofile_id", "language_id"
        )
    )
    by_sponsor: dict[int, list[int]] = {}
    for sponsor_id, language_id in sponsor_languages:
        by_sponsor.setdefault(sponsor_id, []).append(language_id)
    # The host's languages are the offer's, and the sponsor's own.
    offer_languages += [
        (pk, language) for pk, sponsor in sponsor_of.items() for language in by_sponsor.get(sponsor, [])
    ]
    free = HousingOffer.Cost.FREE
    available_from = [(when.toordinal() if when else day) for when in oc["available_from"]]
    confirmed = [when.timestamp() if when else 0.0 for when in oc["confirmed_at"]]
    offers = Offers(
        ids=offer_ids,
        capacity=np.array(oc["capacity"], dtype=np.int16),
        slots=np.array(slots, dtype=np.int16),
        step_free=np.array(oc["step_free"], dtype=bool),
        children_welcome=np.array(oc["children_welcome"], dtype=bool),
        pets_allowed=np.array(oc["pets_allowed"], dtype=bool),
        rent=np.array(
            [
                0.0 if cost == free or rent is None else float(rent)
                for cost, rent in zip(oc["cost"], oc["monthly_rent"], strict=True)
            ],
            dtype=np.float64,
        ),
        available_from=np.array(available_from, dtype=np.int32),
        available_until=np.array(
            [(when.toordinal() if when else NO_END) for when in oc["available_until"]], dtype=np.int32
        ),
        minimum_stay_months=np.array([months or 0 for months in oc["minimum_stay_months"]], dtype=np.int16),
        municipality=np.array([municipality_index[pk] for pk in oc["municipality_id"]], dtype=np.int32),
        near=_needs_mask(oc),
        languages=_bitsets(offer_languages, offer_index, language_index, words),
        sponsor_ok=np.array([sponsor in eligible for sponsor in oc["sponsor_id"]], dtype=bool),
        sponsor_suspended=np.array([sponsor in suspended for sponsor in oc["sponsor_id"]], dtype=bool),
        listed_order=np.lexsort((offer_ids, np.array(confirmed), np.array(available_from, dtype=np.int64)))
        .argsort()
        .astype(np.int64),
    )
    declined = set()
    for household_id, offer_id in MatchProposal.objects.filter(status__in=DECLINED).values_list(
        "household_id", "offer_id"
    ):
        if household_id in index and offer_id in offer_index:
            declined.add((index[household_id], offer_index[offer_id]))
    kept = MatchProposal.objects.filter(status__in=MatchProposal.OPEN).count()
    return Snapshot(
        today=today,
        households=households,
        offers=offers,
        declined=declined,
        kept=kept,
        language_ids=language_ids,
        municipality_ids=municipality_ids,
    )


def _count_by_offer(queryset: QuerySet) -> dict[int, int]:
    return dict(queryset.values("offer_id").annotate(n=Count("pk")).values_list("offer_id", "n"))


def _preferences(
    rows: Iterable[tuple[int, int, int]], ids: NDArray[np.int64], municipality_ids: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int16]]:
    """The households' preferred municipalities in the engine's sparse form (`Households.pref_ptr`…), from
    (household id, municipality id, rank) rows: ranks renumbered 1, 2, 3… in their order, so that gaps in
    the stored ranks do not matter (ties in municipality order); a municipality named twice counts once,
    at its best rank. `ids` and `municipality_ids` are sorted."""
    data = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
    row = np.searchsorted(ids, data[:, 0])
    municipality = np.searchsorted(municipality_ids, data[:, 1])
    found = (row < len(ids)) & (municipality < len(municipality_ids))
    found[found] &= (ids[row[found]] == data[found, 0]) & (municipality_ids[municipality[found]] == data[found, 1])
    row, municipality, rank = row[found], municipality[found], np.maximum(data[found, 2], 1)
    order = np.lexsort((municipality, rank, row))  # by household, then rank, then municipality
    row, municipality = row[order], municipality[order]
    first = np.unique(row * max(1, len(municipality_ids)) + municipality, return_index=True)[1]
    first.sort()  # the best rank of each (household, municipality), still in rank order
    row, municipality = row[first], municipality[first]
    starts = np.r_[0, np.flatnonzero(row[1:] != row[:-1]) + 1] if len(row) else np.zeros(0, np.int64)
    position = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)]))
    by_municipality = np.lexsort((municipality, row))
    counts = np.bincount(row, minlength=len(ids))
    return (
        np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        municipality[by_municipality].astype(np.int32),
        (position[by_municipality] + 1).astype(np.int16),
    )
