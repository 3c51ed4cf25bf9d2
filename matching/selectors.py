"""Read-side queries of mediation."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.access import offers_for
from housing.models import HousingOffer
from matching.access import follow_ups_for, proposals_for, unmatched_for
from matching.explain import explanation_lines, explanation_lookups, unmatched_reason_text
from matching.models import FollowUp, MatchingRun, MatchProposal, Placement, SafeguardingConcern, UnmatchedHousehold
from sponsorship.models import Household, SponsorProfile

# From these steps on (the household said yes), a sponsor may see the household's name and contacts,
# provided the household consented to share them.
REVEALED_FROM = [
    MatchProposal.Status.BENEFICIARY_ACCEPTED,
    MatchProposal.Status.MEETING,
    MatchProposal.Status.CONFIRMED,
]


def sponsors_suspended_ids(*, sponsor_ids: Iterable[int] | QuerySet | None = None) -> set[int]:
    """The one rule of safeguarding suspension: an open high-severity concern suspends a sponsor from
    matching until it is closed. Of the given sponsors (all when None), those suspended."""
    concerns = SafeguardingConcern.objects.filter(severity=SafeguardingConcern.Severity.HIGH, closed_at__isnull=True)
    if sponsor_ids is not None:
        concerns = concerns.filter(sponsor_id__in=sponsor_ids)
    return set(concerns.values_list("sponsor_id", flat=True))


def sponsor_suspension_blockers(sponsor: SponsorProfile) -> list[str]:
    """The safeguarding requirement of a sponsor's matching, in words (registered with
    `sponsorship.selectors`; a matching run applies it as its `suspended` constraint)."""
    if sponsors_suspended_ids(sponsor_ids=[sponsor.pk]):
        return [_("An open safeguarding concern suspends matching.")]
    return []


def proposals_for_sponsor(*, user) -> QuerySet[MatchProposal]:
    """Proposals sent to this sponsor (never the ones still under caseworkers' review)."""
    return (
        proposals_for(user, as_sponsor=True)
        .select_related("offer__municipality", "household")
        .prefetch_related("household__members")
    )


def proposal_list_for_sponsor(*, user) -> list[MatchProposal]:
    """The proposals of `proposals_for_sponsor` as their sponsor's page lists them: status and names only."""
    return list(
        proposals_for(user, as_sponsor=True)
        .select_related("household", "offer__municipality")
        .only(*_PROPOSAL_LABEL_FIELDS, "status", "created_at")
    )


def household_for_sponsor(*, proposal: MatchProposal) -> dict:
    """What a sponsor may know of the proposed household: size, composition and needs; the name and
    contacts only once the household accepted and consented to share them."""
    household: Household = proposal.household
    members = list(household.members.all())
    summary = {
        "reference": household.reference,
        "size": len(members),
        "adults": sorted((m.age for m in members if m.kind == "adult"), reverse=True),
        "children": sorted((m.age for m in members if m.kind == "child"), reverse=True),
        "needs_step_free": household.needs_step_free,
        "has_pets": household.has_pets,
        "near_school": household.near_school,
        "near_work": household.near_work,
        "near_medical_care": household.near_medical_care,
        "move_in_from": household.move_in_from,
        "stay_months": household.stay_months,
        "revealed": False,
    }
    offer_live = proposal.offer.status in (HousingOffer.Status.RESERVED, HousingOffer.Status.OCCUPIED)
    if household.has_consent and proposal.status in REVEALED_FROM and offer_live:
        summary |= {"revealed": True, "name": household.head_name, "phone": household.phone, "email": household.email}
    return summary


# How many items of each list the caseworker dashboard shows; the rest are in the admin's lists.
AGENDA_LIMIT = 50


def caseworker_agenda(*, user, today: datetime.date | None = None, limit: int | None = None) -> dict:
    """What needs a caseworker's action, within their organisation (all, for admins): the oldest `limit`
    items of each list (`AGENDA_LIMIT`; a list with more says so: `more[name]`), in two queries whatever the number of
    proposals and follow-ups, reading only the columns the page shows.

    The lists overlap (a proposal the sponsor accepted waits for the household's answer and has a next
    step), so the proposals are read in parts that do not: by status, and for those awaiting an answer
    by whether the answer is overdue. Each part brings its oldest `limit` + 1 rows (a window function),
    so each list, a union of parts, has its oldest `limit` among them, and knows whether there are more.
    """
    today = today or timezone.localdate()
    limit = AGENDA_LIMIT if limit is None else limit
    status = MatchProposal.Status
    to_decide_statuses = {status.SPONSOR_ACCEPTED, status.BENEFICIARY_ACCEPTED}
    awaiting = set(MatchProposal.AWAITING)
    overdue_since = timezone.now() - datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS)
    part = [
        F("status"),
        Case(
            When(awaiting_since__isnull=True, then=Value(0)),
            When(awaiting_since__lte=overdue_since, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ]
    order = ["created_at", "pk"]
    proposals = (
        proposals_for(user)
        .filter(status__in={status.PROPOSED, *awaiting, *to_decide_statuses})
        .select_related("household", "offer__municipality")
        .only(*_PROPOSAL_LABEL_FIELDS, "status", "awaiting_since", "created_at")
        .annotate(rank=Window(RowNumber(), partition_by=part, order_by=order))
        .filter(rank__lte=limit + 1)
        .order_by(*order)
    )
    agenda: dict[str, list] = {"to_review": [], "overdue": [], "waiting": [], "to_decide": []}
    for proposal in proposals:
        if proposal.status == status.PROPOSED:
            agenda["to_review"].append(proposal)
        if proposal.status in awaiting and proposal.awaiting_since is not None:
            agenda["overdue" if proposal.awaiting_since <= overdue_since else "waiting"].append(proposal)
        if proposal.status in to_decide_statuses:
            agenda["to_decide"].append(proposal)
    follow_ups = list(
        follow_ups_for(user)
        .filter(done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=7), placement__end_date__isnull=True)
        .select_related("placement__household", "placement__offer__municipality")
        .only(
            "placement_id",
            "due_on",
            "respondent",
            "milestone",
            *(f"placement__{field}" for field in _PROPOSAL_LABEL_FIELDS if field != "pk"),
        )
        .order_by("due_on", "pk")[: limit + 1]
    )
    agenda["follow_ups"] = follow_ups
    agenda["more"] = {name: len(items) > limit for name, items in agenda.items()}
    for name in agenda["more"]:
        del agenda[name][limit:]
    agenda["limit"] = limit
    return agenda


def follow_ups_due(user, *, today: datetime.date | None = None, within_days: int = 0) -> QuerySet[FollowUp]:
    """The caseworker's queue of follow-up questionnaires due (due by `today` + `within_days`, not yet
    recorded), the household's and the sponsor's, of the placements they may see; a placement that ended
    before a follow-up's due date no longer needs it. Oldest due first."""
    today = today or timezone.localdate()
    return (
        follow_ups_for(user)
        .filter(done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=within_days))
        .filter(Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=F("due_on")))
        .filter(placement__household__anonymised_at__isnull=True)
        .select_related("placement__household", "placement__offer__municipality")
        .order_by("due_on", "placement_id", "respondent")
    )


