"""The matching engine on plain NumPy arrays (no database): hard constraints against a scalar restatement
of the rules, scores, the min-cost-flow optimum against brute force, and first-come-first-served."""

import math
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import engine
from matching.criteria import CONSTRAINT_CODES, CRITERIA, CRITERION_CODES, NEED_CODES
from matching.engine import (
    FIT,
    MONTH_DAYS,
    NO_END,
    SCALE,
    constraint_masks,
    feasible_pairs,
    main_reasons,
    ruled_out,
    score_pairs,
    solve_greedy,
    solve_optimal,
)
from matching.engine_types import Households, Offers, Pairs

UNIFORM = dict.fromkeys(CRITERION_CODES, 1.0)


# --- Building instances -----------------------------------------------------------------------------

HOUSEHOLD_DTYPES = {
    "ids": np.int64,
    "size": np.int16,
    "has_children": bool,
    "needs_step_free": bool,
    "has_pets": bool,
    "has_consent": bool,
    "max_rent": np.float64,
    "move_in": np.int32,
    "stay_months": np.int16,
    "needs": np.uint8,
    "waiting_days": np.int32,
    "languages": np.uint64,
    "pref_rank": np.int16,
    "has_prefs": bool,
}
OFFER_DTYPES = {
    "ids": np.int64,
    "capacity": np.int16,
    "slots": np.int16,
    "step_free": bool,
    "children_welcome": bool,
    "pets_allowed": bool,
    "rent": np.float64,
    "available_from": np.int32,
    "available_until": np.int32,
    "minimum_stay_months": np.int16,
    "municipality": np.int32,
    "near": np.uint8,
    "languages": np.uint64,
    "sponsor_ok": bool,
    "sponsor_suspended": bool,
    "listed_order": np.int64,
}


def make_households(n: int = 1, municipalities: int = 2, **values) -> Households:
    """`n` households that pass every household-side rule, with `values` (lists, one entry per household)
    overriding the defaults."""
    fields = {
        "ids": list(range(1, n + 1)),
        "size": [1] * n,
        "has_children": [False] * n,
        "needs_step_free": [False] * n,
        "has_pets": [False] * n,
        "has_consent": [True] * n,
        "max_rent": [math.nan] * n,
        "move_in": [0] * n,
        "stay_months": [0] * n,
        "needs": [0] * n,
        "waiting_days": [0] * n,
        "languages": [[0]] * n,
        "pref_rank": [[0] * municipalities] * n,
        "has_prefs": [False] * n,
    }
    fields.update(values)
    return Households(**{name: np.array(value, dtype=HOUSEHOLD_DTYPES[name]) for name, value in fields.items()})


def make_offers(n: int = 1, **values) -> Offers:
    """`n` offers that pass every offer-side rule, with `values` overriding the defaults."""
    fields = {
        "ids": list(range(1, n + 1)),
        "capacity": [4] * n,
        "slots": [1] * n,
        "step_free": [True] * n,
        "children_welcome": [True] * n,
        "pets_allowed": [True] * n,
        "rent": [0.0] * n,
        "available_from": [0] * n,
        "available_until": [int(NO_END)] * n,
        "minimum_stay_months": [0] * n,
        "municipality": [0] * n,
        "near": [0] * n,
        "languages": [[0]] * n,
        "sponsor_ok": [True] * n,
        "sponsor_suspended": [False] * n,
    }
    fields.update(values)
    arrays = {
        name: None if value is None else np.array(value, dtype=OFFER_DTYPES[name]) for name, value in fields.items()
    }
    return Offers(**arrays)


@dataclass
class Instance:
    h: Households
    o: Offers
    declined: frozenset
    weights: dict
    waiting_full_days: int
    reference_rent: float


# Each rule rules out roughly one pair in ten, so that random instances have feasible pairs to share.
rarely = st.sampled_from([False] * 9 + [True])
usually = st.sampled_from([True] * 9 + [False])
language_sets = st.one_of(st.integers(0, 15), st.integers(0, 2**64 - 1))


def column(draw, values, n: int, dtype) -> np.ndarray:
    return np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=dtype)


