"""Shared pieces for the caseworkers' admin: scoping by the apps' access rules and small service-backed form views."""

import csv
import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.options import IncorrectLookupParameters, InlineModelAdmin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from portal.admin_widgets import AccessibleWidgetsAdminMixin, AccessibleWidgetsInlineMixin, NamedAutocompleteMixin
from portal.queues import admin_queue_counts


def valid_keys(model_field, values) -> list[str]:
    """The values that are valid keys of `model_field` (a primary key or a relation's target field):
    junk typed into an autocomplete, a raw id or an action checkbox is left out, never queried."""
    keys = []
    for value in values:
        text = str(value)
        if "\x00" in text:
            continue
        try:
            model_field.to_python(text)
        except (ValidationError, ValueError, TypeError):
            continue
        keys.append(text)
    return keys


class _ValidKeysAutocompleteMixin:
    def optgroups(self, name, value, attr=None):
        # Django filters `pk__in` with the submitted values when it redisplays the form: with a value
        # that is not a key ("abc" for a number) that query would fail with a server error.
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, valid_keys(target, value), attr)


class ValidKeysAutocompleteSelect(
    NamedAutocompleteMixin, _ValidKeysAutocompleteMixin, admin_widgets.AutocompleteSelect
):
    pass


class ValidKeysAutocompleteSelectMultiple(
    NamedAutocompleteMixin, _ValidKeysAutocompleteMixin, admin_widgets.AutocompleteSelectMultiple
):
    pass


class ValidKeysForeignKeyRawIdWidget(admin_widgets.ForeignKeyRawIdWidget):
    def label_and_url_for_value(self, value):
        if not valid_keys(self.rel.get_related_field(), [value]):
            return "", ""
        return super().label_and_url_for_value(value)


class StorableJSONFormField(forms.JSONField):
    """A JSON field whose junk is a form error: Python refuses to read a number of more than 4,300
    digits with a ValueError (not a JSON error, which Django's field expects), and PostgreSQL refuses
    a NUL character (`\\u0000`) in JSON."""

    def to_python(self, value):
        try:
            converted = super().to_python(value)
        except ValueError as error:
            if isinstance(error, ValidationError):
                raise
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if "\\u0000" in json.dumps(converted, cls=self.encoder):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return converted

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return forms.fields.InvalidJSONInput(data)


class ValidKeysAdminMixin:
    """Every admin of the portal (and each inline) uses it: autocomplete and raw id widgets ignore
    values that are not valid keys when they redisplay a form, the selected rows of an action that
    are not keys are left out, and JSON fields refuse what cannot be read or stored; bad input gives
    the form's error, never a server error."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("form_class", StorableJSONFormField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs:
            using = kwargs.get("using")
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = ValidKeysAutocompleteSelect(db_field, self.admin_site, using=using)
            elif db_field.name in self.raw_id_fields:
                kwargs["widget"] = ValidKeysForeignKeyRawIdWidget(db_field.remote_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidKeysAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        # A list filter given a value that is not of its type ("abc" for an id) raises ValueError when
        # it filters; Django answers bad lookups with its usual "?e=1" message, and so do we.
        try:
            return super().get_changelist_instance(request)
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, valid_keys(self.model._meta.pk, selected))
        return super().response_action(request, queryset)


class ValidKeysInlineMixin(ValidKeysAdminMixin):
    """For inlines, also a bound on the number of forms: a forged management form asking for a
    million rows gets the formset's "at most" error instead of a page that takes minutes."""

    max_forms = 100

    def get_formset(self, request, obj=None, **kwargs):
        max_num = kwargs.get("max_num", self.get_max_num(request, obj, **kwargs))
        if max_num is None:
            kwargs["max_num"] = max_num = self.max_forms
        kwargs.setdefault("absolute_max", max(max_num, self.max_forms))
        return super().get_formset(request, obj, **kwargs)


# --- Lists of national size ----------------------------------------------------------------------------


class LargeTablePaginator(Paginator):
    """A changelist's paginator that never counts a huge table on every page load.

    - The whole table (no filter, no search, no scope: an admin's or an offer list's first page) on
      PostgreSQL: the planner's estimate (`pg_class.reltuples`, kept by ANALYZE and autovacuum), once
      the table holds more than `estimate_above` rows; small tables are counted exactly.
    - Anything filtered (a caseworker's organisation, a filter, a search): counted exactly up to
      `count_limit` rows (`SELECT COUNT(*) FROM (… LIMIT n)`), so a count stops early however many rows
      match; beyond it the list says "more than" and pages as far as the limit.

    `count_is_exact` tells the changelist's template which it was ("about", "more than").
    """

    estimate_above = 10_000
    count_limit = 10_000

    count_is_exact = True
    count_is_capped = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        estimate = self._estimate(queryset)
        if estimate is not None and estimate > self.estimate_above:
            self.count_is_exact = False
            return estimate
        # Without its order: the count may then stop at the limit instead of sorting every match.
        counted = queryset.order_by()[: self.count_limit + 1].count()
        if counted > self.count_limit:
            self.count_is_exact = False
            self.count_is_capped = True
            return self.count_limit
        return counted

    @staticmethod
    def _estimate(queryset: QuerySet) -> int | None:
        """The planner's row count of the queryset's table, when the queryset is the whole table."""
        connection = connections[queryset.db]
        query = queryset.query
        if connection.vendor != "postgresql" or query.where or query.distinct or query.combinator:
            return None
        if query.low_mark or query.high_mark is not None or query.annotation_select:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # -1: never analysed (PostgreSQL 14+), 0: maybe never analysed either; count those.
        return int(row[0]) if row and row[0] and row[0] > 0 else None


