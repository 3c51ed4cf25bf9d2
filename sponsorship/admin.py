from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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
from sponsorship.selectors import check_status, sponsor_matching_blockers


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
    autocomplete_fields = ["user", "municipality", "languages"]
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


class SponsorCheckForm(forms.ModelForm):
    """A check with the scan of the document seen: the upload is checked and stored by the service."""

    scan_upload = forms.FileField(
        label=_("Scan (PDF or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
        help_text=_("For example the certificate of no criminal record. Private: only caseworkers see it."),
    )

    class Meta:
        model = SponsorCheck
        fields = ["person", "kind", "result", "checked_on", "expires_on", "notes"]


class CheckDisplayMixin:
    @admin.display(description=_("status"))
    def validity(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        status = check_status(obj)
        if obj.expires_on and obj.result == SponsorCheck.Result.PASSED:
            label = _("until %(date)s") if not obj.is_expired() else _("since %(date)s")
            return f"{status} ({label % {'date': date_format(obj.expires_on, 'SHORT_DATE_FORMAT')}})"
        return status

    @admin.display(description=_("scan"))
    def scan_link(self, obj):
        if obj is None or not obj.scan:
            return "–"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.scan.url, _("Open the scan"))


class SponsorCheckInline(CheckDisplayMixin, admin.TabularInline):
    model = SponsorCheck
    form = SponsorCheckForm
    fields = [
        "kind",
        "result",
        "checked_on",
        "expires_on",
        "validity",
        "notes",
        "scan_link",
        "scan_upload",
        "checked_by",
    ]
    readonly_fields = ["validity", "scan_link", "checked_by"]
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
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()  # its scan leaves storage after commit (`services.sponsor_check_scan_forget`)
        for check_form in formset.forms:
            if check_form in formset.deleted_forms or not check_form.has_changed():
                continue
            check, scan = check_form.instance, check_form.cleaned_data.get("scan_upload")
            if check.pk is None:
                # Verified by whoever records it: `checked_by` is the current user, never typed in.
                services.sponsor_check_record(
                    person=form.instance,
                    kind=check.kind,
                    result=check.result,
                    checked_on=check.checked_on,
                    expires_on=check.expires_on,
                    notes=check.notes,
                    by=request.user,
                    scan=scan,
                )
                continue
            check.save()
            if scan:
                services.sponsor_check_scan_replace(check=check, scan=scan, by=request.user)
        return None


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("valid", pgettext_lazy("check status", "Valid")),
            ("expired", pgettext_lazy("check status", "Expired")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        if self.value() == "valid":
            return queryset.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        return queryset


@admin.register(SponsorCheck)
class SponsorCheckAdmin(CheckDisplayMixin, ServiceErrorsAdminMixin, admin.ModelAdmin):
    form = SponsorCheckForm
    list_display = ["person", "kind", "result", "checked_on", "expires_on", "validity", "checked_by"]
    list_filter = ["kind", "result", ValidityFilter]
    search_fields = ["person__full_name", "person__sponsor__organisation_name"]
    list_select_related = ["person", "checked_by"]
    autocomplete_fields = ["person"]
    readonly_fields = ["validity", "scan_link", "checked_by", "created_at"]
    fields = [
        "person",
        "kind",
        "result",
        "checked_on",
        "expires_on",
        "validity",
        "notes",
        "scan_link",
        "scan_upload",
        "checked_by",
        "created_at",
    ]
    # Latest checks first (the model's order, by person, would sort every check by person and sponsor).
    ordering = ["-checked_on", "-pk"]

    def save_model(self, request, obj, form, change):
        scan = form.cleaned_data.get("scan_upload")
        if change:
            super().save_model(request, obj, form, change)
            if scan:
                services.sponsor_check_scan_replace(check=obj, scan=scan, by=request.user)
            return None
        # Verified by whoever records it: `checked_by` is the current user, never typed in.
        check = services.sponsor_check_record(
            person=obj.person,
            kind=obj.kind,
            result=obj.result,
            checked_on=obj.checked_on,
            expires_on=obj.expires_on,
            notes=obj.notes,
            by=request.user,
            scan=scan,
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