@st.composite
def instances(draw, max_households: int = 6, max_offers: int = 5) -> Instance:
    n_h = draw(st.integers(1, max_households))
    n_o = draw(st.integers(1, max_offers))
    n_m = draw(st.integers(1, 4))

    pref_rank = np.zeros((n_h, n_m), dtype=np.int16)
    for row in range(n_h):
        order = draw(st.permutations(range(n_m)))
        named = draw(st.integers(0, n_m))
        for rank, municipality in enumerate(order[:named], start=1):
            pref_rank[row, municipality] = rank
    h = Households(
        ids=np.array(sorted(draw(st.sets(st.integers(1, 10**6), min_size=n_h, max_size=n_h))), dtype=np.int64),
        size=column(draw, st.sampled_from([1, 1, 2, 2, 3, 4, 5]), n_h, np.int16),
        has_children=column(draw, st.booleans(), n_h, bool),
        needs_step_free=column(draw, st.sampled_from([False, False, False, True]), n_h, bool),
        has_pets=column(draw, st.sampled_from([False, False, False, True]), n_h, bool),
        has_consent=column(draw, usually, n_h, bool),
        max_rent=column(draw, st.sampled_from([math.nan, math.nan, 0.0, 150.0, 300.0, 600.0]), n_h, np.float64),
        move_in=column(draw, st.integers(0, 120), n_h, np.int32),
        stay_months=column(draw, st.integers(0, 24), n_h, np.int16),
        needs=column(draw, st.integers(0, 7), n_h, np.uint8),
        waiting_days=column(draw, st.integers(0, 400), n_h, np.int32),
        languages=column(draw, language_sets, n_h, np.uint64)[:, None],
        pref_rank=pref_rank,
        has_prefs=(pref_rank > 0).any(axis=1),
    )

    available_from = draw(st.lists(st.integers(0, 20), min_size=n_o, max_size=n_o))
    available_until = [start + draw(st.integers(0, 700)) if draw(rarely) else int(NO_END) for start in available_from]
    listed = draw(st.one_of(st.none(), st.permutations(range(n_o))))
    o = Offers(
        ids=np.array(sorted(draw(st.sets(st.integers(1, 10**6), min_size=n_o, max_size=n_o))), dtype=np.int64),
        capacity=column(draw, st.sampled_from([1, 2, 3, 4, 4, 5, 6, 6]), n_o, np.int16),
        slots=column(draw, st.integers(1, 2), n_o, np.int16),
        step_free=column(draw, st.booleans(), n_o, bool),
        children_welcome=column(draw, st.sampled_from([True, True, True, True, False]), n_o, bool),
        pets_allowed=column(draw, st.booleans(), n_o, bool),
        rent=column(draw, st.sampled_from([0.0, 0.0, 100.0, 250.0, 500.0]), n_o, np.float64),
        available_from=np.array(available_from, dtype=np.int32),
        available_until=np.array(available_until, dtype=np.int32),
        minimum_stay_months=column(draw, st.sampled_from([0, 0, 1, 3, 6, 12]), n_o, np.int16),
        municipality=column(draw, st.integers(0, n_m - 1), n_o, np.int32),
        near=column(draw, st.integers(0, 7), n_o, np.uint8),
        languages=column(draw, language_sets, n_o, np.uint64)[:, None],
        sponsor_ok=column(draw, usually, n_o, bool),
        sponsor_suspended=column(draw, rarely, n_o, bool),
        listed_order=None if listed is None else np.array(listed, dtype=np.int64),
    )

    declined = draw(
        st.frozensets(st.tuples(st.integers(0, n_h - 1), st.integers(0, n_o - 1)), max_size=max(4, n_h * n_o // 20))
    )
    weights = {name: draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])) for name in CRITERION_CODES}
    return Instance(
        h=h,
        o=o,
        declined=declined,
        weights=weights,
        waiting_full_days=draw(st.integers(0, 365)),
        reference_rent=draw(st.sampled_from([0.0, 300.0, 800.0])),
    )


# --- The rules, restated pair by pair ---------------------------------------------------------------


def pair_failures(h: Households, o: Offers, i: int, j: int, declined) -> set[str]:
    """The hard constraints household `i` and offer `j` break, checked one pair at a time from the rules."""
    failed = set()
    if not h.has_consent[i]:
        failed.add("consent")
    if int(o.capacity[j]) < int(h.size[i]):
        failed.add("capacity")
    if h.needs_step_free[i] and not o.step_free[j]:
        failed.add("step_free")
    if h.has_pets[i] and not o.pets_allowed[j]:
        failed.add("pets")
    if h.has_children[i] and not o.children_welcome[j]:
        failed.add("children")
    move_in = int(h.move_in[i])
    min_stay_days = max(int(o.minimum_stay_months[j]), 1) * MONTH_DAYS
    if not (int(o.available_from[j]) <= move_in and int(o.available_until[j]) - move_in >= min_stay_days):
        failed.add("dates")
    named = [m for m in range(h.pref_rank.shape[1]) if h.pref_rank[i, m] > 0]
    if named and int(o.municipality[j]) not in named:
        failed.add("municipality")
    max_rent = float(h.max_rent[i])
    if not math.isnan(max_rent) and float(o.rent[j]) > max_rent:
        failed.add("rent")
    if not o.sponsor_ok[j]:
        failed.add("sponsor")
    if o.sponsor_suspended[j]:
        failed.add("suspended")
    if (i, j) in declined:
        failed.add("declined")
    return failed


