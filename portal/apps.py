from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_roles_after_migrate, dispatch_uid="portal-roles")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's admin site as `admin.site`."""

    default = False
    default_site = "portal.admin_tools.PortalAdminSite"


def _roles_after_migrate(sender, **kwargs):
    # Groups and their permissions follow the code. Permissions are created app by app after
    # migrate, so this runs after each app (it is idempotent and cheap).
    from portal.demo import roles_ensure

    roles_ensure()
