"""The matching engine's arithmetic: hard constraints, soft criteria and the optimisation, on NumPy arrays.

Nothing here touches the database: `matching.snapshot` loads the arrays and `matching.runs` writes the
result. Constraints are written once (`RULES`) and checked on the candidate pairs an index of buckets
lets through (municipality, flags, capacity), in blocks, so the work grows with the feasible pairs and
not with households × offers; criteria are scored only for the feasible pairs; the assignment that maximises
the total score is found by OR-Tools' min-cost-flow solver. The criteria and constraints (codes, order,
labels) are listed in `matching.criteria`, the data types in `matching.engine_types`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from matching.criteria import CONSTRAINT_CODES, CONSTRAINTS, CRITERION_CODES, DECLINED
from matching.engine_types import Assignment, Households, Offers, Pairs, RuledOut, Scores, ranges_expand

# A month of stay, in days (365.25 / 12).
MONTH_DAYS = 30.4375
# Open-ended availability.
NO_END = np.int32(2**31 - 1)
# Scores are whole numbers of millionths for the solver; each possible pair is worth at least one, so
# the optimum never leaves a household without a home it could have had for nothing.
SCALE = 1_000_000
# Candidate pairs checked at once (a few tens of MB of index arrays per block).
BLOCK_CELLS = 4_000_000
# Pairs per min-cost-flow problem: independent parts are grouped up to about this many (the solver's
# time grows faster than its arcs).
SOLVE_ARCS = 300_000
# Pairs scored at once.
SCORE_BLOCK = 1 << 17
# The constraints checked on the arrays (all but "declined", checked on the list of declined pairs).
MASKED = tuple(code for code in CONSTRAINT_CODES if code != DECLINED)
# The constraints that ask whether the home suits the household.
FIT = tuple(constraint.code for constraint in CONSTRAINTS if constraint.fit)


# --- Hard constraints -------------------------------------------------------------------------------
#
# Each constraint of `MASKED` is one rule, written once (`RULES`): a function of the household's columns
# and the offer's columns it names, on arrays that NumPy broadcasts against each other. The same rule is
# evaluated on aligned pairs (candidate generation), on a grid of households × offers (`constraint_masks`)
# and on the distinct values of its columns (`ruled_out`'s counts). "rank" is a column of the pair: the
# rank the household gives the offer's municipality (0 when it names it not).

Columns = Mapping[str, NDArray]


@dataclass(frozen=True)
class Rule:
    household: tuple[str, ...]  # the household columns it reads
    offer: tuple[str, ...]  # the offer columns it reads
    passes: Callable[[Columns, Columns], NDArray[np.bool_]]


def _dates(h: Columns, o: Columns) -> NDArray[np.bool_]:
    move_in = h["move_in"].astype(np.int64)
    window = o["available_until"].astype(np.int64) - move_in
    min_stay_days = np.maximum(o["minimum_stay_months"], 1).astype(np.float64) * MONTH_DAYS
    return (o["available_from"] <= move_in) & (window >= min_stay_days)


RULES: dict[str, Rule] = {
    "consent": Rule(("has_consent",), (), lambda h, o: h["has_consent"]),
    "capacity": Rule(("size",), ("capacity",), lambda h, o: o["capacity"] >= h["size"]),
    "step_free": Rule(("needs_step_free",), ("step_free",), lambda h, o: ~h["needs_step_free"] | o["step_free"]),
    "pets": Rule(("has_pets",), ("pets_allowed",), lambda h, o: ~h["has_pets"] | o["pets_allowed"]),
    "children": Rule(("has_children",), ("children_welcome",), lambda h, o: ~h["has_children"] | o["children_welcome"]),
    "dates": Rule(("move_in",), ("available_from", "available_until", "minimum_stay_months"), _dates),
    "municipality": Rule(("has_prefs", "rank"), (), lambda h, o: ~h["has_prefs"] | (h["rank"] > 0)),
    "rent": Rule(("max_rent",), ("rent",), lambda h, o: np.isnan(h["max_rent"]) | (o["rent"] <= h["max_rent"])),
    "sponsor": Rule((), ("sponsor_ok",), lambda h, o: o["sponsor_ok"]),
    "suspended": Rule((), ("sponsor_suspended",), lambda h, o: ~o["sponsor_suspended"]),
}
RULES = {code: RULES[code] for code in MASKED}  # a constraint listed without its rule fails here


def pref_ranks(h: Households, rows: NDArray[np.integer], municipalities: NDArray[np.integer]) -> NDArray[np.int16]:
    """The rank household `rows[k]` gives municipality `municipalities[k]`, 0 when not named."""
    assert h.pref_value is not None
    keys = (np.asarray(rows, dtype=np.int64) << 31) | np.asarray(municipalities, dtype=np.int64)
    if not len(h.pref_keys):
        return np.zeros(keys.shape, dtype=np.int16)
    at = np.minimum(np.searchsorted(h.pref_keys, keys), len(h.pref_keys) - 1)
    return np.where(h.pref_keys[at] == keys, h.pref_value[at], 0).astype(np.int16)


def _pair_passes(
    h: Households, o: Offers, hi: NDArray, oi: NDArray, rank: NDArray, codes: Iterable[str]
) -> dict[str, NDArray[np.bool_]]:
    """Each rule of `codes` on the aligned pairs (hi[k], oi[k]) whose municipality rank is rank[k]."""
    result = {}
    for code in codes:
        rule = RULES[code]
        hv = {name: rank if name == "rank" else getattr(h, name)[hi] for name in rule.household}
        ov = {name: getattr(o, name)[oi] for name in rule.offer}
        result[code] = np.broadcast_to(rule.passes(hv, ov), hi.shape)
    return result


def constraint_masks(h: Households, o: Offers, rows: slice) -> dict[str, NDArray[np.bool_]]:
    """For households `rows` × all offers: True where the pair passes the constraint, for each constraint
    of `MASKED` in its order. Constraints that depend on one side only come back as a column or a row,
    broadcast by NumPy. (Dense: for small instances; runs use `feasible_pairs`.)"""
    index = np.arange(len(h))[rows]
    rank = pref_ranks(h, np.repeat(index, len(o)), np.tile(o.municipality, len(index))).reshape(len(index), len(o))
    masks = {}
    for code, rule in RULES.items():
        hv = {name: rank if name == "rank" else getattr(h, name)[index, None] for name in rule.household}
        ov = {name: getattr(o, name)[None, :] for name in rule.offer}
        masks[code] = rule.passes(hv, ov)
    return masks


# --- Candidate generation ---------------------------------------------------------------------------
#
# An index narrows the pairs compared with the rules to those in a bucket the household can accept: the
# offers of each municipality (all municipalities for a household naming none), split by their
# step-free, pets and children flags, sorted by capacity, so that a household meets, per bucket it can
# accept, one contiguous run of offers with room for it (two binary searches). The index may let through
# pairs that fail a rule, never hold back one that passes: every candidate is then checked with `RULES`.

CAPACITY_SPAN = 1 << 16  # capacities are int16
ACCEPTED_FLAGS = np.array([[f if f & need == need else -1 for f in range(8)] for need in range(8)], dtype=np.int64)


def _offer_flags(o: Offers) -> NDArray[np.int64]:
    return (
        o.step_free.astype(np.int64) | o.pets_allowed.astype(np.int64) << 1 | o.children_welcome.astype(np.int64) << 2
    )


def _household_flags(h: Households) -> NDArray[np.int64]:
    return h.needs_step_free.astype(np.int64) | h.has_pets.astype(np.int64) << 1 | h.has_children.astype(np.int64) << 2


def _candidate_queries(
    h: Households, o: Offers, rows: NDArray[np.int64], offers: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int16], NDArray[np.int64]]:
    """The runs of offers (start, length into `sorted_offers`) each household of `rows` meets, with the
    household and the rank of the run's municipality; and the offers sorted for these runs."""
    assert h.pref_ptr is not None and h.pref_municipality is not None and h.pref_value is not None
    flags = _offer_flags(o)[offers]
    room = (CAPACITY_SPAN // 2 - 1) - o.capacity[offers].astype(np.int64)  # ascending = most room first
    # Buckets: (municipality, flags), then (anywhere, flags) for the households naming none, with
    # "anywhere" the municipality index after the last.
    anywhere = int(max(o.municipality.max(initial=0), h.pref_municipality.max(initial=0))) + 1
    municipality = o.municipality[offers].astype(np.int64)
    keys = np.concatenate(((municipality * 8 + flags) * CAPACITY_SPAN, (anywhere * 8 + flags) * CAPACITY_SPAN))
    keys += np.concatenate((room, room))
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    sorted_offers = np.concatenate((offers, offers))[order]

    needs = _household_flags(h)
    # One query per (household, municipality named) or (household naming none), per flags accepted.
    counts = np.diff(h.pref_ptr)[rows]
    named = ranges_expand(h.pref_ptr[rows], counts)
    free = rows[~h.has_prefs[rows]]
    query_h = np.concatenate((np.repeat(rows, counts), free))
    query_m = np.concatenate((h.pref_municipality[named].astype(np.int64), np.full(len(free), anywhere, np.int64)))
    query_rank = np.concatenate((h.pref_value[named], np.zeros(len(free), np.int16)))
    accepted = ACCEPTED_FLAGS[needs[query_h]]  # (queries, 8), -1 where not accepted
    k, f = np.nonzero(accepted >= 0)
    query_h, query_m, query_rank, flag = query_h[k], query_m[k], query_rank[k], accepted[k, f]
    limit = np.clip((CAPACITY_SPAN // 2 - 1) - h.size[query_h].astype(np.int64), -1, CAPACITY_SPAN - 1)
    base = (query_m * 8 + flag) * CAPACITY_SPAN
    low = np.searchsorted(sorted_keys, base, side="left")
    high = np.searchsorted(sorted_keys, base + limit, side="right")
    length = np.maximum(high - low, 0).astype(np.int64)
    return query_h.astype(np.int64), low.astype(np.int64), length, query_rank.astype(np.int16), sorted_offers


def _candidates_checked(
    h: Households, o: Offers, rows: NDArray[np.int64], offers: NDArray[np.int64], codes: tuple[str, ...]
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int16], int]:
    """The candidate pairs of `rows` × `offers` that pass the rules `codes` (household, offer, rank), and
    how many candidates were compared, in chunks of at most `BLOCK_CELLS` candidates."""
    if not len(rows) or not len(offers):
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int16), 0
    query_h, low, length, query_rank, sorted_offers = _candidate_queries(h, o, rows, offers)
    ends = np.cumsum(length)
    cuts = np.searchsorted(ends, np.arange(BLOCK_CELLS, int(ends[-1]) if len(ends) else 0, BLOCK_CELLS))
    hs, os_, ranks = [], [], []
    for part in np.split(np.arange(len(query_h)), np.unique(cuts)):
        counts = length[part]
        hi = np.repeat(query_h[part], counts)
        oi = sorted_offers[ranges_expand(low[part], counts)]
        rank = np.repeat(query_rank[part], counts)
        ok = np.ones(len(hi), dtype=bool)
        for mask in _pair_passes(h, o, hi, oi, rank, codes).values():
            ok &= mask
        hs.append(hi[ok].astype(np.int32))
        os_.append(oi[ok].astype(np.int32))
        ranks.append(rank[ok])
    return np.concatenate(hs), np.concatenate(os_), np.concatenate(ranks), int(length.sum())


def _declined_mask(
    declined: Set[tuple[int, int]], h_idx: NDArray[np.integer], o_idx: NDArray[np.integer]
) -> NDArray[np.bool_]:
    if not declined:
        return np.zeros(len(h_idx), dtype=bool)
    keys = h_idx.astype(np.int64) * (2**31) + o_idx.astype(np.int64)
    banned = np.fromiter((hh * (2**31) + oo for hh, oo in declined), dtype=np.int64, count=len(declined))
    return np.isin(keys, banned)


def feasible_pairs(h: Households, o: Offers, declined: Set[tuple[int, int]] = frozenset()) -> Pairs:
    """All pairs that pass every hard constraint. `declined` holds (household index, offer index) pairs
    that one side declined before. Costs in proportion to the candidates the index lets through (see
    above), not to households × offers."""
    rows = np.nonzero(h.has_consent)[0].astype(np.int64) if len(o) else np.zeros(0, np.int64)
    offers = np.nonzero(o.sponsor_ok & ~o.sponsor_suspended)[0].astype(np.int64)
    hi, oi, rank, compared = _candidates_checked(h, o, rows, offers, MASKED)
    keep = ~_declined_mask(declined, hi, oi)
    hi, oi, rank = hi[keep], oi[keep], rank[keep]
    order = np.argsort(hi.astype(np.int64) * max(1, len(o)) + oi, kind="stable")
    return Pairs(household=hi[order], offer=oi[order], rank=rank[order], compared=compared)


def _distinct(columns: list[NDArray], n: int) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The distinct rows of the `n` rows of the columns (one row when there are no columns): the index of
    one row of each, each row's distinct row, and how many rows each has."""
    code = np.zeros(n, dtype=np.int64)
    for values in columns:
        _values, inverse = np.unique(values, return_inverse=True)
        _codes, code = np.unique(code * (len(_values) + 1) + inverse.reshape(-1), return_inverse=True)
        code = code.reshape(-1)
    _codes, first, inverse, counts = np.unique(code, return_index=True, return_inverse=True, return_counts=True)
    return first, inverse.reshape(-1), counts


def ruled_out(
    h: Households, o: Offers, household_rows: NDArray[np.integer], declined: Set[tuple[int, int]] = frozenset()
) -> RuledOut:
    """For the given households (in that order): how many offers each constraint rules out, and how many
    of the offers that suit the household, shape (rows, constraints) in `CONSTRAINT_CODES` order.

    Counted per rule on the distinct values of the columns it reads (households with the same size meet
    the same offers too small), per municipality for "municipality"; the offers that suit are the
    candidates passing every `fit` rule (as in `feasible_pairs`), so nothing is per household × offer."""
    rows = np.asarray(household_rows, dtype=np.int64)
    counts = np.zeros((len(rows), len(CONSTRAINT_CODES)), dtype=np.int64)
    suiting = np.zeros_like(counts)
    compared = 0
    if not len(rows) or not len(o):
        return RuledOut(counts=counts, suiting=suiting)
    column = {code: j for j, code in enumerate(CONSTRAINT_CODES)}
    hs = h.subset(rows)
    assert hs.pref_ptr is not None and hs.pref_municipality is not None and hs.pref_value is not None
    for code, rule in RULES.items():
        if "rank" in rule.household:  # per municipality named, and once for all the others
            per_municipality = np.bincount(o.municipality, minlength=int(o.municipality.max(initial=0)) + 1)
            owner = np.repeat(np.arange(len(rows)), np.diff(hs.pref_ptr))
            named = per_municipality[np.minimum(hs.pref_municipality, len(per_municipality) - 1)]
            named = np.where(hs.pref_municipality < len(per_municipality), named, 0)
            others = len(o) - np.bincount(owner, weights=named, minlength=len(rows)).astype(np.int64)
            groups_h = np.concatenate((owner, np.arange(len(rows))))
            groups_rank = np.concatenate((hs.pref_value, np.zeros(len(rows), np.int16)))
            groups_n = np.concatenate((named, others))
            hv = {name: groups_rank if name == "rank" else getattr(hs, name)[groups_h] for name in rule.household}
            fails = ~np.broadcast_to(rule.passes(hv, {}), groups_h.shape)
            counts[:, column[code]] = np.bincount(groups_h, weights=fails * groups_n, minlength=len(rows))
            compared += len(groups_h)
            continue
        h_first, h_inverse, _h_counts = _distinct([getattr(hs, name) for name in rule.household], len(rows))
        o_first, _o_inverse, o_counts = _distinct([getattr(o, name) for name in rule.offer], len(o))
        hv = {name: getattr(hs, name)[h_first, None] for name in rule.household}
        ov = {name: getattr(o, name)[o_first][None, :] for name in rule.offer}
        fails = ~np.broadcast_to(rule.passes(hv, ov), (len(h_first), len(o_first)))
        counts[:, column[code]] = (fails.astype(np.int64) @ o_counts)[h_inverse]
        compared += fails.size
    position = np.full(len(h), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    for hh, _oo in declined:
        if 0 <= hh < len(h) and position[hh] >= 0:
            counts[position[hh], column[DECLINED]] += 1
    # The offers that suit each household (pass every `fit` rule), and what withheld them.
    hi, oi, rank, candidates = _candidates_checked(h, o, rows, np.arange(len(o), dtype=np.int64), FIT)
    withheld = _pair_passes(h, o, hi, oi, rank, [code for code in MASKED if code not in FIT])
    at = position[hi]
    for code, passes in withheld.items():
        suiting[:, column[code]] = np.bincount(at, weights=~passes, minlength=len(rows))
    suiting[:, column[DECLINED]] = np.bincount(at, weights=_declined_mask(declined, hi, oi), minlength=len(rows))
    return RuledOut(counts=counts, suiting=suiting, compared=compared + candidates)


def main_reasons(ruled: RuledOut) -> NDArray[np.int64]:
    """Per household, the column of the constraint to name for it. When some homes suited the household
    but were withheld, what withheld most of them (however many others the household's needs ruled out:
    that is what stood between it and a home); else the constraint that rules out most offers. Ties go to
    the earlier constraint."""
    return np.where(ruled.suiting.any(axis=1), ruled.suiting.argmax(axis=1), ruled.counts.argmax(axis=1))


# --- Soft criteria ----------------------------------------------------------------------------------


_BITS_SET = np.array([bin(value).count("1") for value in range(256)], dtype=np.int64)


def _popcount8(values: NDArray[np.uint8]) -> NDArray[np.int64]:
    return _BITS_SET[values.astype(np.uint8)]


def score_pairs(
    h: Households, o: Offers, pairs: Pairs, weights: dict[str, float], *, waiting_full_days: int, reference_rent: float
) -> Scores:
    """Each criterion in [0, 1] for every feasible pair, and their weighted mean; computed in blocks of
    `SCORE_BLOCK` pairs (the temporaries stay small and are reused)."""
    n = len(pairs)
    criteria = {code: np.empty(n, dtype=np.float64) for code in CRITERION_CODES}
    total = np.zeros(n)
    used = {code: max(0.0, float(weights.get(code, 0.0))) for code in CRITERION_CODES}
    weight_sum = sum(used.values())
    for start in range(0, n, SCORE_BLOCK):
        block = slice(start, min(n, start + SCORE_BLOCK))
        hi, oi = pairs.household[block], pairs.offer[block]
        ranks = pairs.rank[block] if pairs.rank is not None else pref_ranks(h, hi, o.municipality[oi])
        computed = _criteria(h, o, hi, oi, ranks, waiting_full_days=waiting_full_days, reference_rent=reference_rent)
        for code in CRITERION_CODES:  # a criterion listed without its formula fails here
            criteria[code][block] = computed[code]
        if weight_sum > 0:
            part = total[block]
            for code, weight in used.items():
                part += weight * criteria[code][block]
            part /= weight_sum
    total = np.clip(total, 0.0, 1.0)
    points = np.rint(total * SCALE).astype(np.int64) + 1
    return Scores(criteria=criteria, total=total, points=points)


def _criteria(
    h: Households,
    o: Offers,
    hi: NDArray,
    oi: NDArray,
    ranks: NDArray,
    *,
    waiting_full_days: int,
    reference_rent: float,
) -> dict[str, NDArray[np.float64]]:
    """Each criterion's formula, on the aligned pairs (hi[k], oi[k])."""
    rank = ranks.astype(np.float64)
    municipality = np.where(h.has_prefs[hi], np.divide(1.0, rank, out=np.zeros_like(rank), where=rank > 0), 0.5)

    language = (h.languages[hi] & o.languages[oi]).any(axis=1).astype(np.float64)

    limit = np.where(np.isnan(h.max_rent[hi]), float(reference_rent), h.max_rent[hi])
    rent_share = np.divide(o.rent[oi], limit, out=np.zeros(len(hi)), where=limit > 0)
    rent = np.clip(1.0 - rent_share, 0.0, 1.0)

    size = h.size[hi].astype(np.float64) / np.maximum(o.capacity[oi], 1)

    stay = h.stay_months[hi].astype(np.float64) * MONTH_DAYS
    window = o.available_until[oi].astype(np.float64) - h.move_in[hi]
    known = stay > 0
    coverage = np.where(known, np.minimum(1.0, window / np.where(known, stay, 1.0)), 1.0)
    min_stay = o.minimum_stay_months[oi].astype(np.float64) * MONTH_DAYS
    too_long = np.where(known & (min_stay > stay), stay / np.where(min_stay > 0, min_stay, 1.0), 1.0)
    duration = coverage * too_long

    named = _popcount8(h.needs[hi])
    met = _popcount8(h.needs[hi] & o.near[oi])
    needs = np.where(named > 0, met / np.maximum(named, 1), 1.0)

    waiting = np.minimum(1.0, h.waiting_days[hi].astype(np.float64) / max(1, waiting_full_days))

    return {
        "municipality": municipality,
        "language": language,
        "rent": rent,
        "size": size,
        "duration": duration,
        "needs": needs,
        "waiting": np.broadcast_to(waiting, hi.shape),
    }


# --- Optimisation -----------------------------------------------------------------------------------


def _flow_solve(
    household: NDArray[np.integer], offer: NDArray[np.integer], slots: NDArray[np.integer], points: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The optimum of one independent part (`solve_optimal`), with its own compact node numbers: the
    indexes of the pairs chosen."""
    households, h_node = np.unique(household, return_inverse=True)
    offers, o_node = np.unique(offer, return_inverse=True)
    n_h, n_o = len(households), len(offers)
    source, sink = 0, 1 + n_h + n_o
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n_h, np.int32), np.arange(1, 1 + n_h, dtype=np.int32), np.ones(n_h, np.int64), np.zeros(n_h, np.int64)
    )
    pair_arcs = np.asarray(
        flow.add_arcs_with_capacity_and_unit_cost(
            (1 + h_node.reshape(-1)).astype(np.int32),
            (1 + n_h + o_node.reshape(-1)).astype(np.int32),
            np.ones(len(household), np.int64),
            -points.astype(np.int64),
        )
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(1 + n_h, 1 + n_h + n_o, dtype=np.int32),
        np.full(n_o, sink, np.int32),
        slots[offers].astype(np.int64),
        np.zeros(n_o, np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, n_h, 0)
    flow.set_node_supply(source, n_h)
    flow.set_node_supply(sink, -n_h)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the network always has a feasible flow
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.nonzero(flow.flows(pair_arcs.astype(np.int32)) > 0)[0].astype(np.int64)


def _parts(o: Offers, pairs: Pairs) -> NDArray[np.int64]:
    """A part per pair such that no household has pairs in two parts: municipalities joined whenever a
    household has pairs in both (union-find over municipalities, not pairs). Each part is then an
    independent problem (several unrelated ones may share a part)."""
    municipality = o.municipality[pairs.offer].astype(np.int64)
    n_m = int(municipality.max(initial=0)) + 1
    links = np.unique(pairs.household.astype(np.int64) * n_m + municipality)
    owner, place = (links // n_m).tolist(), (links % n_m).tolist()
    parent = list(range(n_m))

    def root(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for k in range(1, len(owner)):
        if owner[k] == owner[k - 1]:  # the household's first municipality and this one
            a, b = root(place[k - 1]), root(place[k])
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = np.array([root(m) for m in range(n_m)], dtype=np.int64)
    return roots[municipality]


def solve_optimal(
    n_households: int, o: Offers, pairs: Pairs, points: NDArray[np.int64], total: NDArray[np.float64]
) -> Assignment:
    """The assignment with the most points: each household at most one offer, each offer at most its free
    places. A min-cost flow: source → household (1) → offer (1 per pair, cost −points) → sink (places),
    and a free source → sink arc for the households left without a home. Solved per independent part
    (`_parts`, grouped up to `SOLVE_ARCS` pairs): the optimum of the whole is the sum of the parts'."""
    if not len(pairs):
        return Assignment(chosen=np.zeros(0, np.int64), total_score=0.0, points=0)
    part = _parts(o, pairs)
    order = np.argsort(part, kind="stable")
    bounds = np.flatnonzero(np.r_[True, part[order][1:] != part[order][:-1], True])
    chosen, start = [], 0
    for k in range(1, len(bounds)):
        end = bounds[k]
        if end - start >= SOLVE_ARCS or k == len(bounds) - 1:
            index = np.sort(order[start:end])
            picked = _flow_solve(pairs.household[index], pairs.offer[index], o.slots, points[index])
            chosen.append(index[picked])
            start = end
    result = np.sort(np.concatenate(chosen))
    return Assignment(chosen=result, total_score=float(total[result].sum()), points=int(points[result].sum()))


def solve_greedy(
    h: Households, o: Offers, pairs: Pairs, points: NDArray[np.int64], total: NDArray[np.float64]
) -> Assignment:
    """First come, first served (for comparison only): households in order of time waiting, each given the
    first feasible offer that still has a place, in the order the offers became available."""
    if not len(pairs):
        return Assignment(chosen=np.zeros(0, np.int64), total_score=0.0, points=0)
    listed = o.listed_order if o.listed_order is not None else np.arange(len(o))
    household_turn = np.lexsort((h.ids, -h.waiting_days.astype(np.int64)))
    turn_of = np.empty(len(h), np.int64)
    turn_of[household_turn] = np.arange(len(h))
    order = np.argsort(turn_of[pairs.household] * max(1, len(o)) + listed[pairs.offer], kind="stable")
    # Each household's pairs in turn, in the order listed: it takes the first with a place left (most
    # stop at their first pairs, so the loop is far shorter than the pairs).
    sorted_households = pairs.household[order]
    starts = np.flatnonzero(np.r_[True, sorted_households[1:] != sorted_households[:-1]]).tolist()
    ends = [*starts[1:], len(order)]
    offers = pairs.offer[order].tolist()
    left = o.slots.astype(np.int64).tolist()
    picked: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        for k in range(start, end):
            oo = offers[k]
            if left[oo] > 0:
                left[oo] -= 1
                picked.append(k)
                break
    chosen = np.sort(order[np.array(picked, dtype=np.int64)]).astype(np.int64)
    return Assignment(chosen=chosen, total_score=float(total[chosen].sum()), points=int(points[chosen].sum()))
