"""Shared pieces for the caseworkers' admin: organisation scoping and small service-backed form views."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _


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


class OrganisationScopedAdmin(ServiceErrorsAdminMixin, admin.ModelAdmin):
    """Caseworkers see only their organisation's records, in every list, search, filter,
    autocomplete, export and detail URL (all go through `get_queryset`); admins see everything."""

    organisation_path = "household__organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        if not user.organisation_id:
            return queryset.none()
        return queryset.filter(**{f"{self.organisation_path}_id": user.organisation_id})

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def _in_scope(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()


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