def pair_is_feasible(h: Households, o: Offers, i: int, j: int, declined) -> bool:
    return not pair_failures(h, o, i, j, declined)


def feasible_by_rules(inst: Instance) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i in range(len(inst.h))
        for j in range(len(inst.o))
        if pair_is_feasible(inst.h, inst.o, i, j, inst.declined)
    }


def pair_set(pairs: Pairs, chosen=None) -> list[tuple[int, int]]:
    index = range(len(pairs)) if chosen is None else chosen
    return [(int(pairs.household[k]), int(pairs.offer[k])) for k in index]


def scored(inst: Instance):
    pairs = feasible_pairs(inst.h, inst.o, inst.declined)
    scores = score_pairs(
        inst.h,
        inst.o,
        pairs,
        inst.weights,
        waiting_full_days=inst.waiting_full_days,
        reference_rent=inst.reference_rent,
    )
    return pairs, scores


def brute_force_best(n_households: int, slots: np.ndarray, value: dict[tuple[int, int], int]) -> int:
    """The most points any assignment reaches: every household given one of its feasible offers or none,
    no offer over its places, every combination tried."""
    options = [[j for (i, j) in value if i == hh] for hh in range(n_households)]
    left = [int(s) for s in slots]

    def best(hh: int) -> int:
        if hh == n_households:
            return 0
        result = best(hh + 1)  # left without a home
        for j in options[hh]:
            if left[j] > 0:
                left[j] -= 1
                result = max(result, value[(hh, j)] + best(hh + 1))
                left[j] += 1
        return result

    return best(0)


def assert_respects_capacity(inst: Instance, chosen_pairs: list[tuple[int, int]]) -> None:
    households = [i for i, _ in chosen_pairs]
    assert len(households) == len(set(households)), "a household was given more than one offer"
    for j in range(len(inst.o)):
        taken = sum(1 for _, jj in chosen_pairs if jj == j)
        assert taken <= int(inst.o.slots[j]), f"offer {j} given to {taken} households, has {inst.o.slots[j]} places"
    for i, j in chosen_pairs:
        assert pair_is_feasible(inst.h, inst.o, i, j, inst.declined), (i, j)


# --- Hard constraints -------------------------------------------------------------------------------


@contextmanager
def blocks_of(size: int | None, name: str = "BLOCK_CELLS"):
    """Check candidates in blocks of `size` (None: the engine's own); or another of the engine's sizes."""
    saved = getattr(engine, name)
    setattr(engine, name, size or saved)
    try:
        yield
    finally:
        setattr(engine, name, saved)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_feasible_pairs_are_exactly_the_pairs_the_rules_allow(inst):
    pairs = feasible_pairs(inst.h, inst.o, inst.declined)
    found = pair_set(pairs)

    assert set(found) == feasible_by_rules(inst)
    assert len(found) == len(set(found)), "a pair is listed twice"
    assert found == sorted(found), "pairs are not sorted by household then offer"
    assert pairs.household.dtype == np.int32 and pairs.offer.dtype == np.int32


@settings(max_examples=150, deadline=None)
@given(instances())
def test_ruled_out_counts_count_each_constraint_like_the_rules(inst):
    rows = np.arange(len(inst.h))[::-1].copy()  # any order of rows, reported in that order
    ruled = ruled_out(inst.h, inst.o, rows, inst.declined)

    expected = np.zeros((len(rows), len(CONSTRAINT_CODES)), dtype=np.int64)
    expected_suiting = np.zeros_like(expected)
    for r, i in enumerate(rows.tolist()):
        for j in range(len(inst.o)):
            failures = pair_failures(inst.h, inst.o, i, j, inst.declined)
            for name in failures:
                expected[r, CONSTRAINT_CODES.index(name)] += 1
                if not failures & set(FIT):
                    expected_suiting[r, CONSTRAINT_CODES.index(name)] += 1
    np.testing.assert_array_equal(ruled.counts, expected)
    np.testing.assert_array_equal(ruled.suiting, expected_suiting)


