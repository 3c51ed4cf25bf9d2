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
from housing.models import HousingOffer, Inspection, OfferPhoto, OfferTransition
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


class PhotoInline(admin.TabularInline):
    model = OfferPhoto
    fields = ["preview", "width", "height", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Photo"))
    def preview(self, obj):
        return format_html(
            '<a href="{}"><img src="{}" alt="" style="max-height:80px"></a>', obj.image.url, obj.thumbnail.url
        )


class TransitionInline(admin.TabularInline):
    model = OfferTransition
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InspectionInline(admin.TabularInline):
    model = Inspection
    fields = ["visited_on", "inspector", "result", *Inspection.CHECKLIST, "notes"]
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
    inlines = [PhotoInline, InspectionInline, TransitionInline]
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
            form=InspectionForm(request.POST or None, initial={"visited_on": timezone.localdate()}),
            title=_("Inspection of %(offer)s") % {"offer": offer},
            template="admin/housing/inspect.html",
            on_valid=lambda data: services.offer_inspect(
                offer=offer,
                inspector=request.user,
                visited_on=data["visited_on"],
                checklist={name: data[name] for name in Inspection.CHECKLIST},
                result=data["result"],
                notes=data["notes"],
            ),
            success=_("The inspection is recorded."),
        )


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    records_for = staticmethod(inspections_for)
    list_display = ["offer", "visited_on", "inspector", "result"]
    list_filter = ["result"]
    list_select_related = ["offer__municipality", "inspector"]
    # Newest visits first (the model's order, by offer, would sort every inspection by its offer's date).
    ordering = ["-visited_on", "-pk"]
    readonly_fields = ["offer", "visited_on", "inspector", "result", *Inspection.CHECKLIST, "notes", "created_at"]

    def has_add_permission(self, request):
        return False  # recorded from the offer, through the inspection service

    def has_change_permission(self, request, obj=None):
        return False
