"""The matching engine's arithmetic: hard constraints, soft criteria and the optimisation, on NumPy arrays.

Nothing here touches the database: `matching.snapshot` loads the arrays and `matching.runs` writes the
result. Constraints are checked for all household × offer pairs at once, in blocks of households, so
memory stays bounded; criteria are scored only for the feasible pairs; the assignment that maximises
the total score is found by OR-Tools' min-cost-flow solver. The criteria and constraints (codes, order,
labels) are listed in `matching.criteria`, the data types in `matching.engine_types`.
"""

from __future__ import annotations

from collections.abc import Iterator, Set

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from matching.criteria import CONSTRAINT_CODES, CONSTRAINTS, CRITERION_CODES, DECLINED
from matching.engine_types import Assignment, Households, Offers, Pairs, RuledOut, Scores

# A month of stay, in days (365.25 / 12).
MONTH_DAYS = 30.4375
# Open-ended availability.
NO_END = np.int32(2**31 - 1)
# Scores are whole numbers of millionths for the solver; each possible pair is worth at least one, so
# the optimum never leaves a household without a home it could have had for nothing.
SCALE = 1_000_000
# Household × offer cells checked at once (a few tens of MB of boolean masks per block).
BLOCK_CELLS = 4_000_000
# The constraints checked on the arrays (all but "declined", checked on the list of declined pairs).
MASKED = tuple(code for code in CONSTRAINT_CODES if code != DECLINED)
# The constraints that ask whether the home suits the household.
FIT = tuple(constraint.code for constraint in CONSTRAINTS if constraint.fit)


# --- Hard constraints -------------------------------------------------------------------------------


def _min_stay_days(offers: Offers) -> NDArray[np.float64]:
    return np.maximum(offers.minimum_stay_months, 1).astype(np.float64) * MONTH_DAYS


def constraint_masks(h: Households, o: Offers, rows: slice) -> dict[str, NDArray[np.bool_]]:
    """For households `rows` × all offers: True where the pair passes the constraint, for each constraint
    of `MASKED` in its order. Constraints that depend on one side only come back as a column or a row,
    broadcast by NumPy."""
    size = h.size[rows, None]
    move_in = h.move_in[rows, None].astype(np.int64)
    max_rent = h.max_rent[rows, None]
    window = o.available_until.astype(np.int64)[None, :] - move_in
    rank = h.pref_rank[rows][:, o.municipality]
    masks = {
        "consent": h.has_consent[rows, None],
        "capacity": o.capacity[None, :] >= size,
        "step_free": ~h.needs_step_free[rows, None] | o.step_free[None, :],
        "pets": ~h.has_pets[rows, None] | o.pets_allowed[None, :],
        "children": ~h.has_children[rows, None] | o.children_welcome[None, :],
        "dates": (o.available_from[None, :] <= move_in) & (window >= _min_stay_days(o)[None, :]),
        "municipality": ~h.has_prefs[rows, None] | (rank > 0),
        "rent": np.isnan(max_rent) | (o.rent[None, :] <= max_rent),
        "sponsor": o.sponsor_ok[None, :],
        "suspended": ~o.sponsor_suspended[None, :],
    }
    return {code: masks[code] for code in MASKED}  # a constraint listed without its rule fails here