@settings(max_examples=60, deadline=None)
@given(instances(max_households=30, max_offers=30), st.sampled_from([None, 1, 7]))
def test_the_candidate_index_never_holds_back_a_feasible_pair(inst, block):
    """Many households and offers sharing buckets (municipality, flags, capacity), households naming
    municipalities or none, open-ended and dated offers, several households per offer, pairs declined:
    the candidates checked with the rules give exactly the pairs (and counts) the rules allow, whatever
    the size of the blocks the candidates are checked in."""
    with blocks_of(block):
        pairs = feasible_pairs(inst.h, inst.o, inst.declined)
        rows = np.arange(len(inst.h))
        ruled = ruled_out(inst.h, inst.o, rows, inst.declined)

    assert pair_set(pairs) == sorted(feasible_by_rules(inst))
    assert pairs.compared >= len(pairs)
    for i in rows.tolist():
        for j in range(len(inst.o)):
            failures = pair_failures(inst.h, inst.o, i, j, inst.declined)
            for name in failures:
                ruled.counts[i, CONSTRAINT_CODES.index(name)] -= 1
                if not failures & set(FIT):
                    ruled.suiting[i, CONSTRAINT_CODES.index(name)] -= 1
    assert not ruled.counts.any() and not ruled.suiting.any()


def test_a_household_naming_no_municipality_meets_offers_everywhere_and_one_naming_some_only_there():
    h = make_households(3, municipalities=3, pref_rank=[[0, 2, 1], [0, 0, 0], [1, 0, 0]], has_prefs=[True, False, True])
    o = make_offers(6, municipality=[0, 1, 2, 0, 1, 2], capacity=[1, 2, 3, 4, 5, 6], slots=[1, 2, 1, 1, 2, 1])

    pairs = feasible_pairs(h, o)

    assert pair_set(pairs) == [(0, 1), (0, 2), (0, 4), (0, 5), *((1, j) for j in range(6)), (2, 0), (2, 3)]
    assert pairs.rank.tolist() == [2, 1, 2, 1, 0, 0, 0, 0, 0, 0, 1, 1]


@settings(max_examples=150, deadline=None)
@given(instances())
def test_constraint_masks_cover_every_constraint_but_declined(inst):
    masks = constraint_masks(inst.h, inst.o, slice(0, len(inst.h)))

    assert tuple(masks) == CONSTRAINT_CODES[:-1]
    for name, mask in masks.items():
        full = np.broadcast_to(mask, (len(inst.h), len(inst.o)))
        for i in range(len(inst.h)):
            for j in range(len(inst.o)):
                assert bool(full[i, j]) == (name not in pair_failures(inst.h, inst.o, i, j, frozenset())), (name, i, j)


def test_ruled_out_counts_for_a_crafted_instance():
    h = make_households(
        4,
        needs_step_free=[True, False, False, False],
        has_consent=[True, False, True, True],
        has_pets=[False, False, True, False],
        size=[1, 1, 1, 5],
    )
    o = make_offers(3, step_free=[True, False, False], pets_allowed=[False, False, True], capacity=[5, 4, 2])
    declined = {(0, 0), (2, 1), (2, 2)}

    counts = ruled_out(h, o, np.array([0, 1, 2, 3]), declined).counts
    by_name = [dict(zip(CONSTRAINT_CODES, row.tolist(), strict=True)) for row in counts]

    assert by_name[0] == {**dict.fromkeys(CONSTRAINT_CODES, 0), "step_free": 2, "declined": 1}
    assert by_name[1] == {**dict.fromkeys(CONSTRAINT_CODES, 0), "consent": 3}
    assert by_name[2] == {**dict.fromkeys(CONSTRAINT_CODES, 0), "pets": 2, "declined": 2}
    assert by_name[3] == {**dict.fromkeys(CONSTRAINT_CODES, 0), "capacity": 2}

    # Only the rows asked for, in the order asked.
    np.testing.assert_array_equal(ruled_out(h, o, np.array([3, 0]), declined).counts, counts[[3, 0]])
    assert ruled_out(h, o, np.array([], dtype=np.int64)).counts.shape == (0, len(CONSTRAINT_CODES))


def test_constraints_about_the_home_and_those_withholding_it():
    assert FIT == ("capacity", "step_free", "pets", "children", "dates", "municipality", "rent")
    assert set(CONSTRAINT_CODES) - set(FIT) == {"consent", "sponsor", "suspended", "declined"}


