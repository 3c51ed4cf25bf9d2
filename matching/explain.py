"""Why the engine proposed a pair, or found nothing for a household.

A proposal's explanation is stored as one compact array of numbers (language-neutral, `LAYOUTS`), built
for all of a run's proposals at once on arrays, expanded when read (`explanation_expand`, by the model
field) and rendered in the reader's language: the criteria with their scores and weights, and the hard
constraints it passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching import engine
from matching.criteria import (
    CONSTRAINTS,
    CRITERIA,
    CRITERION_CODES,
    NEEDS,
    NO_OFFERS,
    TAKEN,
    UNMATCHED_LABELS,
)
from matching.engine_types import RunResult, Snapshot
from projects.models import Language, Municipality

if TYPE_CHECKING:
    from matching.models import MatchingPolicy

CRITERION_LABELS = {criterion.code: criterion.label for criterion in CRITERIA}
CONSTRAINT_LABELS = {constraint.code: constraint.label for constraint in CONSTRAINTS}
NEED_LABELS = {need.code: need.label for need in NEEDS}


# The stored form of a proposal's explanation: one JSON array of numbers, in the order of a layout
# (its first element). A layout is never changed once used: a new criterion, constraint or need makes a
# new one, and the old rows keep reading with theirs. Older rows hold the expanded dict itself.
LAYOUTS: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    1: (
        ("municipality", "language", "rent", "size", "duration", "needs", "waiting"),
        (
            "consent",
            "capacity",
            "step_free",
            "pets",
            "children",
            "dates",
            "municipality",
            "rent",
            "sponsor",
            "suspended",
            "declined",
        ),
        ("school", "work", "medical_care"),
    ),
}
# Layout 2 is layout 1 followed by the household's other feasible offers in the run (`alternatives_build`).
LAYOUTS[2] = LAYOUTS[1]
WITH_ALTERNATIVES = {2}
LAYOUT = 2  # the layout written now: the engine's criteria, constraints and needs (a test holds them together)
# How many of a household's other feasible offers a proposal keeps, best first.
ALTERNATIVES_KEPT = 3


def explanation_expand(stored: object) -> object:
    """The explanation as a dict (what `explanation_lines` reads) from its stored form: a compact array is
    expanded with its layout; anything else (an older row's dict, a hand-made proposal's {}) is returned
    as it is."""
    if not isinstance(stored, list) or not stored or stored[0] not in LAYOUTS:
        return stored
    criteria, constraints, needs = LAYOUTS[stored[0]]
    alternatives = None
    if stored[0] in WITH_ALTERNATIVES:
        *stored, alternatives = stored
    (
        _layout,
        policy,
        score,
        scores,
        weights,
        municipality_id,
        rank,
        shared,
        rent,
        limit,
        size,
        capacity,
        wanted,
        available,
        minimum_stay,
        named,
        met,
        waiting,
    ) = stored
    expanded = {
        "policy": policy,
        "score": score,
        "criteria": {
            name: {"score": value, "weight": weight}
            for name, value, weight in zip(criteria, scores, weights, strict=True)
        },
        "details": {
            "municipality": {"id": municipality_id, "rank": rank},
            "language": {"shared": shared},
            "rent": {"rent": rent, "limit": limit},
            "size": {"size": size, "capacity": capacity},
            "duration": {"wanted_months": wanted, "available_months": available, "minimum_stay_months": minimum_stay},
            "needs": {
                "named": [code for bit, code in enumerate(needs) if named >> bit & 1],
                "met": [code for bit, code in enumerate(needs) if met >> bit & 1],
            },
            "waiting": {"days": waiting},
        },
        "constraints": list(constraints),
    }
    if alternatives is not None:
        expanded["alternatives"] = [
            {
                "offer": offer,
                "score": alt_score,
                "full": bool(full),
                "criteria": dict(zip(criteria, alt_scores, strict=True)),
            }
            for offer, alt_score, full, alt_scores in alternatives
        ]
    return expanded


def _rounded(values: np.ndarray) -> list[float]:
    return np.round(values.astype(np.float64), 4).tolist()


def alternatives_build(*, snapshot: Snapshot, result: RunResult, pairs: np.ndarray) -> list[list]:
    """For each chosen pair of `pairs` (indexes into the run's pairs; one per household), the household's
    other feasible pairs of the run, best first, at most `ALTERNATIVES_KEPT`: each as [offer id, score,
    1 when the run filled the offer's places with other households else 0, [each criterion's score]].
    On arrays: one sort of the matched households' pairs, whatever their number."""
    every = result.pairs
    if not len(pairs):
        return []
    households = np.asarray(every.household)
    chosen_pair = np.full(len(snapshot.households), -1, dtype=np.int64)
    chosen_pair[households[pairs]] = pairs
    others = np.nonzero(chosen_pair[households] >= 0)[0]
    others = others[chosen_pair[households[others]] != others]
    order = np.lexsort((every.offer[others], -result.scores.points[others], households[others]))
    others = others[order]
    owner = households[others]
    rank = np.arange(len(others)) - np.searchsorted(owner, owner, side="left")
    others = others[rank < ALTERNATIVES_KEPT]
    # An offer is full when the run gave all its free places to households (`slots`).
    placed = np.bincount(every.offer[pairs], minlength=len(snapshot.offers))
    full = placed >= snapshot.offers.slots
    kept: dict[int, list] = {}
    columns = zip(
        households[others].tolist(),
        snapshot.offers.ids[every.offer[others]].tolist(),
        _rounded(result.scores.total[others]),
        full[every.offer[others]].astype(np.int8).tolist(),
        zip(*(_rounded(result.scores.criteria[name][others]) for name in CRITERION_CODES), strict=True),
        strict=True,
    )
    for household, offer, score, is_full, scores in columns:
        kept.setdefault(household, []).append([offer, score, is_full, list(scores)])
    return [kept.get(household, []) for household in households[pairs].tolist()]


