"""The sponsorship app's notification codes and how they read (see `portal.notifications`)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.notifications import NotificationKind, notification_kind_register

SPONSOR_VERIFIED = "sponsorship.sponsor_verified"
# Parameters: "reason", the caseworker's reason, written for the sponsor who reads it.
SPONSOR_REJECTED = "sponsorship.sponsor_rejected"


def _dashboard(params) -> str:
    return reverse("sponsorship:dashboard")


def register() -> None:
    notification_kind_register(
        NotificationKind(
            code=SPONSOR_VERIFIED,
            title=lambda params: _("You are now a verified sponsor"),
            body=lambda params: _(
                "A caseworker has verified your sponsor profile. Your housing offers can now be matched."
            ),
            link=_dashboard,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=SPONSOR_REJECTED,
            title=lambda params: _("Your sponsor profile was not verified"),
            body=lambda params: (
                _("A caseworker could not verify your sponsor profile. Reason: %(reason)s")
                % {"reason": params.get("reason") or ""}
            ),
            link=_dashboard,
        )
    )
