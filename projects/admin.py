from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedDjangoJqueryTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from portal.search import SearchIndexedAdmin
from projects import models


class PublicPageMixin:
    """A column linking each object to its public page (the change form has "View on site" too)."""

    @admin.display(description=_("Public page"))
    def public_page(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("View"))


class TermAdmin(SearchIndexedAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


admin.site.register(models.Theme, TermAdmin)
admin.site.register(models.TargetGroup, TermAdmin)


@admin.register(models.FundingProgramme)
class FundingProgrammeAdmin(TermAdmin):
    list_display = ["name", "acronym", "slug"]


@admin.register(models.SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["number", "name"]
    search_fields = ["name"]


@admin.register(models.Language)
class LanguageAdmin(SearchIndexedAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.Organisation)
class OrganisationAdmin(SearchIndexedAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(models.Municipality)
class MunicipalityAdmin(SearchIndexedAdmin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "kind", "country", "public_page"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class ProjectItemInline(TranslationStackedInline):
    model = models.ProjectItem
    extra = 0
    fields = ["kind", "position", "text"]


class ProjectPartnerInline(admin.TabularInline):
    model = models.ProjectPartner
    extra = 0
    autocomplete_fields = ["organisation"]


class ContactPersonInline(TranslationStackedInline):
    model = models.ContactPerson
    extra = 0
    autocomplete_fields = ["organisation"]


class ProjectLinkInline(TranslationTabularInline):
    model = models.ProjectLink
    extra = 0
    autocomplete_fields = ["language"]


@admin.register(models.Project)
class ProjectAdmin(SearchIndexedAdmin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["__str__", "start", "end", "funding_programme", "level", "public_page"]
    list_filter = ["level", "funding_programme", "themes", "target_groups", "municipalities"]
    search_fields = ["acronym", "title", "summary", "grant_reference", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    autocomplete_fields = ["municipalities", "themes", "target_groups", "sdgs"]
    inlines = [ProjectItemInline, ProjectPartnerInline, ContactPersonInline, ProjectLinkInline]
    fieldsets = [
        (None, {"fields": ["acronym", "title", "slug", "summary"]}),
        (_("Period"), {"fields": ["start", "end", "period_note", "published_on", "info_updated_on"]}),
        (_("Funding"), {"fields": ["funding_programme", "grant_reference"]}),
        (
            _("Classification"),
            {"fields": ["level", "countries", "municipalities", "themes", "target_groups", "sdgs"]},
        ),
        (_("Approach"), {"fields": ["approach_heading"]}),
    ]


@admin.register(models.GoodPractice)
class GoodPracticeAdmin(SearchIndexedAdmin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "organisation", "country", "level", "public_page"]
    list_filter = ["level", "country", "themes", "target_groups", "sdgs"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["organisation", "themes", "target_groups", "sdgs", "municipalities", "project"]


class EventInline(admin.TabularInline):
    model = models.Event
    fields = ["title", "starts_on", "participants"]
    extra = 0
    show_change_link = True


@admin.register(models.NewsItem)
class NewsItemAdmin(SearchIndexedAdmin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "published_on", "project", "public_page"]
    list_filter = ["project", "municipalities"]
    search_fields = ["title", "body", "slug"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["project", "municipalities"]


@admin.register(models.NewsRating)
class NewsRatingAdmin(admin.ModelAdmin):
    list_display = ["news_item", "user", "value", "updated_at"]
    list_filter = ["value"]
    search_fields = ["news_item__title", "user__email"]
    autocomplete_fields = ["news_item", "user"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(models.Event)
class EventAdmin(SearchIndexedAdmin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "starts_on", "participants", "project", "public_page"]
    list_filter = ["project", "municipalities"]
    search_fields = ["title", "body", "slug"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["project", "municipalities", "news_item"]


@admin.register(models.Resource)
class ResourceAdmin(SearchIndexedAdmin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "kind", "project", "for_sponsors", "for_municipalities", "for_staff"]
    list_filter = ["kind", "languages", "themes", "project", "for_sponsors", "for_municipalities", "for_staff"]
    search_fields = ["title", "description", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["languages", "project", "themes"]