def _blocks(n_households: int, n_offers: int) -> Iterator[slice]:
    step = max(1, BLOCK_CELLS // max(1, n_offers))
    for start in range(0, n_households, step):
        yield slice(start, min(start + step, n_households))


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
    that one side declined before."""
    hs, os_ = [], []
    if len(h) and len(o):
        for rows in _blocks(len(h), len(o)):
            ok = np.ones((rows.stop - rows.start, len(o)), dtype=bool)
            for mask in constraint_masks(h, o, rows).values():
                ok &= mask
            r, c = np.nonzero(ok)
            hs.append((r + rows.start).astype(np.int32))
            os_.append(c.astype(np.int32))
    household = np.concatenate(hs) if hs else np.zeros(0, np.int32)
    offer = np.concatenate(os_) if os_ else np.zeros(0, np.int32)
    keep = ~_declined_mask(declined, household, offer)
    return Pairs(household=household[keep], offer=offer[keep])


def ruled_out(
    h: Households, o: Offers, household_rows: NDArray[np.integer], declined: Set[tuple[int, int]] = frozenset()
) -> RuledOut:
    """For the given households (in that order): how many offers each constraint rules out, and how many
    of the offers that suit the household, shape (rows, constraints) in `CONSTRAINT_CODES` order."""
    counts = np.zeros((len(household_rows), len(CONSTRAINT_CODES)), dtype=np.int64)
    suiting = np.zeros_like(counts)
    if not len(household_rows) or not len(o):
        return RuledOut(counts=counts, suiting=suiting)
    position = {int(row): i for i, row in enumerate(household_rows)}
    by_row: dict[int, list[int]] = {}
    for hh, oo in declined:
        if hh in position:
            by_row.setdefault(position[hh], []).append(oo)
    column = {code: j for j, code in enumerate(CONSTRAINT_CODES)}
    step = max(1, BLOCK_CELLS // len(o))
    for start in range(0, len(household_rows), step):
        chunk = household_rows[start : start + step]
        rows, shape = slice(start, start + len(chunk)), (len(chunk), len(o))
        masks = constraint_masks(h.subset(chunk), o, slice(0, len(chunk)))
        fits = np.ones(shape, dtype=bool)
        for code in FIT:
            fits &= masks[code]
        for code, mask in masks.items():
            fails = ~np.broadcast_to(mask, shape)
            counts[rows, column[code]] = fails.sum(axis=1)
            if code not in FIT:  # an offer failing a `fit` constraint does not suit
                suiting[rows, column[code]] = (fails & fits).sum(axis=1)
        for k, offer_rows in by_row.items():
            if start <= k < start + len(chunk):
                counts[k, column[DECLINED]] = len(offer_rows)
                suiting[k, column[DECLINED]] = fits[k - start, offer_rows].sum()
    return RuledOut(counts=counts, suiting=suiting)


def main_reasons(ruled: RuledOut) -> NDArray[np.int64]:
    """Per household, the column of the constraint to name for it. When some homes suited the household
    but were withheld, what withheld most of them (however many others the household's needs ruled out:
    that is what stood between it and a home); else the constraint that rules out most offers. Ties go to
    the earlier constraint."""
    return np.where(ruled.suiting.any(axis=1), ruled.suiting.argmax(axis=1), ruled.counts.argmax(axis=1))


# --- Soft criteria ----------------------------------------------------------------------------------


def _popcount8(values: NDArray[np.uint8]) -> NDArray[np.int64]:
    return np.unpackbits(values.astype(np.uint8)[:, None], axis=1).sum(axis=1)


def score_pairs(
    h: Households, o: Offers, pairs: Pairs, weights: dict[str, float], *, waiting_full_days: int, reference_rent: float
) -> Scores:
    """Each criterion in [0, 1] for every feasible pair, and their weighted mean."""
    hi, oi = pairs.household, pairs.offer
    rank = h.pref_rank[hi, o.municipality[oi]].astype(np.float64)
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

    computed = {
        "municipality": municipality,
        "language": language,
        "rent": rent,
        "size": size,
        "duration": duration,
        "needs": needs,
        "waiting": waiting,
    }
    criteria = {
        code: np.asarray(computed[code], dtype=np.float64) for code in CRITERION_CODES
    }  # a criterion listed without its formula fails here
    used = {code: max(0.0, float(weights.get(code, 0.0))) for code in CRITERION_CODES}
    weight_sum = sum(used.values())
    total = np.zeros(len(hi))
    if weight_sum > 0:
        for code, weight in used.items():
            total += weight * criteria[code]
        total /= weight_sum
    total = np.clip(total, 0.0, 1.0)
    points = np.rint(total * SCALE).astype(np.int64) + 1
    return Scores(criteria=criteria, total=total, points=points)


# --- Optimisation -----------------------------------------------------------------------------------


def solve_optimal(
    n_households: int, o: Offers, pairs: Pairs, points: NDArray[np.int64], total: NDArray[np.float64]
) -> Assignment:
    """The assignment with the most points: each household at most one offer, each offer at most its free
    places. A min-cost flow: source → household (1) → offer (1 per pair, cost −points) → sink (places),
    and a free source → sink arc for the households left without a home."""
    if not len(pairs):
        return Assignment(chosen=np.zeros(0, np.int64), total_score=0.0, points=0)
    n_offers = len(o)
    source, sink = 0, 1 + n_households + n_offers
    active = np.unique(pairs.household)
    used_offers = np.unique(pairs.offer)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(len(active), np.int32),
        (1 + active).astype(np.int32),
        np.ones(len(active), np.int64),
        np.zeros(len(active), np.int64),
    )
    pair_arcs = np.asarray(
        flow.add_arcs_with_capacity_and_unit_cost(
            (1 + pairs.household).astype(np.int32),
            (1 + n_households + pairs.offer).astype(np.int32),
            np.ones(len(pairs), np.int64),
            -points.astype(np.int64),
        )
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        (1 + n_households + used_offers).astype(np.int32),
        np.full(len(used_offers), sink, np.int32),
        o.slots[used_offers].astype(np.int64),
        np.zeros(len(used_offers), np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, len(active), 0)
    flow.set_node_supply(source, len(active))
    flow.set_node_supply(sink, -len(active))
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the network always has a feasible flow
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = np.nonzero(flow.flows(pair_arcs.astype(np.int32)) > 0)[0]
    return Assignment(chosen=chosen, total_score=float(total[chosen].sum()), points=int(points[chosen].sum()))


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
    order = np.lexsort((listed[pairs.offer], turn_of[pairs.household]))
    left = o.slots.astype(np.int64).copy()
    housed = np.zeros(len(h), dtype=bool)
    picked: list[int] = []
    for index, hh, oo in zip(order.tolist(), pairs.household[order].tolist(), pairs.offer[order].tolist(), strict=True):
        if housed[hh] or left[oo] <= 0:
            continue
        housed[hh] = True
        left[oo] -= 1
        picked.append(index)
    chosen = np.array(sorted(picked), dtype=np.int64)
    return Assignment(chosen=chosen, total_score=float(total[chosen].sum()), points=int(points[chosen].sum()))
