from allauth.mfa import apps as mfa_apps
from auditlog import apps as auditlog_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    # The one that "portal" in INSTALLED_APPS means (this module has other app configs).
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from auditlog.registry import auditlog

        from portal import site  # noqa: F401  (registers the deploy check of SITE_URL)
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


class PortalMFAConfig(mfa_apps.MFAConfig):
    """allauth's second factor, named in the reader's language in the admin: the app ("MFA" upstream)
    and its model, which has no verbose name upstream ("Authenticators")."""

    default = False
    verbose_name = _("Two-factor authentication")

    def ready(self):
        super().ready()
        from allauth.mfa.models import Authenticator

        # The names only (not the Meta as written, `original_attrs`): no migration of allauth's app.
        Authenticator._meta.verbose_name = _("authenticator")
        Authenticator._meta.verbose_name_plural = _("authenticators")


class PortalAuditlogConfig(auditlog_apps.AuditlogConfig):
    """django-auditlog, named in the reader's language in the admin (its catalogue has no lt or bg)."""

    default = False
    verbose_name = _("Audit log")