def test_ruled_out_suiting_counts_the_homes_that_suit_but_are_withheld():
    # The household needs step-free access. Offer 0 lacks it and its sponsor is suspended; offer 1 lacks
    # it; offers 2 and 3 suit, of a suspended sponsor (3 also of a sponsor not yet eligible); offer 4 suits
    # and was declined before.
    h = make_households(1, needs_step_free=[True])
    o = make_offers(
        5,
        step_free=[False, False, True, True, True],
        sponsor_suspended=[True, False, True, True, False],
        sponsor_ok=[True, True, True, False, True],
    )

    ruled = ruled_out(h, o, np.array([0]), {(0, 4)})

    counts = dict(zip(CONSTRAINT_CODES, ruled.counts[0].tolist(), strict=True))
    suiting = dict(zip(CONSTRAINT_CODES, ruled.suiting[0].tolist(), strict=True))
    assert counts == {**dict.fromkeys(CONSTRAINT_CODES, 0), "step_free": 2, "suspended": 3, "sponsor": 1, "declined": 1}
    assert suiting == {**dict.fromkeys(CONSTRAINT_CODES, 0), "suspended": 2, "sponsor": 1, "declined": 1}


def test_main_reason_is_what_withheld_the_homes_that_suited_however_few():
    # Household 0: nine offers in a municipality it does not accept, and the one home that suits it
    # belongs to a suspended sponsor. Household 1 has no consent on file: every offer fails it.
    h = make_households(2, has_consent=[True, False], pref_rank=[[1, 0], [1, 0]], has_prefs=[True, True])
    o = make_offers(10, municipality=[1] * 9 + [0], sponsor_suspended=[False] * 9 + [True])

    ruled = ruled_out(h, o, np.array([0, 1]))
    reasons = [CONSTRAINT_CODES[j] for j in main_reasons(ruled).tolist()]

    assert ruled.counts[0, CONSTRAINT_CODES.index("municipality")] == 9
    assert reasons == ["suspended", "consent"]


def test_main_reason_when_no_home_suits_is_the_constraint_ruling_out_most():
    # No offer has room for household 0; most are also in a municipality it does not accept, and the
    # sponsors of two are not yet eligible.
    h = make_households(1, size=[3], pref_rank=[[1, 0]], has_prefs=[True])
    o = make_offers(3, capacity=[2, 2, 2], municipality=[1, 1, 0], sponsor_ok=[False, True, False])

    ruled = ruled_out(h, o, np.array([0]))

    assert not ruled.suiting.any()
    assert CONSTRAINT_CODES[int(main_reasons(ruled)[0])] == "capacity"


def test_an_offer_of_a_suspended_sponsor_is_never_feasible():
    h = make_households(1)
    o = make_offers(2, sponsor_suspended=[True, False])

    pairs = feasible_pairs(h, o)

    assert pair_set(pairs) == [(0, 1)]


def test_dates_need_the_minimum_stay_and_at_least_a_month():
    # Moves in on day 10; the offer ends 3 months (91.3125 days) later, give or take a day.
    three_months = 3 * MONTH_DAYS
    h = make_households(1, move_in=[10])
    enough = make_offers(
        1, available_from=[10], available_until=[10 + math.ceil(three_months)], minimum_stay_months=[3]
    )
    short = make_offers(
        1, available_from=[10], available_until=[10 + math.floor(three_months)], minimum_stay_months=[3]
    )
    later = make_offers(1, available_from=[11], minimum_stay_months=[3])
    # No minimum stay still needs a month.
    month = make_offers(1, available_until=[10 + math.ceil(MONTH_DAYS)], minimum_stay_months=[0])
    under_a_month = make_offers(1, available_until=[10 + math.floor(MONTH_DAYS)], minimum_stay_months=[0])

    assert len(feasible_pairs(h, enough)) == 1
    assert len(feasible_pairs(h, short)) == 0
    assert len(feasible_pairs(h, later)) == 0
    assert len(feasible_pairs(h, month)) == 1
    assert len(feasible_pairs(h, under_a_month)) == 0
    # Sixteen months are exactly 487 days: a window of exactly the minimum stay is enough.
    assert 16 * MONTH_DAYS == 487
    exact = make_offers(1, available_until=[10 + 487], minimum_stay_months=[16])
    a_day_short = make_offers(1, available_until=[10 + 486], minimum_stay_months=[16])
    assert len(feasible_pairs(h, exact)) == 1
    assert len(feasible_pairs(h, a_day_short)) == 0


def test_no_households_or_no_offers_give_no_pairs():
    assert len(feasible_pairs(make_households(0), make_offers(3))) == 0
    assert len(feasible_pairs(make_households(2), make_offers(0))) == 0


