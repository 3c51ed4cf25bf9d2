"""The portal's name and address, as emails, printed pages and account emails give them.

Links in emails start with `settings.SITE_URL` (workers have no request); allauth's account emails name
the site through `portal_site()`, whose name is the portal's, translated when the email is rendered (in
the language of the person it goes to), never its domain."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PORTAL_NAME = _("RISE community sponsorship portal")


def site_url(path: str = "") -> str:
    """The absolute address of `path` (a URL path from `reverse` or `get_absolute_url`)."""
    return settings.SITE_URL + path


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates read of `current_site`: a name and a domain."""

    name: str | Promise
    domain: str

    def __str__(self) -> str:
        return str(self.name)


def portal_site() -> PortalSite:
    return PortalSite(name=PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


@checks.register(checks.Tags.security, deploy=True)
def site_url_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: in production the address printed on certificates and sent in emails must be the
    portal's public HTTPS address, not the development default (it cannot be corrected once printed)."""
    address = urlsplit(settings.SITE_URL)
    if address.scheme != "https" or address.hostname in {"127.0.0.1", "localhost", "::1", None}:
        return [
            checks.Warning(
                f"SITE_URL is {settings.SITE_URL!r}: set it to the portal's public HTTPS address.",
                hint="Links in emails and the verification address printed on certificates start with it.",
                id="portal.W001",
            )
        ]
    return []
