"""The mediation records' part in a sponsor's export and erasure and in a household's export, erasure and
merge, and the closed cases that the retention schedule anonymises.

After erasure a proposal keeps its offer, status, score, reason code for a decline, its steps (from,
to, who) and month; a placement keeps its offer, place number, agreed months, outcome and the month of
move-in and end; a follow-up keeps its respondent, milestone, typed answers (rating, condition of the
home, relationship, integration steps) and months; a note or meeting keeps its kind and month; a
safeguarding concern keeps its sponsor, severity and dates. Every free text (explanations, decline and
withdrawal reasons, step notes, outcome notes, follow-up notes, note and meeting texts, concern notes)
is removed.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import FollowUp, MatchProposal, MediationNote, Placement, ProposalTransition, SafeguardingConcern
from matching.selectors import sponsor_mediation_export
from matching.services.households import household_status_sync
from matching.services.proposals import S, proposal_transition
from portal.models import User
from portal.privacy import ErasureResult, fields_pseudonymise, iso_date, staff_organisation
from portal.retention import RetentionCategory, retention_register
from sponsorship.access import households_for
from sponsorship.households.parts import HouseholdPart, household_part_register
from sponsorship.households.privacy import ErasureReason, household_erase
from sponsorship.households.services import HouseholdError
from sponsorship.models import Household, HouseholdMeeting, HouseholdNote, SponsorProfile
from sponsorship.privacy import SponsorErasure, SponsorPart, sponsor_part_register


def _notes(queryset) -> list[dict]:
    return [
        {
            "kind": note.get_kind_display(),
            "meeting_at": iso_date(note.meeting_at),
            "text": note.text,
            "written_at": iso_date(note.created_at),
            "by": staff_organisation(note.author),
        }
        for note in queryset.select_related("author__organisation")
    ]


def _export(household: Household) -> dict:
    proposals = []
    for proposal in household.proposals.select_related("offer__municipality").order_by("created_at"):
        proposals.append(
            {
                "offer": str(proposal.offer),
                "status": proposal.get_status_display(),
                "score": proposal.score,
                "proposed_at": iso_date(proposal.created_at),
                "decline_reason": proposal.get_decline_reason_display() if proposal.decline_reason else "",
                "decline_note": proposal.decline_note,
                "withdraw_reason": proposal.withdraw_reason,
                "steps": [
                    {
                        "from": step.get_from_status_display(),
                        "to": step.get_to_status_display(),
                        "at": iso_date(step.at),
                        "by": staff_organisation(step.by),
                        "note": step.note,
                    }
                    for step in proposal.transitions.select_related("by__organisation")
                ],
                "notes_and_meetings": _notes(proposal.notes.all()),
            }
        )
    placements = []
    for placement in household.placements.select_related("offer__municipality").order_by("move_in_date"):
        placements.append(
            {
                "offer": str(placement.offer),
                "move_in_date": iso_date(placement.move_in_date),
                "agreed_months": placement.agreed_months,
                "end_date": iso_date(placement.end_date),
                "outcome": placement.get_outcome_display() if placement.outcome else "",
                "outcome_note": placement.outcome_note,
                "follow_ups": [
                    {
                        "respondent": follow_up.get_respondent_display(),
                        "milestone": follow_up.get_milestone_display(),
                        "due_on": iso_date(follow_up.due_on),
                        "done_on": iso_date(follow_up.done_on),
                        "rating": follow_up.rating,
                        "housing_condition": follow_up.get_housing_condition_display(),
                        "relationship": follow_up.get_relationship_display(),
                        "integration_steps": follow_up.get_integration_steps_display(),
                        "note": follow_up.note,
                    }
                    for follow_up in placement.follow_ups.all()
                ],
                "notes_and_meetings": _notes(placement.notes.all()),
            }
        )
    concerns = [
        {
            "severity": concern.get_severity_display(),
            "raised_at": iso_date(concern.raised_at),
            "closed_at": iso_date(concern.closed_at),
            "note": concern.note,
            "closing_note": concern.closing_note,
        }
        for concern in SafeguardingConcern.objects.filter(placement__household=household).order_by("raised_at")
    ]
    return {"proposals": proposals, "placements": placements, "safeguarding_concerns": concerns}


def _check(household: Household) -> None:
    if Placement.objects.filter(household=household, end_date__isnull=True).exists():
        raise HouseholdError(
            _("The household is still housed: end its placement (end date and outcome) before erasing its data.")
        )


def _prepare(household: Household, by: User | None) -> None:
    """Open proposals are withdrawn through their workflow first: the sponsor is told, the offer freed."""
    open_proposals = MatchProposal.objects.filter(household=household, status__in=MatchProposal.OPEN)
    if by is None and open_proposals.exists():
        raise HouseholdError(_("The household has open proposals: a caseworker withdraws them first."))
    for proposal in open_proposals:
        proposal_transition(
            proposal=proposal,
            to=MatchProposal.Status.WITHDRAWN,
            by=by,
            note=_("The household's data was erased at its request."),
        )


def _erase(household: Household) -> None:
    proposals = MatchProposal.objects.filter(household=household)
    placements = Placement.objects.filter(household=household)
    proposals.update(
        explanation={},
        decline_note="",
        withdraw_reason="",
        awaiting_since=None,
        reminded_at=None,
        created_at=TruncMonth("created_at"),
    )
    ProposalTransition.objects.filter(proposal__in=proposals).update(note="", at=TruncMonth("at"))
    placements.update(
        outcome_note="",
        move_in_date=TruncMonth("move_in_date"),
        end_date=TruncMonth("end_date"),
        created_at=TruncMonth("created_at"),
    )
    FollowUp.objects.filter(placement__in=placements).update(
        note="", due_on=TruncMonth("due_on"), done_on=TruncMonth("done_on")
    )
    MediationNote.objects.filter(Q(proposal__in=proposals) | Q(placement__in=placements)).update(
        text="", meeting_at=TruncMonth("meeting_at"), created_at=TruncMonth("created_at")
    )
    SafeguardingConcern.objects.filter(placement__in=placements).update(note="", closing_note="")


def _audit_targets(household: Household):
    proposals = list(MatchProposal.objects.filter(household=household).values_list("pk", flat=True))
    placements = list(Placement.objects.filter(household=household).values_list("pk", flat=True))
    follow_ups = list(FollowUp.objects.filter(placement_id__in=placements).values_list("pk", flat=True))
    notes = list(
        MediationNote.objects.filter(Q(proposal_id__in=proposals) | Q(placement_id__in=placements)).values_list(
            "pk", flat=True
        )
    )
    concerns = list(SafeguardingConcern.objects.filter(placement_id__in=placements).values_list("pk", flat=True))
    return [
        (MatchProposal, None, proposals),
        (MatchProposal, "household", [household.pk]),
        (Placement, None, placements),
        (Placement, "household", [household.pk]),
        (FollowUp, None, follow_ups),
        (FollowUp, "placement", placements),
        (MediationNote, None, notes),
        (MediationNote, "proposal", proposals),
        (MediationNote, "placement", placements),
        (SafeguardingConcern, None, concerns),
        (SafeguardingConcern, "placement", placements),
    ]


def _merge(keep: Household, duplicate: Household) -> None:
    """A duplicate household's proposals and placements move to the household that is kept, whose status
    then follows them (the one rule: `household_status_sync`)."""
    MatchProposal.objects.filter(household=duplicate).update(household=keep)
    Placement.objects.filter(household=duplicate).update(household=keep)
    household_status_sync(household_id=keep.pk)


def register() -> None:
    household_part_register(
        HouseholdPart(
            name="mediation",
            export=_export,
            erase=_erase,
            audit_targets=_audit_targets,
            check=_check,
            prepare=_prepare,
            merge=_merge,
        )
    )


# --- Retention ----------------------------------------------------------------------------------------


def households_retention_due(*, now: datetime.datetime | None = None) -> QuerySet[Household]:
    """Closed cases due for anonymisation: households closed (or whose last placement ended) more than
    RETENTION_CLOSED_CASE_MONTHS ago, with no open proposal and no active placement, not yet anonymised."""
    now = now or timezone.now()
    cutoff = now - relativedelta(months=settings.RETENTION_CLOSED_CASE_MONTHS)
    open_proposal = MatchProposal.objects.filter(household=OuterRef("pk"), status__in=MatchProposal.OPEN)
    active_placement = Placement.objects.filter(household=OuterRef("pk"), end_date__isnull=True)
    return (
        Household.objects.filter(status=Household.Status.CLOSED, anonymised_at__isnull=True, updated_at__lt=cutoff)
        .exclude(Exists(open_proposal))
        .exclude(Exists(active_placement))
        .annotate(last_placement_end=Max("placements__end_date"))
        .filter(Q(last_placement_end__isnull=True) | Q(last_placement_end__lt=timezone.localdate(cutoff)))
        .order_by("updated_at", "pk")
    )


def _households_anonymise(queryset: QuerySet[Household]) -> int:
    done = 0
    for household in list(queryset):
        try:
            household_erase(household=household, by=None, reason=ErasureReason.RETENTION)
        except HouseholdError:
            continue  # something changed since it was found due: left for the next run
        done += 1
    return done


def _households_rule() -> str:
    return _("anonymised %(months)s months after the case was closed or the placement ended") % {
        "months": settings.RETENTION_CLOSED_CASE_MONTHS
    }


def register_retention() -> None:
    retention_register(
        RetentionCategory(
            key="closed_households",
            label=gettext_lazy("Closed household cases"),
            rule=_households_rule,
            due=lambda now: households_retention_due(now=now),
            reference=lambda household: household.reference,
            apply=_households_anonymise,
            visible_to=lambda queryset, user: queryset.filter(pk__in=households_for(user)),
        )
    )


def mediation_sponsor_erase(
    *, sponsor: SponsorProfile, user: User | None, pseudonym: str, values: list[str]
) -> ErasureResult:
    """For a sponsor's account deletion (after their offers were withdrawn, which ended open proposals).

    What the sponsor wrote goes: their decline notes and the notes of the steps they took. What staff
    wrote about the sponsor's proposals, placements and safeguarding concerns is kept for the
    households' cases, with the sponsor's personal `values` (and the text they wrote) replaced by the
    pseudonym (also in the notes and meetings of the households proposed to them); a concern's label
    names the sponsor by their erased label only. Statuses, reasons
    (as categories), dates and scores stay: anonymised statistics.
    """
    proposals = MatchProposal.objects.filter(offer__sponsor=sponsor)
    result = ErasureResult(records=list(proposals))
    own_steps = ProposalTransition.objects.filter(proposal__in=proposals, by=user) if user else None
    declined = proposals.filter(transitions__to_status=S.SPONSOR_DECLINED).distinct()
    written = list(declined.values_list("decline_note", flat=True))
    if own_steps is not None:
        written += list(own_steps.exclude(note="").values_list("note", flat=True))
        own_steps.update(note="")
    MatchProposal.objects.filter(pk__in=declined.values("pk")).update(decline_note="")
    result.values += written
    scrub = [*values, *written]
    steps = ProposalTransition.objects.filter(proposal__in=proposals)
    placements = Placement.objects.filter(offer__sponsor=sponsor)
    follow_ups = FollowUp.objects.filter(placement__in=placements)
    notes = MediationNote.objects.filter(Q(proposal__in=proposals) | Q(placement__in=placements))
    concerns = SafeguardingConcern.objects.filter(sponsor=sponsor)
    # What caseworkers wrote about the households the sponsor was proposed to or hosted may name them too.
    households = Household.objects.filter(proposals__in=proposals).distinct()
    household_notes = HouseholdNote.objects.filter(household__in=households)
    meetings = HouseholdMeeting.objects.filter(household__in=households)
    for queryset, fields in [
        (proposals, ["decline_note", "withdraw_reason"]),
        (steps, ["note"]),
        (placements, ["outcome_note"]),
        (follow_ups, ["note"]),
        (notes, ["text"]),
        (concerns, ["note", "closing_note"]),
        (household_notes, ["text"]),
        (meetings, ["purpose", "place", "attendees", "notes"]),
    ]:
        fields_pseudonymise(queryset=queryset, fields=fields, pseudonym=pseudonym, values=scrub)
        if queryset.model is not ProposalTransition:
            result.records += list(queryset)
    return result


def _sponsor_erase(erasure: SponsorErasure) -> None:
    # After the offers part has withdrawn the offers (`prepare`), so no proposal is open any more.
    if erasure.profile is None:
        return
    erasure.erased.add(
        mediation_sponsor_erase(
            sponsor=erasure.profile,
            user=erasure.user,
            pseudonym=erasure.pseudonym,
            values=[*erasure.identifiers, *erasure.about],
        )
    )


def register_sponsor_part() -> None:
    """The proposals that reached a sponsor and the placements they host, in their export and deletion."""
    sponsor_part_register(
        SponsorPart(
            name="mediation",
            export=lambda user, profile, emails: sponsor_mediation_export(user=user),
            erase=_sponsor_erase,
        )
    )