def _search_lookup_name(field: str) -> str:
    """The lookup of a search field, as in Django's admin: `^` starts with, `=` equals, else contains."""
    return {"^": "istartswith", "=": "iexact"}.get(field[:1], "icontains")


def _search_ids(model, field: str) -> Callable[[str], QuerySet] | None:
    """The rows of `model` matching one search field for one word, as a queryset of their keys: the
    condition Django's admin builds (`^` starts with, `=` equals, otherwise contains, case-insensitive),
    except that each hop along a foreign key is a subquery on the related table
    (`sponsor__in=SponsorProfile.objects.filter(…)`) instead of a join, so each table's own (trigram or
    key) index finds its few matching rows. None when the field is not a plain path of forward relations
    (an explicit lookup, `@` full-text, a reverse or many-to-many relation): Django's search then."""
    lookup = _search_lookup_name(field)
    path = field.lstrip("^=").split("__")
    if field.startswith("@"):
        return None
    hops = []
    opts = model._meta
    for index, name in enumerate(path):
        try:
            db_field = opts.get_field(opts.pk.name if name == "pk" else name)
        except FieldDoesNotExist:
            return None
        last = index == len(path) - 1
        if db_field.is_relation:
            if last or not (db_field.many_to_one or db_field.one_to_one) or db_field.auto_created:
                return None
            hops.append((db_field.name, db_field.related_model, db_field.target_field.attname))
            opts = db_field.related_model._meta
        elif not last:
            return None
    leaf = f"{path[-1]}__{lookup}"

    def ids(word: str) -> QuerySet:
        q = models.Q(**{leaf: word})
        for name, related_model, target in reversed(hops):
            q = models.Q(**{f"{name}__in": related_model._base_manager.filter(q).order_by().values(target)})
        return model._base_manager.filter(q).order_by().values("pk")

    return ids


