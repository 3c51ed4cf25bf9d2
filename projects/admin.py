from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedDjangoJqueryTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from portal.search import SearchIndexedAdmin
from portal.uploads import UploadError
from projects import models
from projects.images import content_image_read, content_image_set


class PublicPageMixin:
    """A column linking each object to its public page (the change form has "View on site" too)."""

    @admin.display(description=_("Public page"))
    def public_page(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("View"))


class ContentImageForm(forms.ModelForm):
    """The picture of a project, practice or news item: a new upload (checked and turned into renditions
    here, so that a bad file is a form error) or removing the current one, and its alt text."""

    image_upload = forms.FileField(
        label=_("Upload a picture"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Stored as smaller copies without the photo's metadata."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    image_remove = forms.BooleanField(label=_("Remove the picture"), required=False)

    def clean_image_upload(self):
        upload = self.cleaned_data.get("image_upload")
        self.renditions = None
        if upload:
            try:
                self.renditions = content_image_read(upload)
            except UploadError as exc:
                raise ValidationError(exc.messages) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        has_image = bool(getattr(self, "renditions", None)) or (
            bool(self.instance.image) and not cleaned.get("image_remove")
        )
        if has_image and not cleaned.get("image_decorative"):
            for code, _name in settings.LANGUAGES:
                field = f"image_alt_{code}"
                if field in self.fields and not (cleaned.get(field) or "").strip():
                    self.add_error(field, _("Describe the picture, or mark it as decorative."))
        return cleaned

    def _post_clean(self):
        # The model's own alt-text rule looks at the stored picture; this form decides with the new one.
        image, self.instance.image = self.instance.image, ""
        try:
            super()._post_clean()
        finally:
            self.instance.image = image


class ContentImageAdminMixin:
    """Adds the picture section to a translated admin and applies the upload through the service."""

    form = ContentImageForm

    def get_fieldsets(self, request, obj=None):
        image_fields = [
            "image_preview",
            "image_upload",
            "image_remove",
            *(f"image_alt_{code}" for code, _name in settings.LANGUAGES),
            "image_decorative",
        ]
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [
                field for field in options.get("fields", []) if field not in image_fields and field != "image_alt"
            ]
            fieldsets.append((name, {**options, "fields": fields}))
        return [*fieldsets, (_("Picture"), {"fields": image_fields})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "image_preview"]

    @admin.display(description=_("Current picture"))
    def image_preview(self, obj):
        if not obj or not obj.image:
            return _("No picture.")
        sizes = format_html_join(", ", "{}×{}", ((row["width"], row["height"]) for row in obj.image_renditions))
        return format_html(
            '<img src="{}" alt="" width="240" class="admin-image-preview"><br>{}: {}',
            obj.image_src,
            _("Sizes"),
            sizes,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        renditions = getattr(form, "renditions", None)
        if renditions:
            content_image_set(instance=obj, renditions=renditions)
        elif form.cleaned_data.get("image_remove") and obj.image:
            content_image_set(instance=obj, renditions=None)


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
class ProjectAdmin(SearchIndexedAdmin, ContentImageAdminMixin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
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
class GoodPracticeAdmin(
    SearchIndexedAdmin, ContentImageAdminMixin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin
):
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
class NewsItemAdmin(SearchIndexedAdmin, ContentImageAdminMixin, PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
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


@admin.register(models.InfoPage)
class InfoPageAdmin(PublicPageMixin, TabbedDjangoJqueryTranslationAdmin):
    """The privacy notice, contact page and accessibility statement (seeded by `seed_content`; one each)."""

    list_display = ["__str__", "kind", "missing", "updated_at", "public_page"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "intro", "body"]}),
        (
            _("Organisation and contacts"),
            {
                "fields": ["controller", "dpo_contact", "contact_email", "contact_phone", "postal_address"],
                "description": _(
                    "Only what the organisation running the scheme has published. An empty field is shown to "
                    "staff as “to be completed” and left out for visitors."
                ),
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    @admin.display(description=_("To be completed"))
    def missing(self, obj):
        return ", ".join(obj.missing_fields) or "—"

    def has_delete_permission(self, request, obj=None):
        # The footer and every form link to these pages: they are edited, never deleted.
        return False
