from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from portal.admin_tools import (
    ServiceErrorsAdminMixin,
    admin_form_view,
)
from portal.queues import QueueListFilter
from sponsorship import services
from sponsorship.forms import DecisionForm
from sponsorship.models import (
    ConsentText,
    SponsorCheck,
    SponsorPerson,
    SponsorProfile,
)
from sponsorship.selectors import sponsor_matching_blockers


class SponsorPersonInline(admin.TabularInline):
    model = SponsorPerson
    fields = ["full_name", "email", "role", "accepted_at"]
    readonly_fields = ["accepted_at"]
    extra = 0
    show_change_link = True


@admin.register(SponsorProfile)
class SponsorProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "municipality", "status", "created_at"]
    list_filter = [QueueListFilter, "status", "kind", "municipality"]
    search_fields = ["organisation_name", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "municipality"]
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
    list_select_related = ["sponsor__user"]
    autocomplete_fields = ["sponsor", "user"]
    readonly_fields = ["invited_at", "accepted_at"]
    # Newest first (the model's order, by sponsor, would sort every person by their sponsor's date).
    ordering = ["-created_at", "-pk"]
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
    list_select_related = ["person", "checked_by"]
    autocomplete_fields = ["person"]
    readonly_fields = ["checked_by", "created_at"]
    # Latest checks first (the model's order, by person, would sort every check by person and sponsor).
    ordering = ["-checked_on", "-pk"]

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


# The households' admin lives with the households.
import sponsorship.households.admin  # noqa: E402,F401