# What "household ↔ offer" (a proposal's or a placement's name) reads: the household's reference, the
# offer's kind, number and municipality (its name in each language, for modeltranslation's fallbacks).
_PROPOSAL_LABEL_FIELDS = (
    "pk",
    "household__reference",
    "offer__kind",
    *(f"offer__municipality__name_{code}" for code in settings.MODELTRANSLATION_LANGUAGES),
)


def matching_run_report(*, run: MatchingRun, user, limit: int = 200) -> dict:
    """A run's page: its proposals (best first, each with its explanation in words) and its households
    without a proposal (with the reason), as far as the reader may see them: their organisation's."""
    proposals = list(
        proposals_for(user)
        .filter(run=run)
        .select_related("household", "offer__municipality")
        .order_by("-score", "pk")[:limit]
    )
    lookups = explanation_lookups([proposal.explanation for proposal in proposals])
    unmatched = unmatched_for(user).filter(run=run).select_related("household").order_by("household__reference")
    return {
        "proposals": [(proposal, explanation_lines(proposal.explanation, lookups)) for proposal in proposals],
        "unmatched": [
            (row, unmatched_reason_text(row.reason, row.offers_ruled_out, run.offers)) for row in unmatched[:limit]
        ],
    }


def household_matching_result(*, household: Household) -> str:
    """What the latest finished matching run did for a household, in words (empty before any run)."""

    if household.pk is None:
        return ""
    run = MatchingRun.objects.filter(status=MatchingRun.Status.DONE).order_by("-finished_at", "-pk").first()
    if run is None:
        return ""
    unmatched = UnmatchedHousehold.objects.filter(run=run, household=household).first()
    if unmatched is not None:
        return _("%(run)s: no proposal. %(reason)s.") % {
            "run": run,
            "reason": unmatched_reason_text(unmatched.reason, unmatched.offers_ruled_out, run.offers),
        }
    if MatchProposal.objects.filter(run=run, household=household).exists():
        return _("%(run)s: a home was proposed.") % {"run": run}
    return _("%(run)s: not considered (not seeking housing, or already in mediation).") % {"run": run}


