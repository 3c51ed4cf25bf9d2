"""Mediation's part of a household's timeline (`sponsorship.households.timeline`): proposals and their
steps, mediation notes and meetings, placements and their end, follow-ups and safeguarding concerns about
the household's placements. Registered from `matching.apps`."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from matching.models import FollowUp, MatchProposal, MediationNote, Placement, SafeguardingConcern
from sponsorship.households.models import Household
from sponsorship.households.timeline import TimelineEntry, TimelinePart, household_timeline_register, person_label


def _url(model: str, pk: int) -> str:
    return reverse(f"admin:matching_{model}_change", args=[pk])


def follow_up_summary(follow_up: FollowUp) -> str:
    """A recorded follow-up's answers in words (the timeline's text)."""
    parts = []
    if follow_up.rating:
        parts.append(_("Rating: %(rating)s of 5") % {"rating": follow_up.rating})
    if follow_up.housing_condition:
        parts.append(_("Home: %(condition)s") % {"condition": follow_up.get_housing_condition_display()})
    if follow_up.relationship:
        parts.append(_("Relationship: %(relationship)s") % {"relationship": follow_up.get_relationship_display()})
    steps = follow_up.get_integration_steps_display()
    if steps:
        parts.append(_("Integration steps: %(steps)s") % {"steps": ", ".join(steps)})
    if follow_up.note:
        parts.append(follow_up.note)
    return "\n".join(parts)


def _follow_up_title(follow_up: FollowUp) -> str:
    return _("%(respondent)s, %(milestone)s") % {
        "respondent": follow_up.get_respondent_display(),
        "milestone": follow_up.get_milestone_display().lower(),
    }


def _entries(household: Household) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    proposals = (
        MatchProposal.objects.filter(household=household)
        .select_related("offer__municipality", "created_by", "run")
        .prefetch_related("transitions__by")
    )
    for proposal in proposals:
        url = _url("matchproposal", proposal.pk)
        entries.append(
            TimelineEntry(
                at=proposal.created_at,
                kind=_("Proposal"),
                title=_("Proposed: %(offer)s") % {"offer": proposal.offer},
                by=str(proposal.run) if proposal.run_id else person_label(proposal.created_by),
                url=url,
                link_label=_("Open the proposal"),
            )
        )
        for step in proposal.transitions.all():
            entries.append(
                TimelineEntry(
                    at=step.at,
                    kind=_("Proposal step"),
                    title=f"{proposal.offer}: {step}",
                    text=step.note,
                    by=person_label(step.by),
                    url=url,
                    link_label=_("Open the proposal"),
                )
            )
    notes = MediationNote.objects.filter(Q(proposal__household=household) | Q(placement__household=household))
    for note in notes.select_related("author"):
        entries.append(
            TimelineEntry(
                at=note.meeting_at or note.created_at,
                kind=_("Mediation: %(kind)s") % {"kind": note.get_kind_display().lower()},
                title="",
                text=note.text,
                by=person_label(note.author),
                url=_url("matchproposal", note.proposal_id)
                if note.proposal_id
                else _url("placement", note.placement_id),
            )
        )
    for placement in Placement.objects.filter(household=household).select_related("offer__municipality", "created_by"):
        url = _url("placement", placement.pk)
        entries.append(
            TimelineEntry(
                at=placement.created_at,
                kind=_("Placement"),
                title=_("Placement confirmed: %(offer)s, move-in on %(date)s")
                % {"offer": placement.offer, "date": date_format(placement.move_in_date, "SHORT_DATE_FORMAT")},
                by=person_label(placement.created_by),
                url=url,
                link_label=_("Open the placement"),
            )
        )
        if placement.end_date:
            entries.append(
                TimelineEntry(
                    at=placement.end_date,
                    kind=_("Placement"),
                    title=_("Placement ended: %(outcome)s") % {"outcome": placement.get_outcome_display()},
                    text=placement.outcome_note,
                    url=url,
                    link_label=_("Open the placement"),
                    date_only=True,
                )
            )
    done = FollowUp.objects.filter(placement__household=household, done_on__isnull=False).select_related("done_by")
    for follow_up in done:
        entries.append(
            TimelineEntry(
                at=follow_up.done_on,
                kind=_("Follow-up"),
                title=_follow_up_title(follow_up),
                text=follow_up_summary(follow_up),
                by=person_label(follow_up.done_by),
                url=_url("followup", follow_up.pk),
                link_label=_("Open the follow-up"),
                date_only=True,
            )
        )
    concerns = SafeguardingConcern.objects.filter(placement__household=household).select_related("raised_by")
    for concern in concerns:
        url = _url("safeguardingconcern", concern.pk)
        entries.append(
            TimelineEntry(
                at=concern.raised_at,
                kind=_("Safeguarding concern"),
                title=_("Concern raised (%(severity)s)") % {"severity": concern.get_severity_display().lower()},
                text=concern.note,
                by=person_label(concern.raised_by),
                url=url,
                link_label=_("Open the concern"),
            )
        )
        if concern.closed_at:
            entries.append(
                TimelineEntry(
                    at=concern.closed_at,
                    kind=_("Safeguarding concern"),
                    title=_("Concern closed"),
                    text=concern.closing_note,
                    url=url,
                    link_label=_("Open the concern"),
                )
            )
    return entries


def _upcoming(household: Household) -> list[TimelineEntry]:
    """The follow-ups still to record, of placements that had not ended by their due date."""
    pending = (
        FollowUp.objects.filter(placement__household=household, done_on__isnull=True)
        .filter(Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=F("due_on")))
        .order_by("due_on", "respondent")
    )
    return [
        TimelineEntry(
            at=follow_up.due_on,
            kind=_("Follow-up due"),
            title=_follow_up_title(follow_up),
            url=_url("followup", follow_up.pk),
            link_label=_("Record the follow-up"),
            date_only=True,
        )
        for follow_up in pending
    ]


def register() -> None:
    household_timeline_register(TimelinePart(name="mediation", entries=_entries, upcoming=_upcoming))
