"""Why the engine proposed a pair, or found nothing for a household.

A proposal's explanation is stored as codes and numbers (language-neutral), and rendered in the reader's
language when shown: the criteria with their scores and weights, and the hard constraints it passed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching import engine
from matching.criteria import (
    CONSTRAINT_CODES,
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


def _bits_to_indexes(words: np.ndarray) -> list[int]:
    indexes = []
    for w, word in enumerate(words.tolist()):
        for bit in range(64):
            if int(word) >> bit & 1:
                indexes.append(w * 64 + bit)
    return indexes


def explanation_build(*, snapshot: Snapshot, result: RunResult, pair: int, policy: MatchingPolicy) -> dict:
    """The stored explanation of one chosen pair: each criterion's score and weight, the facts behind
    it, and the hard constraints passed."""
    h, o = snapshot.households, snapshot.offers
    hi, oi = int(result.pairs.household[pair]), int(result.pairs.offer[pair])
    weights = policy.weights
    municipality_index = int(o.municipality[oi])
    rank = int(h.pref_rank[hi, municipality_index])
    shared = _bits_to_indexes(h.languages[hi] & o.languages[oi])
    until = int(o.available_until[oi])
    needs_named = [need.code for bit, need in enumerate(NEEDS) if int(h.needs[hi]) >> bit & 1]
    return {
        "policy": policy.version,
        "score": round(float(result.scores.total[pair]), 4),
        "criteria": {
            name: {"score": round(float(result.scores.criteria[name][pair]), 4), "weight": weights[name]}
            for name in CRITERION_CODES
        },
        "details": {
            "municipality": {
                "id": snapshot.municipality_ids[municipality_index],
                "rank": rank if bool(h.has_prefs[hi]) else None,
            },
            "language": {"shared": [snapshot.language_ids[i] for i in shared]},
            "rent": {
                "rent": float(o.rent[oi]),
                "limit": None if math.isnan(h.max_rent[hi]) else float(h.max_rent[hi]),
            },
            "size": {"size": int(h.size[hi]), "capacity": int(o.capacity[oi])},
            "duration": {
                "wanted_months": int(h.stay_months[hi]) or None,
                "available_months": None
                if until == int(engine.NO_END)
                else int((until - int(h.move_in[hi])) // engine.MONTH_DAYS),
                "minimum_stay_months": int(o.minimum_stay_months[oi]),
            },
            "needs": {
                "named": needs_named,
                "met": [need.code for bit, need in enumerate(NEEDS) if int(h.needs[hi] & o.near[oi]) >> bit & 1],
            },
            "waiting": {"days": int(h.waiting_days[hi])},
        },
        "constraints": list(CONSTRAINT_CODES),
    }


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
