"""Read-side queries of mediation."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.access import offers_for
from housing.models import HousingOffer
from housing.selectors import offers_to_inspect
from matching.access import concerns_for, follow_ups_for, proposals_for, unmatched_for
from matching.explain import alternatives_lines, explanation_lines, explanation_lookups, unmatched_reason_text
from matching.models import (
    FollowUp,
    MatchingRun,
    MatchProposal,
    Placement,
    SafeguardingConcern,
    UnmatchedHousehold,
)
from portal.queues import capped_count_text, capped_counts
from sponsorship.models import Household, SponsorProfile
from sponsorship.selectors import sponsors_to_verify, transfers_to_accept

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
        .prefetch_related("household__members", "household__languages")
    )


def proposal_list_for_sponsor(*, user) -> list[MatchProposal]:
    """The proposals of `proposals_for_sponsor` as their sponsor's page lists them: status and names only."""
    return list(
        proposals_for(user, as_sponsor=True)
        .select_related("household", "offer__municipality")
        .only(*_PROPOSAL_LABEL_FIELDS, "status", "created_at", "awaiting_since")
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
        # The languages the household speaks (not special-category data: the sponsor's own languages are
        # a matching criterion too).
        "languages": sorted(str(language) for language in household.languages.all()),
        "revealed": False,
    }
    offer_live = proposal.offer.status in (HousingOffer.Status.RESERVED, HousingOffer.Status.OCCUPIED)
    if household.has_consent and proposal.status in REVEALED_FROM and offer_live:
        summary |= {"revealed": True, "name": household.head_name, "phone": household.phone, "email": household.email}
    return summary


# How many items of each list the caseworker dashboard shows; the rest are in the admin's lists.
AGENDA_LIMIT = 50

# --- The caseworker's lists: one rule each, read by the dashboard and the admin's queues -------------------
#
# A proposal is in at most one of the proposal lists, by its status and, while it waits for an answer, by
# whether the answer is overdue: to review (proposed); answers overdue (waiting for the sponsor's or the
# household's answer for longer than PROPOSAL_REMINDER_HOURS); waiting for the sponsor (sent); next steps
# (approved, the sponsor accepted and the household's answer is due, the household accepted, meeting).
# (Before, a proposal the sponsor had accepted was both "waiting" and a "next step": the same proposal
# appeared twice on the dashboard.)

S = MatchProposal.Status
NEXT_STEP_STATUSES = [S.APPROVED, S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED, S.MEETING]


def answer_overdue_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """A proposal waiting for an answer since before this is overdue (the reminders' deadline)."""
    return (now or timezone.now()) - datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS)


def proposals_to_review(*, user) -> QuerySet[MatchProposal]:
    """Proposals (a run's or a caseworker's) waiting for the caseworker's review, oldest first."""
    return proposals_for(user).filter(status=S.PROPOSED).order_by("created_at", "pk")


def proposals_answer_overdue(*, user, now: datetime.datetime | None = None) -> QuerySet[MatchProposal]:
    """Proposals waiting for the sponsor's or the household's answer past the deadline, oldest first."""
    return (
        proposals_for(user)
        .filter(status__in=MatchProposal.AWAITING, awaiting_since__lte=answer_overdue_since(now))
        .order_by("awaiting_since", "pk")
    )


def proposals_waiting(*, user, now: datetime.datetime | None = None) -> QuerySet[MatchProposal]:
    """Proposals sent to the sponsor whose answer is not yet due, oldest first."""
    return (
        proposals_for(user)
        .filter(status=S.SENT, awaiting_since__gt=answer_overdue_since(now))
        .order_by("created_at", "pk")
    )


def proposals_next_step(*, user, now: datetime.datetime | None = None) -> QuerySet[MatchProposal]:
    """Proposals whose next step is the caseworker's (sending, the household's answer, the meeting, the
    confirmation), but for the overdue answers, which are listed as such; oldest first."""
    overdue = Q(status__in=MatchProposal.AWAITING, awaiting_since__lte=answer_overdue_since(now))
    return proposals_for(user).filter(status__in=NEXT_STEP_STATUSES).exclude(overdue).order_by("created_at", "pk")


def concerns_open(*, user) -> QuerySet[SafeguardingConcern]:
    """Safeguarding concerns not yet closed, as far as the reader sees them; the oldest first."""
    return concerns_for(user).filter(closed_at__isnull=True).order_by("raised_at", "pk")


def _first(queryset: QuerySet, limit: int) -> tuple[list, bool]:
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def caseworker_agenda(*, user, today: datetime.date | None = None, limit: int | None = None) -> dict:
    """What needs a caseworker's action, within their organisation (all, for admins): the oldest `limit`
    items of each list (`AGENDA_LIMIT`; a list with more says so: `more[name]`) and how many each holds
    (`counts[name]`, capped as on the admin's start page: `portal.queues.capped_counts`), reading only
    the columns the page shows: one query per list and one for all the counts, whatever the number of rows.

    The lists are the selectors above, also counted by the admin's start page (the queues registered in
    `MatchingConfig.ready`, `SponsorshipConfig.ready` and `HousingConfig.ready`), and the admin links
    show the same rows (`?queue=<key>`)."""
    today = today or timezone.localdate()
    limit = AGENDA_LIMIT if limit is None else limit
    now = timezone.now()

    def labelled(queryset: QuerySet) -> QuerySet:
        return queryset.select_related("household", "offer__municipality").only(
            *_PROPOSAL_LABEL_FIELDS, "status", "awaiting_since", "created_at"
        )

    lists: dict[str, QuerySet] = {
        "sponsors": sponsors_to_verify(user=user)
        .select_related("user")
        .only(
            "pk", "organisation_name", "erased_at", "created_at", "user__email", "user__first_name", "user__last_name"
        ),
        "offers": offers_to_inspect(user)
        .select_related(None)
        .select_related("municipality")
        .only(
            "pk", "kind", "updated_at", *(f"municipality__name_{code}" for code in settings.MODELTRANSLATION_LANGUAGES)
        ),
        "to_review": labelled(proposals_to_review(user=user)),
        "overdue": labelled(proposals_answer_overdue(user=user, now=now)),
        "waiting": labelled(proposals_waiting(user=user, now=now)),
        "to_decide": labelled(proposals_next_step(user=user, now=now)),
        "follow_ups": follow_ups_due(user, today=today),
        "transfers": transfers_to_accept(user=user).select_related("household", "from_organisation"),
        "concerns": concerns_open(user=user).select_related("sponsor__user"),
    }
    agenda: dict = {"more": {}, "limit": limit}
    for name, queryset in lists.items():
        agenda[name], agenda["more"][name] = _first(queryset, limit)
    counts = capped_counts(list(lists.values()))
    agenda["counts"] = {name: capped_count_text(*count) for name, count in zip(lists, counts, strict=True)}
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


def proposal_alternatives(*, proposal: MatchProposal, user) -> list[dict] | None:
    """A proposal's page: the household's other feasible offers in the proposal's run, best first, each
    with the offer (as far as the reader sees offers; `None` once it is gone), its score and why this
    proposal's offer won (`matching.explain.alternatives_lines`). None when the run kept none."""
    rows = alternatives_lines(proposal.explanation)
    if not rows:
        return rows
    offers = offers_for(user).select_related("municipality").in_bulk([row["offer"] for row in rows])
    return [{**row, "offer": offers.get(row["offer"]), "offer_id": row["offer"]} for row in rows]


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
