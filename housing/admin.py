from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from housing import services
from housing.access import can_inspect_offer, inspections_for, offers_for
from housing.forms import InspectionForm
from housing.models import HousingOffer, Inspection, InspectionFailure, InspectionFile, OfferTransition
from housing.selectors import offer_page_sections
from portal.admin_tools import ScopedAdmin, admin_form_view
from portal.queues import QueueListFilter
from portal.workflow import Role


class AvailabilityFilter(admin.SimpleListFilter):
    title = _("availability")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return [("now", _("Available today")), ("later", _("From a later date")), ("ended", _("End date passed"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.filter(available_from__lte=today).exclude(available_until__lt=today)
        if self.value() == "later":
            return queryset.filter(available_from__gt=today)
        if self.value() == "ended":
            return queryset.filter(available_until__lt=today)
        return queryset


class CapacityFilter(admin.SimpleListFilter):
    title = _("capacity")
    parameter_name = "capacity"

    def lookups(self, request, model_admin):
        return [("1-2", "1–2"), ("3-4", "3–4"), ("5-", "5+")]

    def queryset(self, request, queryset):
        ranges = {"1-2": (1, 2), "3-4": (3, 4), "5-": (5, None)}
        if self.value() not in ranges:
            return queryset
        low, high = ranges[self.value()]
        queryset = queryset.filter(capacity__gte=low)
        return queryset.filter(capacity__lte=high) if high else queryset


class TransitionInline(admin.TabularInline):
    model = OfferTransition
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HousingOffer)
class HousingOfferAdmin(ScopedAdmin):
    records_for = staticmethod(offers_for)
    list_display = ["__str__", "status", "municipality", "capacity", "available_from", "available_until", "sponsor"]
    list_filter = [QueueListFilter, "status", "municipality", CapacityFilter, AvailabilityFilter, "kind", "cost"]
    search_fields = ["street_address", "sponsor__organisation_name", "sponsor__user__email"]
    list_select_related = ["municipality", "sponsor__user"]
    autocomplete_fields = ["sponsor", "municipality", "host_languages"]
    readonly_fields = [
        "status",
        "inspect_link",
        "confirmed_at",
        "reconfirmation_requested_at",
        "created_at",
        "updated_at",
    ]
    inlines = [TransitionInline]
    # The readable part of the page: photos, inspection history, sponsor and checks (`change_view`).
    change_form_template = "admin/housing/housingoffer/change_form.html"
    actions = ["withdraw_selected"]
    fieldsets = [
        (None, {"fields": ["sponsor", "status", "inspect_link"]}),
        (_("Place"), {"fields": ["kind", "municipality", "street_address", "capacity", "bedrooms", "floor"]}),
        (
            _("Suitability"),
            {
                "fields": [
                    "step_free",
                    "lift",
                    "children_welcome",
                    "pets_allowed",
                    "smoking_allowed",
                    "near_school",
                    "near_work",
                    "near_medical_care",
                    "host_languages",
                ]
            },
        ),
        (_("Cost"), {"fields": ["cost", "monthly_rent", "utilities_included", "monthly_utilities"]}),
        (
            _("Availability"),
            {
                "fields": [
                    "available_from",
                    "available_until",
                    "minimum_stay_months",
                    "confirmed_at",
                    "reconfirmation_requested_at",
                ]
            },
        ),
        (_("Description"), {"fields": ["description", "description_language"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The sponsor never changes; the offer's content is the sponsor's until it is submitted, and
        # fixed once inspected (what was inspected is what is proposed).
        fields = [*self.readonly_fields]
        if obj is not None:
            fields.append("sponsor")
            if obj.status not in (HousingOffer.Status.DRAFT, HousingOffer.Status.SUBMITTED):
                fields += [*services.EDITABLE_FIELDS, "host_languages", "description_language"]
        return fields

    @admin.display(description=_("Inspection"))
    def inspect_link(self, obj):
        if obj.pk is None or not services.OFFER_WORKFLOW.allowed(
            obj.status, HousingOffer.Status.INSPECTED, Role.CASEWORKER
        ):
            return "–"
        url = reverse("admin:housing_housingoffer_inspect", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record an inspection"))

    @admin.action(description=_("Withdraw the selected offers"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        for offer in queryset:
            try:
                services.offer_withdraw(offer=offer, by=request.user, note=_("Withdrawn by a caseworker."))
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{offer}: {text}", messages.WARNING)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        offer = self.get_object(request, object_id)
        if offer is not None:
            extra_context = {**(extra_context or {}), **offer_page_sections(user=request.user, offer=offer)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/inspect/", self.admin_site.admin_view(self.inspect_view), name="housing_housingoffer_inspect"
            ),
            *super().get_urls(),
        ]

    def inspect_view(self, request, pk: int):
        offer = get_object_or_404(self.get_queryset(request).select_related("municipality", "sponsor"), pk=pk)
        if not can_inspect_offer(request.user, offer):
            raise PermissionDenied
        return admin_form_view(
            self,
            request,
            obj=offer,
            form=InspectionForm(
                request.POST or None, request.FILES or None, initial={"visited_on": timezone.localdate()}
            ),
            title=_("Inspection of %(offer)s") % {"offer": offer},
            template="admin/housing/inspect.html",
            on_valid=lambda data: services.offer_inspect(
                offer=offer,
                inspector=request.user,
                visited_on=data["visited_on"],
                checklist={name: data[name] for name in Inspection.CHECKLIST},
                result=data["result"],
                notes=data["notes"],
                reasons=data["reasons"],
                other_reason=data["other_reason"],
                reinspect_on=data["reinspect_on"],
                files=data["files"],
            ),
            success=_("The inspection is recorded."),
        )


def evidence_link(evidence: InspectionFile):
    """A piece of evidence as a link through the checking file view (a thumbnail for a photo)."""
    if evidence.thumbnail:
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" height="80"></a>',
            evidence.file.url,
            evidence.thumbnail.url,
            _("Photo of the inspection"),
        )
    return format_html('<a href="{}">{}</a>', evidence.file.url, evidence.get_kind_display())


class FailureReasonFilter(admin.SimpleListFilter):
    title = _("failure reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return InspectionFailure.Reason.choices

    def queryset(self, request, queryset):
        if self.value() in InspectionFailure.Reason.values:
            return queryset.filter(failures__reason=self.value())
        return queryset


class InspectionFileInline(admin.TabularInline):
    model = InspectionFile
    fields = ["preview", "kind", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("File"))
    def preview(self, obj):
        return evidence_link(obj)


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    records_for = staticmethod(inspections_for)
    list_display = ["offer", "visited_on", "inspector", "result", "reinspect_on"]
    list_filter = ["result", FailureReasonFilter]
    list_select_related = ["offer__municipality", "inspector"]
    # Newest visits first (the model's order, by offer, would sort every inspection by its offer's date).
    ordering = ["-visited_on", "-pk"]
    inlines = [InspectionFileInline]
    readonly_fields = [
        "offer",
        "visited_on",
        "inspector",
        "result",
        *Inspection.CHECKLIST,
        "failure_reasons",
        "reinspect_on",
        "notes",
        "created_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("failures")

    @admin.display(description=_("Reasons why it did not pass"))
    def failure_reasons(self, obj):
        return ", ".join(obj.reason_labels()) or "–"

    def has_add_permission(self, request):
        return False  # recorded from the offer, through the inspection service

    def has_change_permission(self, request, obj=None):
        return False