class LargeTableAdminMixin:
    """Every admin of the portal (see `PortalAdminSite`): lists are paged by `LargeTablePaginator`,
    the changelist does not count the unfiltered table a second time for "(N total)", and a search
    answers from indexes, with the same results as Django's search (each word must match one of the
    fields).

    Django's search, `field1 LIKE … OR related.field2 LIKE …` over joined tables, can use no index:
    PostgreSQL reads every row of the list's table for each search. Here each word of at least
    `search_indexed_length` characters is looked up field by field (`_search_ids`: the field's trigram
    index, or the related table's and then the foreign key's index), and the list keeps the rows whose
    key is in the union of those sets. A shorter word ("g.", "12") has no trigram to look up and would
    match much of the table: it is checked, as Django does, only on the rows the other words found."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    search_indexed_length = 3

    def get_search_results(self, request, queryset, search_term):
        fields = [str(field) for field in self.get_search_fields(request)]
        searches = [_search_ids(queryset.model, field) for field in fields]
        if not search_term or not fields or None in searches:
            return super().get_search_results(request, queryset, search_term)
        lookups = [f"{field.lstrip('^=')}__{_search_lookup_name(field)}" for field in fields]
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if len(bit) < self.search_indexed_length:
                queryset = queryset.filter(
                    models.Q.create([(lookup, bit) for lookup in lookups], connector=models.Q.OR)
                )
                continue
            queryset = queryset.filter(self._search_word(queryset.model, fields, bit))
        return queryset, False

    @staticmethod
    def _search_word(model, fields: list[str], word: str) -> models.Q:
        """The condition of one (indexed) word: the row's key is in the union of the fields' matching keys;
        or, when every field goes through the same foreign key (a check's person, its name or its
        sponsor's), that key is in the union of the related rows' matching keys, so that the words meet
        on the small related table before the large one is read."""
        hops = {field.lstrip("^=").split("__")[0] for field in fields}
        if len(hops) == 1 and all("__" in field for field in fields):
            db_field = model._meta.get_field(hops.pop())
            related = db_field.related_model
            if db_field.target_field == related._meta.pk:
                rest = [field[: len(field) - len(field.lstrip("^="))] + field.split("__", 1)[1] for field in fields]
                matching = related._base_manager.filter(LargeTableAdminMixin._search_word(related, rest, word))
                return models.Q(**{f"{db_field.name}__in": matching.order_by().values("pk")})
        first, *others = [_search_ids(model, field)(word) for field in fields]
        return models.Q(pk__in=first.union(*others, all=True) if others else first)


def with_valid_keys(admin_class):
    """`admin_class` (and its inlines) with `ValidKeysAdminMixin` and the accessible widgets
    (`portal.admin_widgets`) in front, unless it has them already; a model admin gets
    `LargeTableAdminMixin` too."""
    if issubclass(admin_class, ValidKeysAdminMixin):
        return admin_class
    attrs = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
    if getattr(admin_class, "inlines", None):
        attrs["inlines"] = [with_valid_keys(inline) for inline in admin_class.inlines]
    if issubclass(admin_class, InlineModelAdmin):
        return type(admin_class.__name__, (ValidKeysInlineMixin, AccessibleWidgetsInlineMixin, admin_class), attrs)
    return type(
        admin_class.__name__,
        (ValidKeysAdminMixin, AccessibleWidgetsAdminMixin, LargeTableAdminMixin, admin_class),
        attrs,
    )


class PortalAdminSite(admin.AdminSite):
    """The portal's admin site (`admin.site`, see `portal.apps.PortalAdminConfig`): every admin
    registered on it, the portal's and those of the libraries alike, gets `ValidKeysAdminMixin` and
    `LargeTableAdminMixin`, as Django itself subclasses an admin class given options at registration.
    Its titles say what the portal is, in the reader's language (never "Django site admin")."""

    site_title = _("RISE portal administration")
    site_header = _("RISE: community sponsorship portal")
    index_title = _("Caseworkers' workplace")

    index_template = "admin/portal/index.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, with_valid_keys(admin_class or admin.ModelAdmin), **options)

    def index(self, request, extra_context=None):
        """The caseworker's start page: their queues with counts (`portal.queues`), then the app list."""
        extra = {"queues": admin_queue_counts(request, site=self)}
        return super().index(request, {**(extra_context or {}), **extra})


class ServiceErrorsAdminMixin:
    """Admin saves go through services, which refuse bad requests with a translated ValidationError.
    The admin's transaction is rolled back (nothing half-saved) and the form comes back with the
    message, instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ScopedAdmin(admin.ModelAdmin):
    """An admin showing each reader the rows of its model's scoped-queryset helper, `records_for(user)`
    (`households_for`, `proposals_for`, …, in the apps' `access` modules): every list, search, filter,
    autocomplete, export and detail URL goes through `get_queryset`; a drop-down of another scoped
    model lists only the rows its own helper gives the reader (an autocomplete searches through that
    model's admin, and the service refuses a value typed in that is not the reader's)."""

    records_for: Callable[[Any], QuerySet]

    def get_queryset(self, request):
        return super().get_queryset(request) & self.records_for(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def _in_scope(self, request, obj) -> bool:
        if obj is None:
            return True
        known = self._reading_cache(request, "in_scope")
        if known is not None and obj.pk in known:
            return known[obj.pk]
        in_scope = self.get_queryset(request).filter(pk=obj.pk).exists()
        if known is not None:
            known[obj.pk] = in_scope
        return in_scope

    def get_object(self, request, object_id, from_field=None):
        # A change page asks for its object more than once (the page, its permission checks, its
        # inlines): when only reading, the first answer serves them all, and an object found through
        # the scoped queryset is in scope without asking again.
        objects = self._reading_cache(request, "objects")
        key = (object_id, from_field)
        if objects is not None and key in objects:
            return objects[key]
        obj = super().get_object(request, object_id, from_field)
        if objects is not None:
            objects[key] = obj
            if obj is not None:
                self._reading_cache(request, "in_scope")[obj.pk] = True
        return obj

    def _reading_cache(self, request, name: str) -> dict | None:
        """A dictionary kept on a reading (GET, HEAD) request for this admin's model, None otherwise: a
        write may move a record out of the reader's scope within the request."""
        if request.method not in ("GET", "HEAD"):
            return None
        caches = request.__dict__.setdefault("_scoped_admin_cache", {})
        return caches.setdefault((self.model._meta.label, name), {})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = self.admin_site._registry.get(db_field.remote_field.model)
        listed = db_field.name not in (*self.get_autocomplete_fields(request), *self.raw_id_fields)
        if listed and "queryset" not in kwargs and isinstance(related, ScopedAdmin):
            kwargs["queryset"] = related.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def admin_form_view(model_admin, request, *, obj, form, title: str, template: str, on_valid, success: str):
    """Render `form` for `obj` in the admin's look; on a valid POST call `on_valid(data)` (a service)
    and go back to the object, showing the service's error on the form otherwise."""
    if request.method == "POST" and form.is_valid():
        try:
            on_valid(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except PermissionDenied:
            raise
        else:
            model_admin.message_user(request, success, messages.SUCCESS)
            opts = obj._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "form": form,
        "title": title,
    }
    return render(request, template, context)


def export_csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


EXPORT_LABEL = _("Export the selected rows (CSV)")
