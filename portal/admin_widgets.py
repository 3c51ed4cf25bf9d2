"""Widgets of the caseworkers' admin that people can use: long lists are searchable, every input has an
accessible name.

- Foreign keys and many-to-many fields to long lists (languages, municipalities, households, …) are the
  admin's `autocomplete_fields` (select2, shipped with Django): they search through the related admin,
  which scopes them and checks the reader's permission.
- Choice lists (a country, a household's nationalities, stored as country codes) use the same select2,
  searching the choices in the page: `SearchableSelect`, `SearchableSelectMultiple`.
- `js/admin_widgets.js` starts the searchable lists and gives every select2 box the name of the field it
  stands for (select2 names its box by the selected value only, and its search input not at all).
- A date and time is split in two inputs, each named ("Date", "Time"): `LabelledSplitDateTime`.
- A tabular inline shows its labels as column headers only: `AccessibleWidgetsAdminMixin` names each
  input after its column.

No inline script or style: the page's Content-Security-Policy allows neither.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.widgets import get_select2_language
from django.db import models
from django_countries.fields import CountryField

ADMIN_WIDGETS_JS = "js/admin_widgets.js"


def _select2_media(*, autocomplete: bool) -> forms.Media:
    """select2 as Django's autocomplete widgets load it (jQuery, select2 and its translation), then the
    portal's script, which must run after Django's autocomplete set-up."""
    extra = "" if settings.DEBUG else ".min"
    language = get_select2_language()
    return forms.Media(
        js=(
            f"admin/js/vendor/jquery/jquery{extra}.js",
            f"admin/js/vendor/select2/select2.full{extra}.js",
            *((f"admin/js/vendor/select2/i18n/{language}.js",) if language else ()),
            "admin/js/jquery.init.js",
            *(("admin/js/autocomplete.js",) if autocomplete else ()),
            ADMIN_WIDGETS_JS,
        ),
        css={"screen": (f"admin/css/vendor/select2/select2{extra}.css", "admin/css/autocomplete.css")},
    )


class NamedAutocompleteMixin:
    """Django's autocomplete widget, whose select2 box `js/admin_widgets.js` names after its field. A
    list of several has no "clear all" cross (select2 puts it inside the list of chosen items, where
    it breaks the list; each item keeps its own cross)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)  # type: ignore[misc]
        if self.allow_multiple_selected:  # type: ignore[attr-defined]
            attrs["data-allow-clear"] = "false"
        return attrs

    @property
    def media(self):
        return _select2_media(autocomplete=True)


class _SearchableMixin:
    """A choice list that select2 makes searchable in the page (no request: the choices are all there)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)  # type: ignore[misc]
        classes = attrs.get("class", "")
        # A single choice that may stay empty can be cleared; a list of several has no "clear all" cross.
        clearable = not (self.is_required or self.allow_multiple_selected)  # type: ignore[attr-defined]
        attrs.update(
            {
                "class": f"{classes} admin-searchable".strip(),
                "data-theme": "admin-autocomplete",
                "data-allow-clear": "true" if clearable else "false",
                "data-placeholder": "",
            }
        )
        language = get_select2_language()
        if language:  # select2's messages ("No results found") in the page's language
            attrs["lang"] = language
        return attrs

    @property
    def media(self):
        return _select2_media(autocomplete=False)


class SearchableSelect(_SearchableMixin, forms.Select):
    pass


class SearchableSelectMultiple(_SearchableMixin, forms.SelectMultiple):
    pass


class LabelledSplitDateTime(admin_widgets.AdminSplitDateTime):
    """The admin's date picker and time picker, each input named by the text in front of it ("Date:",
    "Time:"), which Django's widget prints without a <label>."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = [str(context["date_label"]).rstrip(": "), str(context["time_label"]).rstrip(": ")]
        name_of_field = self.attrs.get("aria-label")
        for subwidget, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            subwidget["attrs"]["aria-label"] = f"{name_of_field} – {label}" if name_of_field else label
        return context


def _labelled_formset(formset_class):
    """`formset_class` whose forms name each visible input after its field (in a tabular inline, the
    field's label is only its column's header; the deletion box's is "Delete")."""

    class LabelledFormSet(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            for field in form.fields.values():
                widget = getattr(field.widget, "widget", field.widget)  # inside the related-object links
                if not widget.is_hidden and field.label:
                    widget.attrs.setdefault("aria-label", str(field.label))

    LabelledFormSet.__name__ = formset_class.__name__
    return LabelledFormSet


class AccessibleWidgetsAdminMixin:
    """Every admin of the portal and each of its inlines (see `portal.admin_tools.with_valid_keys`): a
    country or a list of countries is searchable, a date and time has a named date input and time input."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, CountryField) and "widget" not in kwargs:
            kwargs["widget"] = SearchableSelectMultiple if db_field.multiple else SearchableSelect
        if isinstance(db_field, models.DateTimeField) and "widget" not in kwargs:
            kwargs["widget"] = LabelledSplitDateTime
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class AccessibleWidgetsInlineMixin(AccessibleWidgetsAdminMixin):
    """And a tabular inline names each input after its column."""

    def get_formset(self, request, obj=None, **kwargs):
        if isinstance(self, admin.TabularInline):
            kwargs.setdefault("formset", _labelled_formset(self.formset))  # type: ignore[attr-defined]
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
