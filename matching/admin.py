from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from matching import runs
from matching.access import can_run_matching, concerns_for, follow_ups_for, placements_for, proposals_for
from matching.criteria import CRITERIA
from matching.explain import explanation_lines
from matching.forms import EndPlacementForm, FollowUpForm, PolicyForm, ProposalStepForm, step_forms
from matching.models import (
    FollowUp,
    MatchingPolicy,
    MatchingRun,
    MatchProposal,
    MediationNote,
    Placement,
    ProposalTransition,
    SafeguardingConcern,
)
from matching.selectors import follow_ups_due, household_matching_result, matching_run_report, proposal_alternatives
from matching.services import placements, proposals, safeguarding
from portal.admin_tools import ScopedAdmin, ServiceErrorsAdminMixin, admin_form_view
from portal.formatting import score_display
from portal.queues import QueueListFilter
from portal.workflow import Role
from sponsorship.households import admin as households_admin
from sponsorship.models import Household

S = MatchProposal.Status


class TransitionInline(admin.TabularInline):
    model = ProposalTransition
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NoteInline(admin.StackedInline):
    model = MediationNote
    fields = ["kind", "meeting_at", "text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1


class NotesFromServiceMixin:
    """Notes and meetings added inline are recorded through the service (author, visibility)."""

    note_parent = "proposal"

    def save_formset(self, request, form, formset, change):
        if formset.model is not MediationNote:
            return super().save_formset(request, form, formset, change)
        notes = formset.save(commit=False)
        for note in notes:
            if note.pk is None:
                placements.mediation_note_add(
                    by=request.user,
                    text=note.text,
                    kind=note.kind,
                    meeting_at=note.meeting_at,
                    **{self.note_parent: form.instance},
                )
            else:
                note.save()
        return None


def _score_column(field: str, description):
    """A score column or read-only field with the same precision and the language's decimal separator
    on every page (the admin's own display shows a float's every digit)."""

    @admin.display(description=description, ordering=field)
    def column(self, obj) -> str:
        return score_display(getattr(obj, field))

    return column


@admin.register(MatchProposal)
class MatchProposalAdmin(NotesFromServiceMixin, ServiceErrorsAdminMixin, ScopedAdmin):
    records_for = staticmethod(proposals_for)
    list_display = ["__str__", "status", "score_shown", "run", "awaiting_since", "created_at"]
    list_filter = [QueueListFilter, "status"]
    search_fields = ["household__reference"]
    list_select_related = ["household", "offer__municipality", "run"]
    autocomplete_fields = ["household", "offer"]
    # The engine writes the explanation (shown as "Why this match") and the score (shown rounded, as
    # `score_shown`); nobody types them by hand.
    exclude = ["explanation", "score"]
    readonly_fields = [
        "status",
        "step_link",
        "score_shown",
        "why",
        "run",
        "decline_reason",
        "decline_note",
        "withdraw_reason",
        "awaiting_since",
        "reminded_at",
        "created_by",
        "created_at",
    ]
    inlines = [NoteInline, TransitionInline]
    score_shown = _score_column("score", _("score"))

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "household", "offer"] if obj else self.readonly_fields

    def lookup_allowed(self, lookup, value, request=None):
        # A run's proposals (the link in the caseworkers' notification), without a sidebar filter that
        # would list every nightly run.
        return lookup == "run__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.display(description=_("Why this match"))
    def why(self, obj):
        breakdown = explanation_lines(obj.explanation)
        if not breakdown:
            return _("Proposed by hand: no automatic explanation.")
        return render_to_string("admin/matching/explanation.html", {"breakdown": breakdown})

    @admin.display(description=_("Next step"))
    def step_link(self, obj):
        # The admin lists only the reader's organisation's proposals: the reader is their caseworker.
        if obj.pk is None or not proposals.PROPOSAL_WORKFLOW.steps_from(obj.status, Role.CASEWORKER):
            return "–"
        url = reverse("admin:matching_matchproposal_step", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Take the next step"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The proposal's page: the explanation as a table (`why`), the household's other possible homes
        in the run and why this one won, and the next steps as buttons with the fields each needs."""
        proposal = self.get_object(request, object_id)
        extra = {}
        if proposal is not None:
            extra["alternatives"] = proposal_alternatives(proposal=proposal, user=request.user)
            if self.has_change_permission(request, proposal):
                extra["step_forms"] = step_forms(proposal=proposal, by=request.user)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def save_model(self, request, obj, form, change):
        if change:
            return
        proposal = proposals.proposal_create(household=obj.household, offer=obj.offer, by=request.user)
        obj.pk = proposal.pk

    def get_urls(self):
        return [
            path("<int:pk>/step/", self.admin_site.admin_view(self.step_view), name="matching_matchproposal_step"),
            *super().get_urls(),
        ]

    def step_view(self, request, pk: int):
        proposal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied

        def take(data):
            if data["to"] == S.CONFIRMED:
                placements.proposal_confirm(
                    proposal=proposal,
                    by=request.user,
                    move_in_date=data["move_in_date"],
                    agreed_months=data["agreed_months"],
                    note=data["note"],
                )
            else:
                proposals.proposal_transition(
                    proposal=proposal,
                    to=data["to"],
                    by=request.user,
                    note=data["note"],
                    decline_reason=data["decline_reason"],
                )

        return admin_form_view(
            self,
            request,
            obj=proposal,
            form=ProposalStepForm(request.POST or None, proposal=proposal, by=request.user),
            title=_("Next step for %(proposal)s") % {"proposal": proposal},
            template="admin/portal/form_view.html",
            on_valid=take,
            success=_("The step is recorded; the people concerned are notified."),
        )


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fields = ["respondent", "milestone", "due_on", "done_on", "rating", "note", "done_by", "questionnaire_link"]
    readonly_fields = ["respondent", "milestone", "due_on", "done_on", "done_by", "questionnaire_link"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Questionnaire"))
    def questionnaire_link(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:matching_followup_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("All answers"))


@admin.register(Placement)
class PlacementAdmin(NotesFromServiceMixin, ServiceErrorsAdminMixin, ScopedAdmin):
    records_for = staticmethod(placements_for)
    note_parent = "placement"
    list_display = ["__str__", "move_in_date", "agreed_months", "end_date", "outcome"]
    list_filter = [QueueListFilter, "outcome"]
    search_fields = ["household__reference"]
    list_select_related = ["household", "offer__municipality"]
    readonly_fields = [
        "proposal",
        "household",
        "offer",
        "slot",
        "move_in_date",
        "agreed_months",
        "end_date",
        "outcome",
        "outcome_note",
        "end_link",
        "created_by",
        "created_at",
    ]
    inlines = [FollowUpInline, NoteInline]

    def has_add_permission(self, request):
        return False  # placements come from confirmed proposals

    @admin.display(description=_("End"))
    def end_link(self, obj):
        if obj.pk is None or obj.end_date:
            return "–"
        url = reverse("admin:matching_placement_end", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("End the placement"))

    def save_formset(self, request, form, formset, change):
        if formset.model is not FollowUp:
            return super().save_formset(request, form, formset, change)
        for follow_up in formset.save(commit=False):
            if follow_up.note or follow_up.rating:
                placements.follow_up_record(
                    follow_up=follow_up, by=request.user, note=follow_up.note, rating=follow_up.rating
                )
        return None

    def get_urls(self):
        return [
            path("<int:pk>/end/", self.admin_site.admin_view(self.end_view), name="matching_placement_end"),
            *super().get_urls(),
        ]

    def end_view(self, request, pk: int):
        placement = get_object_or_404(self.get_queryset(request), pk=pk)
        return admin_form_view(
            self,
            request,
            obj=placement,
            form=EndPlacementForm(request.POST or None, initial={"end_date": timezone.localdate()}),
            title=_("End %(placement)s") % {"placement": placement},
            template="admin/portal/form_view.html",
            on_valid=lambda data: placements.placement_end(placement=placement, by=request.user, **data),
            success=_("The placement has ended."),
        )


class FollowUpStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("due", pgettext_lazy("follow-ups", "Due")),
            ("open", pgettext_lazy("follow-ups", "Not yet done")),
            ("done", pgettext_lazy("follow-ups", "Done")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(pk__in=follow_ups_due(request.user).values("pk"))
        if self.value() == "open":
            return queryset.filter(done_on__isnull=True)
        if self.value() == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset


@admin.register(FollowUp)
class FollowUpAdmin(ServiceErrorsAdminMixin, ScopedAdmin):
    """The follow-up questionnaires after 1, 3 and 6 months of a placement, the household's and the
    sponsor's (created with the placement); "due" is the caseworkers' queue (`follow_ups_due`)."""

    records_for = staticmethod(follow_ups_for)
    form = FollowUpForm
    list_display = ["placement", "respondent", "milestone", "due_on", "done_on", "rating"]
    list_filter = [QueueListFilter, FollowUpStateFilter, "respondent", "milestone"]
    search_fields = ["placement__household__reference"]
    list_select_related = ["placement__household", "placement__offer__municipality"]
    fields = [
        "placement",
        "household_link",
        "respondent",
        "milestone",
        "due_on",
        "rating",
        "housing_condition",
        "relationship",
        "integration_steps",
        "note",
        "done_on",
        "done_by",
    ]
    readonly_fields = ["placement", "household_link", "respondent", "milestone", "due_on", "done_by"]

    def has_add_permission(self, request):
        return False  # made with the placement

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Household page"))
    def household_link(self, obj):
        url = reverse("admin:sponsorship_household_overview", args=[obj.placement.household_id])
        return format_html('<a href="{}">{}</a>', url, obj.placement.household)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        placements.follow_up_record(
            follow_up=obj,
            by=request.user,
            note=data.get("note", ""),
            rating=data.get("rating"),
            housing_condition=data.get("housing_condition", ""),
            relationship=data.get("relationship", ""),
            integration_steps=data.get("integration_steps") or [],
            done_on=data.get("done_on"),
        )


@admin.register(SafeguardingConcern)
class SafeguardingConcernAdmin(ServiceErrorsAdminMixin, ScopedAdmin):
    """Any caseworker can raise a concern on a sponsor or a placement (of their organisation)."""

    records_for = staticmethod(concerns_for)

    list_display = ["sponsor", "severity", "raised_at", "closed_at"]
    list_select_related = ["sponsor__user"]
    list_filter = [QueueListFilter, "severity", ("closed_at", admin.EmptyFieldListFilter)]
    # Searched, never listed: a drop-down would list every placement of the organisation.
    autocomplete_fields = ["sponsor", "placement"]
    fields = ["sponsor", "placement", "severity", "note", "raised_by", "closed_at", "closed_by", "closing_note"]
    readonly_fields = ["raised_by", "closed_at", "closed_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "placement":
            # Searched, yet only the reader's placements are valid choices (the service does not check).
            kwargs.setdefault("queryset", self.admin_site._registry[Placement].get_queryset(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # A raised concern is only closed (with a note), never rewritten.
        closed = ["closing_note"] if obj.closed_at else []
        return [*self.readonly_fields, "sponsor", "placement", "severity", "note", *closed]

    def save_model(self, request, obj, form, change):
        if not change:
            concern = safeguarding.concern_raise(
                sponsor=obj.sponsor, placement=obj.placement, severity=obj.severity, note=obj.note, by=request.user
            )
            obj.pk = concern.pk
        elif obj.closing_note and not obj.closed_at:
            safeguarding.concern_close(concern=obj, by=request.user, note=obj.closing_note)


@admin.register(MatchingPolicy)
class MatchingPolicyAdmin(admin.ModelAdmin):
    """Saving the weights always makes a new version (the one in use); old versions stay as they were, so
    every run keeps the weights it used."""

    form = PolicyForm
    list_display = ["__str__", "is_active", *(criterion.weight_field for criterion in CRITERIA), "created_at"]
    readonly_fields = ["version", "is_active", "created_by", "created_at"]

    def get_fields(self, request, obj=None):
        return [*PolicyForm.Meta.fields, *(self.readonly_fields if obj else [])]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = runs.policy_publish(policy=obj, by=request.user)
        obj.pk = published.pk

    def response_change(self, request, obj):
        self.message_user(
            request, _("The weights are saved as version %(version)s, now in use.") % {"version": obj.version}
        )
        return redirect("admin:matching_matchingpolicy_changelist")

    def response_add(self, request, obj, post_url_continue=None):
        return self.response_change(request, obj)


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    """Runs, with a "run matching now" button; a run's page shows its progress while it runs, then its
    figures, and the proposals and unmatched households of the reader's organisation with their reasons."""

    change_list_template = "admin/matching/matchingrun/change_list.html"
    change_form_template = "admin/matching/matchingrun/change_form.html"
    list_display = [
        "__str__",
        "requested_at",
        "trigger",
        "status",
        "policy",
        "households",
        "offers",
        "proposals_created",
        "total_score_shown",
        "greedy_score_shown",
        "ratio",
    ]
    list_filter = ["status", "trigger"]
    list_select_related = ["policy"]
    fields = [
        "status",
        "trigger",
        "policy",
        "requested_by",
        "requested_at",
        "finished_at",
        "households",
        "offers",
        "feasible_pairs",
        "kept",
        "proposals_created",
        "total_score_shown",
        "greedy_score_shown",
        "greedy_matched",
        "ratio",
        "error",
    ]
    readonly_fields = fields
    total_score_shown = _score_column("total_score", _("total score"))
    greedy_score_shown = _score_column("greedy_score", _("first-come-first-served score"))

    @admin.display(description=_("optimal ÷ first-come-first-served"))
    def ratio(self, obj):
        return score_display(obj.score_ratio)

    def has_add_permission(self, request):
        return False  # runs are requested with the button

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {"can_run": can_run_matching(request.user)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="matching_matchingrun_run"),
            *super().get_urls(),
        ]

    def run_view(self, request):
        if request.method != "POST":
            return redirect("admin:matching_matchingrun_changelist")
        try:
            run = runs.matching_run_request(by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.WARNING)
            return redirect("admin:matching_matchingrun_changelist")
        self.message_user(request, _("Matching has started."), messages.SUCCESS)
        return redirect("admin:matching_matchingrun_change", run.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        if run is None:
            # A missing or malformed id: the admin's own "does not exist" message and redirect.
            return super().change_view(request, object_id, form_url, extra_context)
        progress = runs.progress_get(run.pk) or {"phase": run.status, "percent": 0}
        extra = {
            "run": run,
            "in_progress": run.status in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING),
            "progress": progress,
            "progress_label": runs.PHASE_LABELS.get(progress["phase"], progress["phase"]),
            "phases": [
                (runs.PHASE_LABELS[phase], run.phase_seconds.get(phase))
                for phase in [*runs.PHASES, "total"]
                if phase in run.phase_seconds
            ],
            **matching_run_report(run=run, user=request.user),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})


# --- Households (sponsorship) ---------------------------------------------------------------------------


class HouseholdAdmin(households_admin.HouseholdAdmin):
    """The households' admin (`sponsorship.households.admin`), which cannot import this higher layer,
    with what the latest matching run did for the household."""

    readonly_fields = [*households_admin.HouseholdAdmin.readonly_fields, "matching_result"]
    fieldsets = [
        (name, {**options, "fields": [*options["fields"], "matching_result"]}) if index == 0 else (name, options)
        for index, (name, options) in enumerate(households_admin.HouseholdAdmin.fieldsets)
    ]

    @admin.display(description=_("Latest matching run"))
    def matching_result(self, obj):
        return household_matching_result(household=obj) or "–"


admin.site.unregister(Household)
admin.site.register(Household, HouseholdAdmin)
