"""The data the matching engine works on and returns: the snapshot it reads, the feasible pairs, their
scores, the assignments, the offers each constraint rules out, and a run's whole result.

Plain dataclasses of NumPy arrays (one entry per household, offer or pair), with no database access:
`matching.snapshot` fills a `Snapshot`, `matching.engine` computes the rest, `matching.runs` writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray


@dataclass
class Households:
    """Households seeking housing, one entry per household (ordered by id)."""

    ids: NDArray[np.int64]
    size: NDArray[np.int16]
    has_children: NDArray[np.bool_]
    needs_step_free: NDArray[np.bool_]
    has_pets: NDArray[np.bool_]
    has_consent: NDArray[np.bool_]
    max_rent: NDArray[np.float64]  # NaN when no maximum was named
    move_in: NDArray[np.int32]  # day numbers: the wanted move-in day (not before the run's day)
    stay_months: NDArray[np.int16]  # 0 when not known
    needs: NDArray[np.uint8]  # bit mask of `criteria.NEEDS`
    waiting_days: NDArray[np.int32]
    languages: NDArray[np.uint64]  # (n, words) bit sets of language indexes
    has_prefs: NDArray[np.bool_]
    # Preferred municipalities, sparse (what the engine reads): household i names the municipality
    # indexes `pref_municipality[pref_ptr[i]:pref_ptr[i + 1]]` (ascending), with the ranks (1 = first)
    # `pref_value[...]` at the same places.
    pref_ptr: NDArray[np.int64] | None = None  # (n + 1,)
    pref_municipality: NDArray[np.int32] | None = None
    pref_value: NDArray[np.int16] | None = None
    # The same, dense (n, municipalities), 0 = not named: accepted instead of the sparse form for small
    # instances (the tests); never built for a whole country.
    pref_rank: NDArray[np.int16] | None = None
    # Sorted keys (household index << 31 | municipality index) for looking ranks up (`engine.pref_ranks`).
    pref_keys: NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.pref_ptr is None:
            dense = self.pref_rank if self.pref_rank is not None else np.zeros((len(self.ids), 0), np.int16)
            dense = np.asarray(dense).reshape(len(self.ids), -1) if len(self.ids) else np.zeros((0, 0), np.int16)
            rows, municipalities = np.nonzero(dense)
            self.pref_ptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=len(self.ids))))).astype(
                np.int64
            )
            self.pref_municipality = municipalities.astype(np.int32)
            self.pref_value = dense[rows, municipalities].astype(np.int16)
        assert self.pref_municipality is not None and self.pref_value is not None
        counts = np.diff(self.pref_ptr)
        self.pref_keys = (np.repeat(np.arange(len(self.ids), dtype=np.int64), counts) << 31) | self.pref_municipality

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, rows: NDArray[np.integer]) -> Households:
        """The given rows only, in that order."""
        assert self.pref_ptr is not None and self.pref_municipality is not None and self.pref_value is not None
        sparse = ("pref_ptr", "pref_municipality", "pref_value", "pref_rank", "pref_keys")
        values = {f.name: getattr(self, f.name)[rows] for f in fields(self) if f.name not in sparse}
        starts, counts = self.pref_ptr[rows], np.diff(self.pref_ptr)[rows]
        positions = ranges_expand(starts, counts)
        return Households(
            **values,
            pref_ptr=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            pref_municipality=self.pref_municipality[positions],
            pref_value=self.pref_value[positions],
            pref_rank=None if self.pref_rank is None else self.pref_rank[rows],
        )


def ranges_expand(starts: NDArray[np.integer], lengths: NDArray[np.integer]) -> NDArray[np.int64]:
    """The positions start, start + 1, … start + length - 1 of every range, one range after the other
    (vectorised: no Python loop over the ranges)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - offsets, lengths) + np.arange(total, dtype=np.int64)


@dataclass
class Offers:
    """Available offers with free places (ordered by id)."""

    ids: NDArray[np.int64]
    capacity: NDArray[np.int16]
    slots: NDArray[np.int16]  # households it can still take
    step_free: NDArray[np.bool_]
    children_welcome: NDArray[np.bool_]
    pets_allowed: NDArray[np.bool_]
    rent: NDArray[np.float64]  # 0 when free
    available_from: NDArray[np.int32]  # day numbers
    available_until: NDArray[np.int32]  # day numbers, `engine.NO_END` when open-ended
    minimum_stay_months: NDArray[np.int16]
    municipality: NDArray[np.int32]  # municipality index
    near: NDArray[np.uint8]  # bit mask of `criteria.NEEDS`
    languages: NDArray[np.uint64]  # (n, words)
    sponsor_ok: NDArray[np.bool_]  # the sponsor is verified, checked and trained
    sponsor_suspended: NDArray[np.bool_]  # an open high-severity safeguarding concern suspends the sponsor
    # The order in which first-come-first-served hands offers out (the day they became available).
    listed_order: NDArray[np.int64] | None = None  # ranks

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Snapshot:
    """Everything a run reads from the database, as arrays (`matching.snapshot.snapshot_load`)."""

    today: datetime.date
    households: Households
    offers: Offers
    declined: set[tuple[int, int]]  # (household index, offer index) pairs declined before
    kept: int  # open proposals left in mediation
    language_ids: list[int]  # bit index -> Language pk
    municipality_ids: list[int]  # index -> Municipality pk


@dataclass
class Pairs:
    """Feasible pairs as index arrays into Households and Offers, sorted by household then offer."""

    household: NDArray[np.int32]
    offer: NDArray[np.int32]
    # The rank the household gives the offer's municipality (0: not named), when known.
    rank: NDArray[np.int16] | None = None
    # How many candidate pairs were compared with the rules to find these (the work done).
    compared: int = 0

    def __len__(self) -> int:
        return len(self.household)


@dataclass
class Scores:
    criteria: dict[str, NDArray[np.float64]]  # criterion code -> score per pair, each in [0, 1]
    total: NDArray[np.float64]  # per pair: the weighted mean, in [0, 1]
    points: NDArray[np.int64]  # per pair: what the solver maximises (total in millionths, at least 1)


@dataclass
class Assignment:
    chosen: NDArray[np.int64]  # indexes into the pairs
    total_score: float
    points: int

    @property
    def matched(self) -> int:
        return len(self.chosen)


@dataclass
class RuledOut:
    """For some households, per constraint (columns in `criteria.CONSTRAINTS` order): how many offers it
    rules out, and how many of the offers that suit the household (pass every `fit` constraint)."""

    counts: NDArray[np.int64]  # (households, constraints)
    suiting: NDArray[np.int64]  # (households, constraints); 0 for the `fit` constraints
    compared: int = 0  # cells compared: distinct values × distinct values per rule, and candidate pairs


@dataclass
class RunResult:
    """What the engine decided in a run, before it is written (also what the benchmark reports)."""

    snapshot: Snapshot
    pairs: Pairs
    scores: Scores
    optimal: Assignment
    greedy: Assignment
    seconds: dict[str, float]  # phase -> seconds
    cells: dict[str, int] = field(default_factory=dict)  # phase -> rows or pairs it went through