# --- Scores -----------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(instances())
def test_scores_are_in_range_and_total_is_the_weighted_mean(inst):
    pairs, scores = scored(inst)

    assert set(scores.criteria) == set(CRITERION_CODES)
    for name in CRITERION_CODES:
        values = scores.criteria[name]
        assert values.shape == (len(pairs),)
        assert np.all((values >= 0.0) & (values <= 1.0)), name
    assert np.all((scores.total >= 0.0) & (scores.total <= 1.0))
    assert np.all(scores.points >= 1)
    np.testing.assert_array_equal(scores.points, np.rint(scores.total * SCALE).astype(np.int64) + 1)

    weight_sum = sum(inst.weights.values())
    if weight_sum > 0:
        expected = sum(inst.weights[name] * scores.criteria[name] for name in CRITERION_CODES) / weight_sum
    else:
        expected = np.zeros(len(pairs))
    np.testing.assert_allclose(scores.total, expected, rtol=0, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from(CRITERION_CODES), st.sampled_from([0.1, 1.0, 7.0]))
def test_all_weight_on_one_criterion_makes_the_total_that_criterion(inst, name, weight):
    _pairs, scores = scored(replace(inst, weights=dict.fromkeys(CRITERION_CODES, 0.0) | {name: weight}))

    np.testing.assert_allclose(scores.total, scores.criteria[name], rtol=0, atol=1e-12)


def score_one(households: dict | None = None, offers: dict | None = None, **options) -> dict[str, float]:
    """The criteria (and "total") of one household and one offer, which must be a feasible pair."""
    h = make_households(1, **(households or {}))
    o = make_offers(1, **(offers or {}))
    pairs = feasible_pairs(h, o)
    assert len(pairs) == 1, "the pair must be feasible"
    options = {"waiting_full_days": 100, "reference_rent": 500.0} | options
    weights = options.pop("weights", UNIFORM)
    scores = score_pairs(h, o, pairs, weights, **options)
    return {name: float(values[0]) for name, values in scores.criteria.items()} | {"total": float(scores.total[0])}


def test_size_fit_is_size_over_capacity():
    assert score_one({"size": [2]}, {"capacity": [4]})["size"] == 0.5
    assert score_one({"size": [3]}, {"capacity": [3]})["size"] == 1.0
    assert score_one({"size": [1]}, {"capacity": [5]})["size"] == pytest.approx(0.2)


def test_rent_score():
    assert score_one({"max_rent": [400.0]}, {"rent": [0.0]})["rent"] == 1.0
    assert score_one({"max_rent": [math.nan]}, {"rent": [0.0]})["rent"] == 1.0
    assert score_one({"max_rent": [400.0]}, {"rent": [100.0]})["rent"] == 0.75
    assert score_one({"max_rent": [400.0]}, {"rent": [400.0]})["rent"] == 0.0
    # Without a maximum, the rent is measured against the reference rent, and never below 0.
    assert score_one({"max_rent": [math.nan]}, {"rent": [250.0]}, reference_rent=500.0)["rent"] == 0.5
    assert score_one({"max_rent": [math.nan]}, {"rent": [900.0]}, reference_rent=500.0)["rent"] == 0.0


def test_municipality_score_follows_the_rank():
    prefs = {"pref_rank": [[2, 1, 0]], "has_prefs": [True]}

    assert score_one(prefs, {"municipality": [1]})["municipality"] == 1.0
    assert score_one(prefs, {"municipality": [0]})["municipality"] == 0.5
    none_named = {"pref_rank": [[0, 0, 0]], "has_prefs": [False]}
    assert score_one(none_named, {"municipality": [2]})["municipality"] == 0.5


def test_language_score_is_whether_a_language_is_shared():
    assert score_one({"languages": [[0b101]]}, {"languages": [[0b100]]})["language"] == 1.0
    assert score_one({"languages": [[0b101]]}, {"languages": [[0b010]]})["language"] == 0.0
    assert score_one({"languages": [[0]]}, {"languages": [[0]]})["language"] == 0.0
    top = 1 << 63
    assert score_one({"languages": [[top]]}, {"languages": [[top | 1]]})["language"] == 1.0
    # More than one word of bits: a language in the second word counts too.
    assert score_one({"languages": [[0, 1]]}, {"languages": [[2, 1]]})["language"] == 1.0
    assert score_one({"languages": [[1, 2]]}, {"languages": [[2, 1]]})["language"] == 0.0