def explanations_build(*, snapshot: Snapshot, result: RunResult, pairs: np.ndarray, policy: MatchingPolicy) -> list:
    """The stored explanations (compact, layout `LAYOUT`) of the chosen pairs `pairs` (indexes into the
    run's pairs), computed on arrays: each criterion's score and weight, the facts behind it; the hard
    constraints passed are all of the layout's; the household's best other feasible offers of the run
    (`alternatives_build`)."""
    h, o = snapshot.households, snapshot.offers
    hi, oi = result.pairs.household[pairs], result.pairs.offer[pairs]
    rank = result.pairs.rank[pairs] if result.pairs.rank is not None else engine.pref_ranks(h, hi, o.municipality[oi])
    weights = [policy.weights[name] for name in CRITERION_CODES]
    scores = list(zip(*(_rounded(result.scores.criteria[name][pairs]) for name in CRITERION_CODES), strict=True))
    shared = h.languages[hi] & o.languages[oi]
    languages = [
        (j, (shared[:, j // 64] >> np.uint64(j % 64)) & np.uint64(1)) for j in range(len(snapshot.language_ids))
    ]
    shared_rows, shared_bits = np.nonzero(np.stack([bit for _j, bit in languages], axis=1)) if languages else ((), ())
    shared_ids: list[list[int]] = [[] for _ in range(len(pairs))]
    for row, bit in zip(np.asarray(shared_rows).tolist(), np.asarray(shared_bits).tolist(), strict=True):
        shared_ids[row].append(snapshot.language_ids[bit])
    until = o.available_until[oi].astype(np.int64)
    available = (until - h.move_in[hi]) // engine.MONTH_DAYS
    open_ended = until == int(engine.NO_END)
    max_rent = h.max_rent[hi]
    columns = zip(
        _rounded(result.scores.total[pairs]),
        scores,
        [snapshot.municipality_ids[m] for m in o.municipality[oi].tolist()],
        np.where(h.has_prefs[hi], rank, 0).tolist(),
        shared_ids,
        o.rent[oi].astype(np.float64).tolist(),
        np.where(np.isnan(max_rent), -1.0, max_rent).tolist(),
        h.size[hi].tolist(),
        o.capacity[oi].tolist(),
        h.stay_months[hi].tolist(),
        np.where(open_ended, -1, available).astype(np.int64).tolist(),
        o.minimum_stay_months[oi].tolist(),
        h.needs[hi].tolist(),
        (h.needs[hi] & o.near[oi]).tolist(),
        h.waiting_days[hi].tolist(),
        np.isnan(max_rent).tolist(),
        alternatives_build(snapshot=snapshot, result=result, pairs=pairs),
        strict=True,
    )
    return [
        [
            LAYOUT,
            policy.version,
            score,
            list(values),
            weights,
            municipality,
            rank or None,
            spoken,
            rent,
            None if no_limit else limit,
            size,
            capacity,
            wanted or None,
            None if months < 0 else months,
            minimum_stay,
            named,
            met,
            waiting,
            alternatives,
        ]
        for (
            score,
            values,
            municipality,
            rank,
            spoken,
            rent,
            limit,
            size,
            capacity,
            wanted,
            months,
            minimum_stay,
            named,
            met,
            waiting,
            no_limit,
            alternatives,
        ) in columns
    ]


def _detail(name: str, details: dict, lookups: dict) -> str:
    d = details.get(name) or {}
    if name == "municipality":
        place = lookups["municipalities"].get(d.get("id"), "–")
        if d.get("rank"):
            return _("choice no. %(rank)s: %(name)s") % {"rank": d["rank"], "name": place}
        return _("no preference named: %(name)s") % {"name": place}
    if name == "language":
        names = [lookups["languages"][pk] for pk in d.get("shared", []) if pk in lookups["languages"]]
        return _("same language: %(languages)s") % {"languages": ", ".join(names)} if names else _("none shared")
    if name == "rent":
        if not d.get("rent"):
            return _("free of charge")
        if d.get("limit") is None:
            return _("%(rent)s EUR a month (no maximum named)") % {"rent": f"{d['rent']:.0f}"}
        return _("%(rent)s EUR a month (maximum %(limit)s EUR)") % {
            "rent": f"{d['rent']:.0f}",
            "limit": f"{d['limit']:.0f}",
        }
    if name == "size":
        return (
            ngettext(
                "%(size)s person, room for %(capacity)s", "%(size)s persons, room for %(capacity)s", d.get("size", 0)
            )
            % d
        )
    if name == "duration":
        wanted = d.get("wanted_months")
        available = d.get("available_months")
        parts = [
            ngettext("stay wanted: %(months)s month", "stay wanted: %(months)s months", wanted) % {"months": wanted}
            if wanted
            else _("stay wanted: not said"),
            ngettext("available: %(months)s month", "available: %(months)s months", available) % {"months": available}
            if available is not None
            else _("available: open-ended"),
        ]
        if d.get("minimum_stay_months"):
            months = d["minimum_stay_months"]
            parts.append(
                ngettext("minimum stay: %(months)s month", "minimum stay: %(months)s months", months)
                % {"months": months}
            )
        return "; ".join(parts)
    if name == "needs":
        named = d.get("named") or []
        if not named:
            return _("no needs named")
        met = d.get("met") or []
        return _("%(met)s of %(named)s: %(names)s") % {
            "met": len(met),
            "named": len(named),
            "names": ", ".join(str(NEED_LABELS[n]) for n in met) or "–",
        }
    if name == "waiting":
        days = d.get("days", 0)
        return ngettext("waiting for %(days)s day", "waiting for %(days)s days", days) % {"days": days}
    return ""


def explanation_lookups(explanations: list[dict]) -> dict:
    """Names of the municipalities and languages the explanations mention, in the active language
    (two queries for any number of explanations)."""
    municipality_ids, language_ids = set(), set()
    for explanation in explanations:
        details = explanation.get("details") or {}
        municipality_ids.add((details.get("municipality") or {}).get("id"))
        language_ids.update((details.get("language") or {}).get("shared") or [])
    return {
        "municipalities": {m.pk: str(m.name) for m in Municipality.objects.filter(pk__in=municipality_ids - {None})},
        "languages": {lang.pk: str(lang.name) for lang in Language.objects.filter(pk__in=language_ids)},
    }


def explanation_lines(explanation: dict, lookups: dict | None = None) -> dict:
    """The readable breakdown, in the active language: one row per criterion and the constraints passed.
    Proposals made by hand have no explanation: the result is empty."""
    if not explanation or "criteria" not in explanation:
        return {}
    lookups = lookups or explanation_lookups([explanation])
    details = explanation.get("details") or {}
    rows = []
    for name in CRITERION_CODES:
        criterion = explanation["criteria"].get(name)
        if criterion is None:
            continue
        rows.append(
            {
                "label": str(CRITERION_LABELS[name]),
                "detail": _detail(name, details, lookups),
                "score": criterion["score"],
                "weight": criterion["weight"],
            }
        )
    return {
        "score": explanation.get("score"),
        "policy": explanation.get("policy"),
        "rows": rows,
        "constraints": [
            str(CONSTRAINT_LABELS[c]) for c in explanation.get("constraints", []) if c in CONSTRAINT_LABELS
        ],
    }


def alternatives_lines(explanation: dict) -> list[dict] | None:
    """The household's other feasible offers of the run, in the active language, each with why this
    proposal's offer won over it (`offer`: the offer's id; `score`; `why`). None when the run did not
    keep them (proposals by hand, runs before they were kept); empty when there was no other offer."""
    if not explanation or "alternatives" not in explanation:
        return None
    chosen = explanation["criteria"]
    score = explanation.get("score") or 0
    rows = []
    for alternative in explanation["alternatives"]:
        if alternative["score"] >= score:
            why = (
                _(
                    "Scored as well or better, but the run gave its places to other households: together, "
                    "that housed more households or housed them better."
                )
                if alternative["full"]
                else _("Scored as well or better, but the best assignment for all households together chose this one.")
            )
        else:
            # The criteria where this proposal's offer gained most over the other, by weighted score.
            gains = sorted(
                (
                    ((chosen[name]["score"] - alternative["criteria"].get(name, 0)) * chosen[name]["weight"], name)
                    for name in CRITERION_CODES
                    if name in chosen
                ),
                reverse=True,
            )
            better = [str(CRITERION_LABELS[name]) for gain, name in gains[:2] if gain > 0]
            why = _("Scored %(difference)s lower; this offer fits better on: %(criteria)s.") % {
                "difference": f"{score - alternative['score']:.2f}",
                "criteria": ", ".join(better) or "–",
            }
        rows.append(
            {"offer": alternative["offer"], "score": alternative["score"], "full": alternative["full"], "why": why}
        )
    return rows


def unmatched_reason_text(reason: str, ruled_out: int, total_offers: int) -> str:
    """Why a run left a household without a proposal, in the active language: the constraint and how many
    of the run's offers it ruled out, or that its possible homes were taken, or that there were none."""
    label = str(UNMATCHED_LABELS.get(reason, reason))
    if reason in (TAKEN, NO_OFFERS):
        return label
    return _("%(reason)s (ruled out %(count)s of %(total)s offers)") % {
        "reason": label,
        "count": ruled_out,
        "total": total_offers,
    }
