"""What the matching engine weighs and what it requires, written once.

The soft criteria (each with the policy's weight field for it), the hard constraints and the needs a
household can name, in the order explanations list them, with their translated labels. The engine, the
policy model (one weight field per criterion), the admin, the explanations, the runs and the benchmark
import them from here. Codes are stored (explanations, unmatched reasons, policy field names): never
rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    """A soft criterion: scored in [0, 1] for each possible pair, weighted by the policy."""

    code: str
    label: Promise  # in a proposal's explanation
    weight_label: Promise  # the policy's weight field
    default_weight: float

    @property
    def weight_field(self) -> str:
        """The name of its weight field on `MatchingPolicy`."""
        return f"weight_{self.code}"


@dataclass(frozen=True)
class Constraint:
    """A hard constraint: a pair that fails it is never proposed."""

    code: str
    label: Promise  # passed, in a proposal's explanation
    unmatched_label: Promise  # failed, as the reason a household got no proposal
    # Whether it asks if the home suits the household (room, access, dates, place, rent…). The others
    # withhold a home that may suit: no consent on file, a sponsor not eligible or suspended, a pair
    # declined before. A household left without a proposal is told first what withheld the homes that
    # suited it (`engine.main_reasons`).
    fit: bool = True


@dataclass(frozen=True)
class Need:
    """Something a household wants to be near; an offer says what is near it (the same field on both)."""

    code: str
    label: Promise
    field: str  # the boolean field of `Household` and of `HousingOffer`


CRITERIA: tuple[Criterion, ...] = (
    Criterion("municipality", _("Preferred municipality"), _("weight: preferred municipality"), 3.0),
    Criterion("language", _("Shared language"), _("weight: shared language"), 2.0),
    Criterion("rent", _("Rent"), _("weight: lower rent"), 2.0),
    Criterion("size", _("Size fit"), _("weight: size fit"), 3.0),
    Criterion("duration", _("Duration fit"), _("weight: duration fit"), 1.0),
    Criterion("needs", _("Near the needs named"), _("weight: near the needs named"), 2.0),
    Criterion("waiting", _("Time waiting"), _("weight: time waiting"), 2.0),
)

# The code of the one constraint checked on a list of pairs (declined before) rather than on arrays.
DECLINED = "declined"
CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint("consent", _("consent on file"), _("No consent on file"), fit=False),
    Constraint("capacity", _("room for everyone"), _("Homes too small for the household")),
    Constraint("step_free", _("step-free access when needed"), _("No step-free access")),
    Constraint("pets", _("pets allowed when there are pets"), _("Pets not allowed")),
    Constraint("children", _("suitable for children when there are children"), _("Not suitable for children")),
    Constraint(
        "dates",
        _("available from the move-in date for the minimum stay"),
        _("Not available on the move-in date or for the minimum stay"),
    ),
    Constraint(
        "municipality",
        _("in a municipality the household accepts"),
        _("Not in a municipality the household accepts"),
    ),
    Constraint("rent", _("rent within the household's maximum"), _("Rent above the household's maximum")),
    Constraint("sponsor", _("sponsor verified, checked and trained"), _("Sponsor not yet eligible"), fit=False),
    Constraint(
        "suspended",
        _("sponsor not suspended by a safeguarding concern"),
        _("Sponsor suspended by an open safeguarding concern"),
        fit=False,
    ),
    Constraint(DECLINED, _("not declined before by either side"), _("Declined before"), fit=False),
)

NEEDS: tuple[Need, ...] = (  # bit 0, 1, 2 of the engine's needs masks
    Need("school", _("school"), "near_school"),
    Need("work", _("work"), "near_work"),
    Need("medical_care", _("medical care"), "near_medical_care"),
)

CRITERION_CODES: tuple[str, ...] = tuple(criterion.code for criterion in CRITERIA)
CONSTRAINT_CODES: tuple[str, ...] = tuple(constraint.code for constraint in CONSTRAINTS)
NEED_CODES: tuple[str, ...] = tuple(need.code for need in NEEDS)

# Why a household got no proposal when no constraint is to blame.
TAKEN = "taken"  # its possible homes went to households they suited better
NO_OFFERS = "no_offers"  # no offer was available at all
UNMATCHED_LABELS: dict[str, Promise] = {
    **{constraint.code: constraint.unmatched_label for constraint in CONSTRAINTS},
    TAKEN: _("Its possible homes went to households they suited better"),
    NO_OFFERS: _("No housing offer is available"),
}