def test_needs_score_is_the_share_of_needs_met():
    school, work, medical = (1 << NEED_CODES.index(name) for name in ("school", "work", "medical_care"))

    assert score_one({"needs": [school | work]}, {"near": [school | work]})["needs"] == 1.0
    assert score_one({"needs": [school | work]}, {"near": [work | medical]})["needs"] == 0.5
    assert score_one({"needs": [school | work]}, {"near": [medical]})["needs"] == 0.0
    assert score_one({"needs": [school | work | medical]}, {"near": [medical]})["needs"] == pytest.approx(1 / 3)
    assert score_one({"needs": [0]}, {"near": [0]})["needs"] == 1.0


def test_waiting_score_grows_to_one_at_waiting_full_days():
    assert score_one({"waiting_days": [180]}, waiting_full_days=180)["waiting"] == 1.0
    assert score_one({"waiting_days": [500]}, waiting_full_days=180)["waiting"] == 1.0
    assert score_one({"waiting_days": [90]}, waiting_full_days=180)["waiting"] == 0.5
    assert score_one({"waiting_days": [0]}, waiting_full_days=180)["waiting"] == 0.0


def test_duration_score():
    six_months = {"stay_months": [6]}
    # Open-ended, or unknown stay: fully covered.
    assert score_one(six_months)["duration"] == 1.0
    assert score_one({"stay_months": [0]}, {"available_until": [100]})["duration"] == 1.0
    # Available for half of the wanted stay.
    assert score_one(six_months, {"available_until": [round(3 * MONTH_DAYS)]})["duration"] == pytest.approx(
        0.5, abs=0.01
    )
    # The offer asks for twice the wanted stay.
    assert score_one(six_months, {"minimum_stay_months": [12]})["duration"] == 0.5


def test_all_weight_on_one_criterion_for_a_known_pair():
    households = {"size": [1], "waiting_days": [50]}
    offers = {"capacity": [4]}

    assert score_one(households, offers, weights={"size": 3.0})["total"] == 0.25
    assert score_one(households, offers, weights={"waiting": 1.0}, waiting_full_days=100)["total"] == 0.5
    # Negative weights count as none.
    assert score_one(households, offers, weights={"size": 1.0, "waiting": -5.0})["total"] == 0.25
    assert score_one(households, offers, weights={})["total"] == 0.0


