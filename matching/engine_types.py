"""The data the matching engine works on and returns: the snapshot it reads, the feasible pairs, their
scores, the assignments, the offers each constraint rules out, and a run's whole result.

Plain dataclasses of NumPy arrays (one entry per household, offer or pair), with no database access:
`matching.snapshot` fills a `Snapshot`, `matching.engine` computes the rest, `matching.runs` writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields

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
    # Preferred municipalities: rank (1 = first) per household and municipality index; 0 = not named.
    pref_rank: NDArray[np.int16]  # (n, municipalities)
    has_prefs: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, rows: NDArray[np.integer]) -> Households:
        """The given rows only, in that order."""
        return Households(**{field.name: getattr(self, field.name)[rows] for field in fields(self)})


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


@dataclass
class RunResult:
    """What the engine decided in a run, before it is written (also what the benchmark reports)."""

    snapshot: Snapshot
    pairs: Pairs
    scores: Scores
    optimal: Assignment
    greedy: Assignment
    seconds: dict[str, float]  # phase -> seconds
