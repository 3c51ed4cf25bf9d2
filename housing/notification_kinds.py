"""The housing app's notification codes and how they read (see `portal.notifications`)."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from housing.models import Inspection
from portal.notifications import NotificationKind, Params, notification_kind_register

# Parameters of each: "offer" (the offer's id); a failed inspection also "inspection" (its id), whose
# failed checklist items are read when the notification is, in the reader's language; a reconfirmation
# request "days" (the grace period).
INSPECTION_PASSED = "housing.inspection_passed"
INSPECTION_FAILED = "housing.inspection_failed"
# Fixable faults: the offer is inspected again from the inspection's re-inspection date.
INSPECTION_REINSPECT = "housing.inspection_reinspect"
OFFER_RECONFIRM = "housing.offer_reconfirm"


def _offer_link(params: Params) -> str:
    return reverse("housing:offer-detail", kwargs={"pk": int(params["offer"])})


def _with_reasons(params_list: list[Params]) -> list[Params]:
    """Each failed inspection's reasons (the failed items, the typed reasons, then the inspector's notes)
    and its re-inspection date, in two queries."""
    ids = {params.get("inspection") for params in params_list if isinstance(params.get("inspection"), int)}
    inspections = Inspection.objects.prefetch_related("failures").in_bulk(list(ids)) if ids else {}
    completed = []
    for params in params_list:
        inspection = inspections.get(params.get("inspection"))  # type: ignore[arg-type]
        if inspection is None:
            completed.append(params)
            continue
        completed.append({**params, "reasons": inspection.reasons_text(), "reinspect_on": inspection.reinspect_on})
    return completed


def _failed_body(params: Params) -> str:
    if params.get("reasons"):
        return _("The inspection did not pass. What to change: %(reasons)s") % {"reasons": params["reasons"]}
    return _("The inspection did not pass.")


def _reinspect_body(params: Params) -> str:
    date = params.get("reinspect_on")
    if params.get("reasons") and date:
        return _("What to fix: %(reasons)s. A caseworker will visit the home again from %(date)s.") % {
            "reasons": params["reasons"],
            "date": formats.date_format(date, "SHORT_DATE_FORMAT"),
        }
    return _("The inspection found faults that can be fixed; a caseworker will visit the home again.")


def register() -> None:
    notification_kind_register(
        NotificationKind(
            code=INSPECTION_PASSED,
            title=lambda params: _("Your housing offer is now available"),
            body=lambda params: _("The inspection of your offer passed. It can now be proposed to a household."),
            link=_offer_link,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=INSPECTION_FAILED,
            title=lambda params: _("Your housing offer needs changes"),
            body=_failed_body,
            link=_offer_link,
            load=_with_reasons,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=INSPECTION_REINSPECT,
            title=lambda params: _("Your housing offer needs repairs before a new visit"),
            body=_reinspect_body,
            link=_offer_link,
            load=_with_reasons,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=OFFER_RECONFIRM,
            title=lambda params: _("Is your housing offer still available?"),
            body=lambda params: (
                _(
                    "Please confirm within %(days)s days that your offer still stands; until then it is "
                    "kept, and after that it is hidden from matching until you confirm it."
                )
                % {"days": int(params["days"])}
            ),
            link=_offer_link,
        )
    )