# --- Optimisation -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(instances())
def test_optimal_reaches_the_brute_force_optimum(inst):
    pairs, scores = scored(inst)
    assert set(pair_set(pairs)) == feasible_by_rules(inst)
    value = {pair: int(p) for pair, p in zip(pair_set(pairs), scores.points.tolist(), strict=True)}

    result = solve_optimal(len(inst.h), inst.o, pairs, scores.points, scores.total)
    chosen = pair_set(pairs, result.chosen.tolist())

    assert_respects_capacity(inst, chosen)
    assert result.points == brute_force_best(len(inst.h), inst.o.slots, value)
    assert result.points == sum(value[pair] for pair in chosen)
    assert result.matched == len(chosen)
    assert result.total_score == pytest.approx(float(scores.total[result.chosen].sum()), abs=1e-9)
    assert result.total_score == pytest.approx(sum(float(scores.total[k]) for k in result.chosen.tolist()), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(instances(max_households=7, max_offers=6))
def test_solving_each_independent_part_alone_reaches_the_brute_force_optimum(inst):
    pairs, scores = scored(inst)
    value = {pair: int(p) for pair, p in zip(pair_set(pairs), scores.points.tolist(), strict=True)}

    with blocks_of(1, "SOLVE_ARCS"):  # every part in a problem of its own
        result = solve_optimal(len(inst.h), inst.o, pairs, scores.points, scores.total)

    assert_respects_capacity(inst, pair_set(pairs, result.chosen.tolist()))
    assert result.points == brute_force_best(len(inst.h), inst.o.slots, value)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_optimal_never_leaves_a_household_out_when_a_place_is_free(inst):
    """Every pair is worth at least a point, so a household left out has no feasible offer with a place."""
    pairs, scores = scored(inst)
    result = solve_optimal(len(inst.h), inst.o, pairs, scores.points, scores.total)
    chosen = pair_set(pairs, result.chosen.tolist())
    housed = {i for i, _ in chosen}
    left = [int(s) - sum(1 for _, j in chosen if j == jj) for jj, s in enumerate(inst.o.slots.tolist())]

    for i, j in feasible_by_rules(inst):
        assert i in housed or left[j] == 0, (i, j)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_greedy_respects_capacity_and_never_beats_the_optimum(inst):
    pairs, scores = scored(inst)
    greedy = solve_greedy(inst.h, inst.o, pairs, scores.points, scores.total)
    optimal = solve_optimal(len(inst.h), inst.o, pairs, scores.points, scores.total)
    chosen = pair_set(pairs, greedy.chosen.tolist())

    assert_respects_capacity(inst, chosen)
    assert greedy.points == int(scores.points[greedy.chosen].sum())
    assert greedy.total_score == pytest.approx(float(scores.total[greedy.chosen].sum()), abs=1e-9)
    assert greedy.points <= optimal.points


@settings(max_examples=150, deadline=None)
@given(instances())
def test_greedy_is_first_come_first_served(inst):
    """Longest waiting first (ties by id), each taking the earliest-listed feasible offer with a place."""
    pairs, scores = scored(inst)
    greedy = solve_greedy(inst.h, inst.o, pairs, scores.points, scores.total)

    listed = inst.o.listed_order if inst.o.listed_order is not None else np.arange(len(inst.o))
    feasible = feasible_by_rules(inst)
    left = [int(s) for s in inst.o.slots]
    expected = set()
    for i in sorted(range(len(inst.h)), key=lambda i: (-int(inst.h.waiting_days[i]), int(inst.h.ids[i]))):
        for j in sorted(range(len(inst.o)), key=lambda j: int(listed[j])):
            if (i, j) in feasible and left[j] > 0:
                left[j] -= 1
                expected.add((i, j))
                break
    assert set(pair_set(pairs, greedy.chosen.tolist())) == expected


@settings(max_examples=150, deadline=None)
@given(instances())
def test_solving_twice_gives_the_same_assignment(inst):
    pairs, scores = scored(inst)
    first = solve_optimal(len(inst.h), inst.o, pairs, scores.points, scores.total)
    again = solve_optimal(len(inst.h), inst.o, pairs, scores.points, scores.total)
    np.testing.assert_array_equal(first.chosen, again.chosen)
    assert (first.points, first.total_score) == (again.points, again.total_score)

    pairs2, scores2 = scored(inst)
    fresh = solve_optimal(len(inst.h), inst.o, pairs2, scores2.points, scores2.total)
    np.testing.assert_array_equal(first.chosen, fresh.chosen)

    greedy = solve_greedy(inst.h, inst.o, pairs, scores.points, scores.total)
    np.testing.assert_array_equal(
        greedy.chosen, solve_greedy(inst.h, inst.o, pairs, scores.points, scores.total).chosen
    )


def test_nothing_to_assign():
    h, o = make_households(2, has_consent=[False, False]), make_offers(2)
    pairs = feasible_pairs(h, o)
    points, total = np.zeros(0, np.int64), np.zeros(0)

    for result in (solve_optimal(len(h), o, pairs, points, total), solve_greedy(h, o, pairs, points, total)):
        assert (result.matched, result.points, result.total_score) == (0, 0, 0.0)


def test_optimal_houses_the_family_that_first_come_first_served_leaves_out():
    # A single person who has waited longest, a family of four; a big flat listed first, a room listed next.
    h = make_households(2, size=[1, 4], has_children=[False, True], waiting_days=[300, 10])
    o = make_offers(2, capacity=[5, 1], listed_order=[0, 1])
    pairs = feasible_pairs(h, o)
    assert pair_set(pairs) == [(0, 0), (0, 1), (1, 0)]
    scores = score_pairs(h, o, pairs, UNIFORM, waiting_full_days=365, reference_rent=500.0)

    greedy = solve_greedy(h, o, pairs, scores.points, scores.total)
    optimal = solve_optimal(len(h), o, pairs, scores.points, scores.total)

    assert pair_set(pairs, greedy.chosen.tolist()) == [(0, 0)]  # the family is left without a home
    assert sorted(pair_set(pairs, optimal.chosen.tolist())) == [(0, 1), (1, 0)]
    assert (greedy.matched, optimal.matched) == (1, 2)
    assert optimal.points > greedy.points
    assert optimal.total_score > greedy.total_score


def test_the_policy_has_one_weight_field_per_criterion_in_their_order_with_their_label_and_default():
    from matching.models import MatchingPolicy

    weights = [field for field in MatchingPolicy._meta.fields if field.name.startswith("weight_")]
    assert [field.name for field in weights] == [criterion.weight_field for criterion in CRITERIA]
    for field, criterion in zip(weights, CRITERIA, strict=True):
        assert (field.verbose_name, field.default) == (criterion.weight_label, criterion.default_weight)
