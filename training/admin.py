from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin, TranslationStackedInline

from portal.search import SearchIndexedAdmin
from training.models import (
    Certificate,
    Enrolment,
    EventRegistration,
    Module,
    Programme,
    RecruitmentEvent,
    Session,
)


class ModuleInline(TranslationStackedInline):
    model = Module
    extra = 0
    autocomplete_fields = ["materials"]


@admin.register(Programme)
class ProgrammeAdmin(SearchIndexedAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "audience", "required_for_matching", "is_published"]
    list_filter = ["audience", "required_for_matching", "is_published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ModuleInline]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    fields = ["user", "status", "attended", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # people enrol themselves, through the enrolment service


@admin.register(Session)
class SessionAdmin(SearchIndexedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "language", "capacity", "registration_deadline", "trainer"]
    list_filter = ["programme", "language"]
    autocomplete_fields = ["trainer", "language"]
    filter_horizontal = ["modules"]
    inlines = [EnrolmentInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "holder_name", "programme", "issued_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "holder_name"]
    readonly_fields = ["user", "holder_name", "programme", "code", "issued_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # issued by the service when every module is completed


class RegistrationInline(admin.TabularInline):
    model = EventRegistration
    fields = ["name", "email", "municipality", "language", "created_at", "reminder_sent_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RecruitmentEvent)
class RecruitmentEventAdmin(SearchIndexedAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "kind", "starts_at", "municipality", "registrations_count"]
    list_filter = ["kind", "municipality"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["municipality"]
    inlines = [RegistrationInline]

    @admin.display(description=_("registrations"))
    def registrations_count(self, obj):
        return obj.registrations.count()
