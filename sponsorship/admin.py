from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from portal.admin_tools import (
    EXPORT_LABEL,
    OrganisationScopedAdmin,
    ServiceErrorsAdminMixin,
    admin_form_view,
    export_csv,
)
from sponsorship import households as household_services
from sponsorship import services
from sponsorship.models import (
    ConsentText,
    Household,
    HouseholdMember,
    HouseholdTransfer,
    MunicipalityPreference,
    SponsorCheck,
    SponsorPerson,
    SponsorProfile,
)
from sponsorship.selectors import sponsor_matching_blockers


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify the sponsor")), ("reject", _("Reject the sponsor"))],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label=_("Notes for caseworkers"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Reason for a rejection (the sponsor reads it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SponsorPersonInline(admin.TabularInline):
    model = SponsorPerson
    fields = ["full_name", "email", "role", "accepted_at"]
    readonly_fields = ["accepted_at"]
    extra = 0
    show_change_link = True


@admin.register(SponsorProfile)
class SponsorProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "municipality", "status", "created_at"]
    list_filter = ["status", "kind", "municipality"]
    search_fields = ["organisation_name", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "municipality"]
    inlines = [SponsorPersonInline]
    readonly_fields = [
        "status",
        "decided_by",
        "decided_at",
        "verification_notes",
        "rejection_reason",
        "consent_text",
        "consented_at",
        "motivation_language",
        "matching_blockers",
        "decision_link",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["user", "kind", "organisation_name", "municipality", "country", "languages", "phone"]}),
        (_("Motivation"), {"fields": ["motivation", "motivation_language"]}),
        (_("Consent"), {"fields": ["consent_text", "consented_at"]}),
        (
            _("Verification"),
            {
                "fields": [
                    "status",
                    "decision_link",
                    "matching_blockers",
                    "decided_by",
                    "decided_at",
                    "verification_notes",
                    "rejection_reason",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["verify_selected"]

    @admin.display(description=_("Verify or reject"))
    def decision_link(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:sponsorship_sponsorprofile_decide", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record a decision"))

    @admin.display(description=_("What blocks matching"))
    def matching_blockers(self, obj):
        if obj.pk is None:
            return "–"
        blockers = sponsor_matching_blockers(sponsor=obj)
        return "; ".join(blockers) if blockers else _("Nothing: the sponsor can be matched.")

    @admin.action(description=_("Verify the selected sponsors"), permissions=["change"])
    def verify_selected(self, request, queryset):
        done = 0
        for sponsor in queryset:
            try:
                services.sponsor_verify(sponsor=sponsor, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{sponsor}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, _("%(count)s sponsor(s) verified.") % {"count": done}, messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="sponsorship_sponsorprofile_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        sponsor = get_object_or_404(SponsorProfile, pk=pk)
        if not self.has_change_permission(request, sponsor):
            return redirect("admin:index")

        def decide(data):
            if data["decision"] == "verify":
                services.sponsor_verify(sponsor=sponsor, by=request.user, notes=data["notes"])
            else:
                services.sponsor_reject(sponsor=sponsor, by=request.user, reason=data["reason"], notes=data["notes"])

        return admin_form_view(
            self,
            request,
            obj=sponsor,
            form=DecisionForm(request.POST or None),
            title=_("Verify or reject %(sponsor)s") % {"sponsor": sponsor},
            template="admin/sponsorship/decide.html",
            on_valid=decide,
            success=_("The decision is recorded and the sponsor is notified."),
        )


class SponsorCheckInline(admin.TabularInline):
    model = SponsorCheck
    fields = ["kind", "result", "checked_on", "expires_on", "notes", "checked_by"]
    readonly_fields = ["checked_by"]
    extra = 1


@admin.register(SponsorPerson)
class SponsorPersonAdmin(ServiceErrorsAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "role", "sponsor", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["full_name", "email", "sponsor__organisation_name"]
    autocomplete_fields = ["sponsor", "user"]
    readonly_fields = ["invited_at", "accepted_at"]
    inlines = [SponsorCheckInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not SponsorCheck:
            return super().save_formset(request, form, formset, change)
        checks = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for check in checks:
            if check.pk is None:
                services.sponsor_check_record(
                    person=form.instance,
                    kind=check.kind,
                    result=check.result,
                    checked_on=check.checked_on,
                    expires_on=check.expires_on,
                    notes=check.notes,
                    by=request.user,
                )
            else:
                check.save()
        return None


@admin.register(SponsorCheck)
class SponsorCheckAdmin(ServiceErrorsAdminMixin, admin.ModelAdmin):
    list_display = ["person", "kind", "result", "checked_on", "expires_on", "checked_by"]
    list_filter = ["kind", "result"]
    search_fields = ["person__full_name", "person__sponsor__organisation_name"]
    autocomplete_fields = ["person"]
    readonly_fields = ["checked_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        check = services.sponsor_check_record(
            person=obj.person,
            kind=obj.kind,
            result=obj.result,
            checked_on=obj.checked_on,
            expires_on=obj.expires_on,
            notes=obj.notes,
            by=request.user,
        )
        obj.pk = check.pk
        return None


@admin.register(ConsentText)
class ConsentTextAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["version", "published_at"]
    readonly_fields = ["published_at"]

    def has_change_permission(self, request, obj=None):
        # A published version is never edited: publish a new version instead.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


# --- Beneficiary households (caseworkers' workplace) ----------------------------------------------


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 1
    fields = ["kind", "age", "name"]


class MunicipalityPreferenceInline(admin.TabularInline):
    model = MunicipalityPreference
    extra = 1
    fields = ["rank", "municipality"]
    autocomplete_fields = ["municipality"]


@admin.register(Household)
class HouseholdAdmin(OrganisationScopedAdmin):
    organisation_path = "organisation"
    list_display = ["reference", "status", "protection_status", "organisation", "caseworker", "created_at"]
    list_filter = ["status", "protection_status"]
    search_fields = ["reference", "head_name", "document_number"]
    autocomplete_fields = ["languages", "caseworker"]
    readonly_fields = [
        "reference",
        "organisation",
        "waiting_since",
        "consent_recorded_by",
        "duplicates_warning",
        "matching_result",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    inlines = [HouseholdMemberInline, MunicipalityPreferenceInline]
    actions = ["export_selected", "merge_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["reference", "status", "organisation", "caseworker", "duplicates_warning", "matching_result"]},
        ),
        (_("Head of household"), {"fields": ["head_name", "head_birth_date", "document_number", "phone", "email"]}),
        (
            _("Background"),
            {"fields": ["nationalities", "languages", "protection_status", "arrival_date", "current_accommodation"]},
        ),
        (
            _("Needs"),
            {
                "fields": [
                    "move_in_from",
                    "stay_months",
                    "needs_step_free",
                    "has_pets",
                    "max_monthly_rent",
                    "near_school",
                    "near_work",
                    "near_medical_care",
                    "other_needs",
                ]
            },
        ),
        (
            _("Consent to process and share data"),
            {"fields": ["consent_version", "consent_given_on", "consent_recorded_by"]},
        ),
        (None, {"fields": ["waiting_since", "merged_into", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("Latest matching run"))
    def matching_result(self, obj):
        from matching.selectors import household_matching_result

        return household_matching_result(household=obj) or "–"

    @admin.display(description=_("Possible duplicates"))
    def duplicates_warning(self, obj):
        if obj.pk is None:
            return "–"
        # References only within the household's own organisation; elsewhere just that one exists.
        duplicates = list(obj.possible_duplicates.all())
        own = [d.reference for d in duplicates if d.organisation_id == obj.organisation_id]
        others = len(duplicates) - len(own)
        parts = own + (
            [_("%(count)s in another organisation (an admin can merge)") % {"count": others}] if others else []
        )
        return ", ".join(parts) or _("None")

    def save_model(self, request, obj, form, change):
        if "consent_given_on" in form.changed_data and obj.consent_given_on:
            obj.consent_recorded_by = request.user
        household_services.household_save(household=obj, by=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            household_services.household_access_log(household=obj, by=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=EXPORT_LABEL, permissions=["view"])
    def export_selected(self, request, queryset):
        rows = [
            (h.reference, h.get_status_display(), h.get_protection_status_display(), h.organisation, h.members.count())
            for h in queryset.prefetch_related("members").select_related("organisation")
        ]
        header = [_("reference code"), _("status"), _("protection status"), _("organisation"), _("members")]
        return export_csv("households.csv", [str(h) for h in header], rows)

    @admin.action(description=_("Merge the two selected households (admins)"), permissions=["change"])
    def merge_selected(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        households = list(queryset.order_by("created_at"))
        if len(households) != 2:
            self.message_user(request, _("Select exactly two households to merge."), messages.ERROR)
            return
        keep, duplicate = households
        household_services.household_merge(keep=keep, duplicate=duplicate, by=request.user)
        self.message_user(
            request,
            _("%(duplicate)s was merged into %(keep)s.") % {"duplicate": duplicate, "keep": keep},
            messages.SUCCESS,
        )


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )


@admin.register(HouseholdTransfer)
class HouseholdTransferAdmin(ServiceErrorsAdminMixin, admin.ModelAdmin):
    list_display = ["household", "from_organisation", "to_organisation", "status", "created_at"]
    list_filter = ["status"]
    autocomplete_fields = ["household", "to_organisation"]
    fields = ["household", "to_organisation", "note", "status", "decide_link"]
    readonly_fields = ["status", "decide_link"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        org = request.user.organisation_id
        if not org:
            return queryset.none()
        return queryset.filter(models.Q(from_organisation_id=org) | models.Q(to_organisation_id=org))

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "household", "to_organisation", "note"] if obj else self.readonly_fields

    @admin.display(description=_("Decision"))
    def decide_link(self, obj):
        if obj.pk is None or obj.status != HouseholdTransfer.Status.REQUESTED:
            return "–"
        url = reverse("admin:sponsorship_householdtransfer_decide", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Accept or refuse"))

    def save_model(self, request, obj, form, change):
        if change:
            return
        transfer = household_services.household_transfer_request(
            household=obj.household, to_organisation=obj.to_organisation, by=request.user, note=obj.note
        )
        obj.pk = transfer.pk

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="sponsorship_householdtransfer_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        transfer = get_object_or_404(self.get_queryset(request), pk=pk)
        return admin_form_view(
            self,
            request,
            obj=transfer,
            form=TransferDecisionForm(request.POST or None),
            title=_("Transfer of %(household)s") % {"household": transfer.household},
            template="admin/portal/form_view.html",
            on_valid=lambda data: household_services.household_transfer_decide(
                transfer=transfer, by=request.user, accept=data["decision"] == "accept"
            ),
            success=_("The decision is recorded."),
        )
