from auditlog import admin as auditlog_admin
from auditlog import filters as auditlog_filters
from auditlog import mixins as auditlog_mixins
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.access import is_admin
from portal.models import OutboundEmail, QueuedTask, User
from portal.services import email_address_mask, email_requeue


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "groups", "organisation"]
    autocomplete_fields = ["organisation"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language", "organisation"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "language", "password1", "password2"]})]


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """Read-only view of tasks waiting for the broker; arguments are hidden (they may hold personal data)."""

    list_display = ["task_name", "attempts", "created_at", "updated_at"]
    list_filter = ["task_name"]
    fields = ["task_name", "attempts", "last_error", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Emails waiting to be sent, for superusers only: recipients masked; subjects and bodies (which hold
    password-reset and invitation links) are never shown."""

    list_display = ["__str__", "recipients_masked", "language", "attempts", "last_error", "created_at"]
    list_filter = ["language", "attempts"]
    fields = ["recipients_masked", "language", "attempts", "last_error", "created_at", "updated_at"]
    readonly_fields = fields
    actions = ["requeue"]

    @admin.display(description=_("recipients"))
    def recipients_masked(self, obj: OutboundEmail) -> str:
        return ", ".join(email_address_mask(address) for address in [*obj.to, *obj.cc, *obj.bcc])

    @admin.action(description=_("Queue the selected emails again"))
    def requeue(self, request, queryset):
        count = email_requeue(outbound_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d email(s) queued again.") % {"count": count}, messages.SUCCESS)

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- django-auditlog's list, in the reader's language ----------------------------------------------------
# Its admin writes a few words in English whatever the language ("Correlation ID", "system", "2 changes:
# …") and names the resource types by their model's code ("user"); the same admin with those translated.


class ResourceTypeFilter(auditlog_filters.ResourceTypeFilter):
    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).order_by().values_list("content_type_id", flat=True).distinct()
        types = [ContentType.objects.get_for_id(pk) for pk in ids]
        names = [
            (ct.pk, capfirst(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model) for ct in types
        ]
        return sorted(names, key=lambda pair: str(pair[1]))


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(auditlog_admin.LogEntryAdmin):
    list_filter = ["action", ResourceTypeFilter, auditlog_filters.CIDFilter]

    @admin.display(description=_("User"))
    def user_url(self, obj):
        return super().user_url(obj) if obj.actor else _("system")

    @admin.display(description=_("Changes"))
    def msg_short(self, obj):
        if obj.action in [LogEntry.Action.DELETE, LogEntry.Action.ACCESS]:
            return ""
        changes = obj.changes_dict
        fields = ", ".join(changes)
        if len(fields) > auditlog_mixins.MAX:
            fields = fields[: fields.rfind(" ", 0, auditlog_mixins.MAX)] + " …"
        return ngettext("%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(changes)) % {
            "count": len(changes),
            "fields": fields,
        }

    @admin.display(description=_("Correlation ID"))
    def cid_url(self, obj):
        return super().cid_url(obj)
