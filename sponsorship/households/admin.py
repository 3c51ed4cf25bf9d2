"""The households' admin: the caseworkers' record of a household, its transfers, export and erasure."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.access import can_apply_retention
from portal.admin_tools import (
    EXPORT_LABEL,
    ScopedAdmin,
    ServiceErrorsAdminMixin,
    admin_form_view,
    export_csv,
)
from portal.queues import QueueListFilter
from portal.retention import retention_apply, retention_report
from sponsorship.access import (
    can_handle_household,
    can_merge_households,
    household_meetings_for,
    household_notes_for,
    households_for,
    mentors_for,
    transfers_for,
)
from sponsorship.households import privacy, services
from sponsorship.households.forms import (
    HouseholdEraseForm,
    HouseholdMeetingForm,
    HouseholdNoteForm,
    TransferDecisionForm,
)
from sponsorship.households.timeline import household_timeline
from sponsorship.models import (
    Household,
    HouseholdMeeting,
    HouseholdMember,
    HouseholdNote,
    HouseholdTransfer,
    MunicipalityPreference,
)


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
class HouseholdAdmin(ServiceErrorsAdminMixin, ScopedAdmin):
    records_for = staticmethod(households_for)
    list_display = ["reference", "status", "protection_status", "organisation", "caseworker", "created_at"]
    list_filter = ["status", "protection_status"]
    search_fields = ["reference", "head_name", "document_number"]
    list_select_related = ["organisation", "caseworker"]
    autocomplete_fields = ["languages", "caseworker"]
    readonly_fields = [
        "reference",
        "organisation",
        "anonymised_at",
        "adults_count",
        "children_count",
        "waiting_since",
        "consent_recorded_by",
        "duplicates_warning",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    inlines = [HouseholdMemberInline, MunicipalityPreferenceInline]
    actions = ["export_selected", "merge_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["reference", "status", "organisation", "caseworker", "mentor", "duplicates_warning"]},
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
    anonymised_fieldsets = [
        (
            _("Anonymised record"),
            {
                "fields": [
                    "reference",
                    "status",
                    "organisation",
                    "caseworker",
                    "protection_status",
                    "adults_count",
                    "children_count",
                    "anonymised_at",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.anonymised_at:
            return self.anonymised_fieldsets
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is not None and obj.anonymised_at else super().get_inlines(request, obj)

    def has_change_permission(self, request, obj=None):
        # An anonymised household is a statistical record: nobody edits it.
        if obj is not None and obj.anonymised_at:
            return False
        return super().has_change_permission(request, obj)

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

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), "mentor"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mentor":
            # The reader's organisation's staff (the service checks it is the household's organisation).
            kwargs.setdefault("queryset", mentors_for(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.household_save(household=obj, by=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            services.household_access_log(household=obj, by=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Data protection: export, print, erasure, retention -----------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("retention/", view(self.retention_view), name="sponsorship_household_retention"),
            path("<int:pk>/export.json", view(self.export_json_view), name="sponsorship_household_export"),
            path("<int:pk>/print/", view(self.export_print_view), name="sponsorship_household_print"),
            path("<int:pk>/erase/", view(self.erase_view), name="sponsorship_household_erase"),
            path("<int:pk>/overview/", view(self.overview_view), name="sponsorship_household_overview"),
            path("<int:pk>/note/", view(self.note_add_view), name="sponsorship_household_note"),
            path("<int:pk>/meeting/", view(self.meeting_add_view), name="sponsorship_household_meeting"),
            *super().get_urls(),
        ]

    def _household_or_404(self, request, pk: int) -> Household:
        # Through the scoped queryset: another organisation's household does not exist for a caseworker.
        household = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, household):
            raise PermissionDenied
        return household

    # --- The household's page: summary, people, needs, consent, mentor, timeline -----------------------

    def overview_view(self, request, pk: int):
        """The readable page of a household's case, with its timeline; every reading is in the audit log."""
        household = self._household_or_404(request, pk)
        services.household_access_log(household=household, by=request.user)
        can_record = not household.anonymised_at and can_handle_household(request.user, household)
        registry = self.admin_site._registry
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": household,
            "household": household,
            "members": list(household.members.all()),
            "preferences": list(household.preferences.select_related("municipality")),
            "languages": list(household.languages.all()),
            "timeline": household_timeline(household=household),
            "can_record_note": can_record and registry[HouseholdNote].has_add_permission(request),
            "can_record_meeting": can_record and registry[HouseholdMeeting].has_add_permission(request),
            "has_change_permission": self.has_change_permission(request, household),
            "title": _("Household %(ref)s") % {"ref": household},
        }
        response = render(request, "admin/sponsorship/household/overview.html", context)
        add_never_cache_headers(response)
        return response

    def _record_view(self, request, household: Household, *, form, title: str, on_valid, success: str):
        if request.method == "POST" and form.is_valid():
            try:
                on_valid(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(request, success, messages.SUCCESS)
                return redirect("admin:sponsorship_household_overview", household.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": household,
            "form": form,
            "title": title,
        }
        response = render(request, "admin/sponsorship/household/record.html", context)
        add_never_cache_headers(response)
        return response

    def _household_to_record(self, request, pk: int, record: type) -> Household:
        """The household on which the reader records a note or a meeting (`record`): theirs to handle, not
        erased, and their role may add such records."""
        household = self._household_or_404(request, pk)
        if household.anonymised_at or not can_handle_household(request.user, household):
            raise PermissionDenied
        if not self.admin_site._registry[record].has_add_permission(request):
            raise PermissionDenied
        return household

    def note_add_view(self, request, pk: int):
        household = self._household_to_record(request, pk, HouseholdNote)
        form = HouseholdNoteForm(request.POST or None, initial={"at": timezone.localtime().replace(second=0)})
        return self._record_view(
            request,
            household,
            form=form,
            title=_("Record a note on %(ref)s") % {"ref": household},
            on_valid=lambda data: services.household_note_add(household=household, by=request.user, **data),
            success=_("The note is recorded."),
        )

    def meeting_add_view(self, request, pk: int):
        household = self._household_to_record(request, pk, HouseholdMeeting)
        form = HouseholdMeetingForm(request.POST or None, staff_choices=mentors_for(request.user, household))

        def save(data):
            staff = data.pop("staff_attendees")
            services.household_meeting_save(
                meeting=HouseholdMeeting(household=household, **data), by=request.user, staff_attendees=staff
            )

        return self._record_view(
            request,
            household,
            form=form,
            title=_("A meeting with %(ref)s") % {"ref": household},
            on_valid=save,
            success=_("The meeting is recorded."),
        )

    def export_json_view(self, request, pk: int):
        household = self._household_or_404(request, pk)
        data = privacy.household_export(household=household, by=request.user, kind="json")
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{household.reference}.json"'
        add_never_cache_headers(response)
        return response

    def export_print_view(self, request, pk: int):
        household = self._household_or_404(request, pk)
        data = privacy.household_export(household=household, by=request.user, kind="print")
        response = render(
            request,
            "admin/sponsorship/household/export_print.html",
            {"data": data, "household": household, "title": _("Data of household %(ref)s") % {"ref": household}},
        )
        add_never_cache_headers(response)
        return response

    def erase_view(self, request, pk: int):
        household = self._household_or_404(request, pk)
        if not self.has_change_permission(request, household):
            raise PermissionDenied
        form = HouseholdEraseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                privacy.household_erase(household=household, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(
                    request,
                    _("The personal data of %(ref)s has been erased; an anonymised record remains.")
                    % {"ref": household.reference},
                    messages.SUCCESS,
                )
                return redirect("admin:sponsorship_household_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": household,
            "form": form,
            "title": _("Erase the personal data of %(ref)s") % {"ref": household},
        }
        response = render(request, "admin/sponsorship/household/erase.html", context)
        add_never_cache_headers(response)
        return response

    def retention_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not can_apply_retention(request.user):
                raise PermissionDenied
            done = retention_apply()
            self.message_user(
                request,
                _("The retention schedule was applied: %(count)s record(s) handled.") % {"count": sum(done.values())},
                messages.SUCCESS,
            )
            return redirect("admin:sponsorship_household_retention")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Retention schedule"),
            "report": retention_report(user=request.user),
            "can_apply": can_apply_retention(request.user),
        }
        response = render(request, "admin/sponsorship/household/retention.html", context)
        add_never_cache_headers(response)
        return response

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
        if not can_merge_households(request.user):
            raise PermissionDenied
        households = list(queryset.order_by("created_at"))
        if len(households) != 2:
            self.message_user(request, _("Select exactly two households to merge."), messages.ERROR)
            return
        keep, duplicate = households
        services.household_merge(keep=keep, duplicate=duplicate, by=request.user)
        self.message_user(
            request,
            _("%(duplicate)s was merged into %(keep)s.") % {"duplicate": duplicate, "keep": keep},
            messages.SUCCESS,
        )


@admin.register(HouseholdTransfer)
class HouseholdTransferAdmin(ServiceErrorsAdminMixin, ScopedAdmin):
    records_for = staticmethod(transfers_for)
    list_display = ["household", "from_organisation", "to_organisation", "status", "created_at"]
    list_filter = [QueueListFilter, "status"]
    list_select_related = ["household", "from_organisation", "to_organisation"]
    autocomplete_fields = ["household", "to_organisation"]
    fields = ["household", "to_organisation", "note", "status", "decide_link"]
    readonly_fields = ["status", "decide_link"]

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
        transfer = services.household_transfer_request(
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
            on_valid=lambda data: services.household_transfer_decide(
                transfer=transfer, by=request.user, accept=data["decision"] == "accept"
            ),
            success=_("The decision is recorded."),
        )


# --- Counselling and mentoring: notes and meetings -----------------------------------------------------


@admin.register(HouseholdNote)
class HouseholdNoteAdmin(ServiceErrorsAdminMixin, ScopedAdmin):
    """Notes on households (consultation, mentoring, mediation, phone call, home visit). A note is a record
    of what happened: written through the service, never rewritten (a correction is a new note)."""

    records_for = staticmethod(household_notes_for)
    list_display = ["household", "kind", "at", "author"]
    list_filter = ["kind"]
    search_fields = ["household__reference"]
    list_select_related = ["household", "author"]
    autocomplete_fields = ["household"]
    fields = ["household", "kind", "at", "text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        note = services.household_note_add(
            household=obj.household, by=request.user, kind=obj.kind, text=obj.text, at=obj.at
        )
        obj.pk = note.pk


@admin.register(HouseholdMeeting)
class HouseholdMeetingAdmin(ServiceErrorsAdminMixin, ScopedAdmin):
    """Meetings with households; those "to arrange" are the caseworkers' queue (`meetings_to_arrange`,
    this list filtered by status)."""

    records_for = staticmethod(household_meetings_for)
    list_display = ["household", "purpose", "status", "starts_at", "place"]
    list_filter = [QueueListFilter, "status"]
    search_fields = ["household__reference"]
    list_select_related = ["household"]
    autocomplete_fields = ["household", "staff_attendees"]
    fields = [
        "household",
        "purpose",
        "status",
        "starts_at",
        "place",
        "staff_attendees",
        "attendees",
        "notes",
        "created_by",
        "created_at",
        "overview_link",
    ]
    readonly_fields = ["created_by", "created_at", "overview_link"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "household"] if obj else self.readonly_fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "staff_attendees":
            kwargs.setdefault("queryset", mentors_for(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Household page"))
    def overview_link(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:sponsorship_household_overview", args=[obj.household_id])
        return format_html('<a href="{}">{}</a>', url, _("Household page and timeline"))

    def save_model(self, request, obj, form, change):
        services.household_meeting_save(
            meeting=obj, by=request.user, staff_attendees=form.cleaned_data.get("staff_attendees")
        )

    def save_related(self, request, form, formsets, change):
        # The staff attending are set by the service (`save_model`), which checks them.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
