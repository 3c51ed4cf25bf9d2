"""The sponsorship app's notification codes and how they read (see `portal.notifications`)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.notifications import NotificationKind, notification_kind_register

# Parameters: "sponsor", the sponsor's id. Matching registers this code again with the sponsor's path
# (`matching.notification_kinds`): the text then says what still blocks matching, or that nothing does.
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
                "A caseworker has verified your sponsor profile. Your sponsor page shows what is still needed "
                "before your housing offers can be matched."
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
