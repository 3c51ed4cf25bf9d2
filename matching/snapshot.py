"""Load what the matching engine needs from the database as NumPy arrays, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from housing.models import HousingOffer
from housing.selectors import offers_matchable
from matching.engine import NEEDS, NO_END, Households, Offers
from matching.models import MatchProposal, Placement
from projects.models import Language, Municipality
from sponsorship.models import Household, MunicipalityPreference, SponsorProfile
from sponsorship.selectors import sponsors_matchable_ids

DECLINED = [MatchProposal.Status.SPONSOR_DECLINED, MatchProposal.Status.BENEFICIARY_DECLINED]


@dataclass
class Snapshot:
    today: datetime.date
    households: Households
    offers: Offers
    declined: set[tuple[int, int]]  # (household index, offer index)
    kept: int  # open proposals left in mediation
    language_ids: list[int]  # bit index -> Language pk
    municipality_ids: list[int]  # index -> Municipality pk


def households_seeking() -> Q:
    """The households a run considers: seeking housing, not merged into another record, and not already in
    mediation (their open proposals are kept, not proposed again)."""
    in_mediation = MatchProposal.objects.filter(status__in=MatchProposal.OPEN).values("household_id")
    return Q(status=Household.Status.SEEKING, merged_into__isnull=True) & ~Q(pk__in=in_mediation)


def _bitsets(pairs, index: dict[int, int], language_index: dict[int, int], words: int) -> np.ndarray:
    bits = np.zeros((len(index), words), dtype=np.uint64)
    for owner, language in pairs:
        row = index.get(owner)
        bit = language_index.get(language)
        if row is not None and bit is not None:
            bits[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return bits


def _needs_mask(school, work, medical) -> np.ndarray:
    flags = {"school": school, "work": work, "medical_care": medical}
    mask = np.zeros(len(school), dtype=np.uint8)
    for bit, name in enumerate(NEEDS):
        mask |= np.asarray(flags[name], dtype=np.uint8) << bit
    return mask


def snapshot_load(*, today: datetime.date | None = None) -> Snapshot:
    today = today or timezone.localdate()
    day = today.toordinal()
    municipality_ids = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    municipality_index = {pk: i for i, pk in enumerate(municipality_ids)}
    language_ids = list(Language.objects.order_by("pk").values_list("pk", flat=True))
    language_index = {pk: i for i, pk in enumerate(language_ids)}
    words = max(1, -(-len(language_ids) // 64))

    # Households ---------------------------------------------------------------------------------
    seeking = households_seeking()
    rows = list(
        Household.objects.filter(seeking)
        .annotate(
            n_members=Count("members"),
            n_children=Count("members", filter=Q(members__kind="child")),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "n_members",
            "n_children",
            "needs_step_free",
            "has_pets",
            "consent_given_on",
            "max_monthly_rent",
            "move_in_from",
            "stay_months",
            "near_school",
            "near_work",
            "near_medical_care",
            "waiting_since",
        )
    )
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(13)]
    ids = np.array(columns[0], dtype=np.int64)
    index = {int(pk): i for i, pk in enumerate(ids)}
    move_in = np.array([max(day, moved.toordinal()) if moved else day for moved in columns[7]], dtype=np.int32).reshape(
        -1
    )
    pref_rank = np.zeros((len(ids), max(1, len(municipality_ids))), dtype=np.int16)
    has_prefs = np.zeros(len(ids), dtype=bool)
    for household_id, municipality_id, rank in MunicipalityPreference.objects.filter(
        household__in=Household.objects.filter(seeking)
    ).values_list("household_id", "municipality_id", "rank"):
        row = index.get(household_id)
        if row is not None:
            # Ranks are renumbered 1, 2, 3… in their order, so gaps in the stored ranks do not matter.
            pref_rank[row, municipality_index[municipality_id]] = max(1, rank)
            has_prefs[row] = True
    _renumber_ranks(pref_rank)
    households = Households(
        ids=ids,
        size=np.maximum(np.array(columns[1], dtype=np.int16), 1),
        has_children=np.array(columns[2], dtype=np.int16) > 0,
        needs_step_free=np.array(columns[3], dtype=bool),
        has_pets=np.array(columns[4], dtype=bool),
        has_consent=np.array([bool(given) for given in columns[5]], dtype=bool),
        max_rent=np.array([np.nan if rent is None else float(rent) for rent in columns[6]], dtype=np.float64),
        move_in=move_in,
        stay_months=np.array([months or 0 for months in columns[8]], dtype=np.int16),
        needs=_needs_mask(columns[9], columns[10], columns[11]),
        waiting_days=np.array(
            [max(0, day - since.toordinal()) if since else 0 for since in columns[12]], dtype=np.int32
        ),
        languages=_bitsets(
            Household.languages.through.objects.filter(household__in=Household.objects.filter(seeking)).values_list(
                "household_id", "language_id"
            ),
            index,
            language_index,
            words,
        ),
        pref_rank=pref_rank,
        has_prefs=has_prefs,
    )

    # Offers -------------------------------------------------------------------------------------
    matchable = offers_matchable(now=timezone.now())
    offer_rows = list(
        matchable.order_by("pk").values_list(
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
            "near_school",
            "near_work",
            "near_medical_care",
            "confirmed_at",
        )
    )
    # Places already taken: open proposals and active placements (few rows: counted over all offers).
    taken = _count_by_offer(MatchProposal.objects.filter(status__in=MatchProposal.OPEN))
    taken_by_placements = _count_by_offer(Placement.objects.filter(end_date__isnull=True))
    sponsors_ok = sponsors_matchable_ids(sponsor_ids={row[1] for row in offer_rows}, today=today)
    offer_rows = [
        row
        for row in offer_rows
        if row[3] - taken.get(row[0], 0) - taken_by_placements.get(row[0], 0) > 0 and row[12] in municipality_index
    ]
    oc = list(zip(*offer_rows, strict=True)) if offer_rows else [[] for _ in range(17)]
    offer_ids = np.array(oc[0], dtype=np.int64)
    offer_index = {int(pk): i for i, pk in enumerate(offer_ids)}
    sponsor_of = {int(pk): sponsor for pk, sponsor in zip(oc[0], oc[1], strict=True)}
    offer_languages = list(
        HousingOffer.host_languages.through.objects.filter(housingoffer__in=matchable).values_list(
            "housingoffer_id", "language_id"
        )
    )
    sponsor_languages = SponsorProfile.languages.through.objects.filter(
        sponsorprofile_id__in=set(sponsor_of.values())
    ).values_list("sponsorprofile_id", "language_id")
    by_sponsor: dict[int, list[int]] = {}
    for sponsor_id, language_id in sponsor_languages:
        by_sponsor.setdefault(sponsor_id, []).append(language_id)
    # The host's languages are the offer's, and the sponsor's own.
    offer_languages += [
        (pk, language) for pk, sponsor in sponsor_of.items() for language in by_sponsor.get(sponsor, [])
    ]
    free = HousingOffer.Cost.FREE
    available_from = [(when.toordinal() if when else day) for when in oc[9]]
    confirmed = [when.timestamp() if when else 0.0 for when in oc[16]]
    offers = Offers(
        ids=offer_ids,
        capacity=np.array(oc[2], dtype=np.int16),
        slots=np.array(
            [row[3] - taken.get(row[0], 0) - taken_by_placements.get(row[0], 0) for row in offer_rows], dtype=np.int16
        ),
        step_free=np.array(oc[4], dtype=bool),
        children_welcome=np.array(oc[5], dtype=bool),
        pets_allowed=np.array(oc[6], dtype=bool),
        rent=np.array(
            [0.0 if cost == free or rent is None else float(rent) for cost, rent in zip(oc[7], oc[8], strict=True)],
            dtype=np.float64,
        ),
        available_from=np.array(available_from, dtype=np.int32),
        available_until=np.array([(when.toordinal() if when else NO_END) for when in oc[10]], dtype=np.int32),
        minimum_stay_months=np.array([months or 0 for months in oc[11]], dtype=np.int16),
        municipality=np.array([municipality_index[pk] for pk in oc[12]], dtype=np.int32),
        near=_needs_mask(oc[13], oc[14], oc[15]),
        languages=_bitsets(offer_languages, offer_index, language_index, words),
        sponsor_ok=np.array([sponsor in sponsors_ok for sponsor in oc[1]], dtype=bool),
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


def _count_by_offer(queryset) -> dict[int, int]:
    return dict(queryset.values("offer_id").annotate(n=Count("pk")).values_list("offer_id", "n"))


def _renumber_ranks(pref_rank: np.ndarray) -> None:
    """Stored ranks may have gaps (1, 3, 4): the engine sees 1, 2, 3 in the same order."""
    for row in np.nonzero((pref_rank > 0).any(axis=1))[0]:
        named = np.nonzero(pref_rank[row])[0]
        order = named[np.argsort(pref_rank[row, named], kind="stable")]
        pref_rank[row, order] = np.arange(1, len(order) + 1)
