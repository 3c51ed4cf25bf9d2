"""Why the engine proposed a pair, or found nothing for a household.

A proposal's explanation is stored as codes and numbers (language-neutral), and rendered in the reader's
language when shown: the criteria with their scores and weights, and the hard constraints it passed.
"""

from __future__ import annotations

import math

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from matching import engine
from projects.models import Language, Municipality

CRITERION_LABELS = {
    "municipality": gettext_lazy("Preferred municipality"),
    "language": gettext_lazy("Shared language"),
    "rent": gettext_lazy("Rent"),
    "size": gettext_lazy("Size fit"),
    "duration": gettext_lazy("Duration fit"),
    "needs": gettext_lazy("Near the needs named"),
    "waiting": gettext_lazy("Time waiting"),
}
CONSTRAINT_LABELS = {
    "consent": gettext_lazy("consent on file"),
    "capacity": gettext_lazy("room for everyone"),
    "step_free": gettext_lazy("step-free access when needed"),
    "pets": gettext_lazy("pets allowed when there are pets"),
    "children": gettext_lazy("suitable for children when there are children"),
    "dates": gettext_lazy("available from the move-in date for the minimum stay"),
    "municipality": gettext_lazy("in a municipality the household accepts"),
    "rent": gettext_lazy("rent within the household's maximum"),
    "sponsor": gettext_lazy("sponsor verified, checked and trained, with no safeguarding concern"),
    "declined": gettext_lazy("not declined before by either side"),
}
# Why a household got no proposal: the constraint that ruled out most offers (named as a failure).
UNMATCHED_LABELS = {
    "consent": gettext_lazy("No consent on file"),
    "capacity": gettext_lazy("Homes too small for the household"),
    "step_free": gettext_lazy("No step-free access"),
    "pets": gettext_lazy("Pets not allowed"),
    "children": gettext_lazy("Not suitable for children"),
    "dates": gettext_lazy("Not available on the move-in date or for the minimum stay"),
    "municipality": gettext_lazy("Not in a municipality the household accepts"),
    "rent": gettext_lazy("Rent above the household's maximum"),
    "sponsor": gettext_lazy("Sponsor not yet eligible"),
    "declined": gettext_lazy("Declined before"),
    "taken": gettext_lazy("Its possible homes went to households they suited better"),
    "no_offers": gettext_lazy("No housing offer is available"),
}


def _bits_to_indexes(words: np.ndarray) -> list[int]:
    indexes = []
    for w, word in enumerate(words.tolist()):
        for bit in range(64):
            if int(word) >> bit & 1:
                indexes.append(w * 64 + bit)
    return indexes


def explanation_build(*, snapshot, result, pair: int, policy) -> dict:
    """The stored explanation of one chosen pair: each criterion's score and weight, the facts behind
    it, and the hard constraints passed."""
    h, o = snapshot.households, snapshot.offers
    hi, oi = int(result.pairs.household[pair]), int(result.pairs.offer[pair])
    weights = policy.weights
    municipality_index = int(o.municipality[oi])
    rank = int(h.pref_rank[hi, municipality_index])
    shared = _bits_to_indexes(h.languages[hi] & o.languages[oi])
    until = int(o.available_until[oi])
    needs_named = [name for bit, name in enumerate(engine.NEEDS) if int(h.needs[hi]) >> bit & 1]
    return {
        "policy": policy.version,
        "score": round(float(result.scores.total[pair]), 4),
        "criteria": {
            name: {"score": round(float(result.scores.criteria[name][pair]), 4), "weight": weights[name]}
            for name in engine.CRITERIA
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
                "met": [name for bit, name in enumerate(engine.NEEDS) if int(h.needs[hi] & o.near[oi]) >> bit & 1],
            },
            "waiting": {"days": int(h.waiting_days[hi])},
        },
        "constraints": list(engine.CONSTRAINTS),
    }


NEED_LABELS = {
    "school": gettext_lazy("school"),
    "work": gettext_lazy("work"),
    "medical_care": gettext_lazy("medical care"),
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
    for name in engine.CRITERIA:
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
    label = str(UNMATCHED_LABELS.get(reason, reason))
    if reason in ("taken", "no_offers"):
        return label
    return _("%(reason)s (ruled out %(count)s of %(total)s offers)") % {
        "reason": label,
        "count": ruled_out,
        "total": total_offers,
    }