def sponsor_mediation_export(*, user) -> dict:
    """For a sponsor's data download: the proposals that reached them (a step to "sent" happened), with
    every step's status and time, their own answers and notes, and the placements they host. A household
    appears by its pseudonymous reference and size only; staff by role, never by name."""
    offers = offers_for(user, as_sponsor=True)
    proposals = (
        MatchProposal.objects.filter(offer__in=offers, transitions__to_status=MatchProposal.Status.SENT)
        .distinct()
        .select_related("household")
        .prefetch_related("transitions", "household__members")
        .order_by("created_at", "pk")
    )
    data = {"proposals": [], "placements": []}
    for proposal in proposals:
        steps = list(proposal.transitions.all())
        declined_by_sponsor = any(
            step.to_status == MatchProposal.Status.SPONSOR_DECLINED and step.by_id == user.pk for step in steps
        )
        data["proposals"].append(
            {
                "id": proposal.pk,
                "offer": proposal.offer_id,
                "household": {"reference": proposal.household.reference, "size": len(proposal.household.members.all())},
                "status": proposal.status,
                "created_at": proposal.created_at.isoformat(),
                "steps": [
                    {
                        "from": step.from_status,
                        "to": step.to_status,
                        "at": step.at.isoformat(),
                        "by": "you" if step.by_id == user.pk else ("staff" if step.by_id else "system"),
                        # Only the notes the sponsor wrote: staff notes concern the household.
                        "note": step.note if step.by_id == user.pk else None,
                    }
                    for step in steps
                ],
                "your_answer": {
                    "declined": declined_by_sponsor,
                    "decline_reason": proposal.decline_reason if declined_by_sponsor else None,
                    "decline_note": proposal.decline_note if declined_by_sponsor else None,
                },
            }
        )
    placements = (
        Placement.objects.filter(offer__in=offers)
        .select_related("household")
        .prefetch_related("household__members")
        .order_by("move_in_date", "pk")
    )
    for placement in placements:
        data["placements"].append(
            {
                "offer": placement.offer_id,
                "household": {
                    "reference": placement.household.reference,
                    "size": len(placement.household.members.all()),
                },
                "move_in_date": placement.move_in_date.isoformat(),
                "agreed_months": placement.agreed_months,
                "end_date": placement.end_date.isoformat() if placement.end_date else None,
                "outcome": placement.outcome or None,
            }
        )
    return data
