from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from auditlog.registry import auditlog

        from portal.models import User

        # Changes to accounts (who is staff, of which organisation, active, with which roles), with the
        # name and address masked (see `portal.privacy`); never passwords or sign-in times.
        auditlog.register(
            User,
            include_fields=[
                "email",
                "first_name",
                "last_name",
                "is_active",
                "is_staff",
                "is_superuser",
                "organisation",
            ],
            mask_fields=["email", "first_name", "last_name"],
            mask_callable="portal.privacy.audit_mask",
            m2m_fields={"groups"},
        )


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's admin site as `admin.site`."""

    default = False
    default_site = "portal.admin_tools.PortalAdminSite"
