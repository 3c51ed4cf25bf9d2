"""The training app's notification codes and how they read (see `portal.notifications`)."""

from django.utils.translation import gettext as _

from portal.notifications import NotificationKind, Params, notification_kind_register
from training.models import Certificate, Session

# Parameters: "session" (the session's id), whose programme and time are read in the reader's language.
SEAT_FREE = "training.seat_free"
# Parameters: "certificate" (the certificate's id).
CERTIFICATE_ISSUED = "training.certificate_issued"


def _ids(params_list: list[Params], key: str) -> list[int]:
    return list({params[key] for params in params_list if isinstance(params.get(key), int)})


def _with_session(params_list: list[Params]) -> list[Params]:
    sessions = Session.objects.select_related("programme").in_bulk(_ids(params_list, "session"))
    completed = []
    for params in params_list:
        session = sessions.get(params.get("session"))  # type: ignore[arg-type]
        if session is not None:
            params = {**params, "session_name": str(session), "session_url": session.get_absolute_url()}
        completed.append(params)
    return completed


def _with_certificate(params_list: list[Params]) -> list[Params]:
    certificates = Certificate.objects.select_related("programme").in_bulk(_ids(params_list, "certificate"))
    completed = []
    for params in params_list:
        certificate = certificates.get(params.get("certificate"))  # type: ignore[arg-type]
        if certificate is not None:
            params = {
                **params,
                "programme": str(certificate.programme),
                "code": certificate.code,
                "certificate_url": certificate.get_absolute_url(),
            }
        completed.append(params)
    return completed


def register() -> None:
    notification_kind_register(
        NotificationKind(
            code=SEAT_FREE,
            title=lambda params: _("A seat is free: you are enrolled"),
            body=lambda params: (
                _("A seat became free in %(session)s and you are now enrolled.") % {"session": params["session_name"]}
            ),
            link=lambda params: params["session_url"],
            load=_with_session,
        )
    )
    notification_kind_register(
        NotificationKind(
            code=CERTIFICATE_ISSUED,
            title=lambda params: _("Your training certificate"),
            body=lambda params: (
                _("You completed %(programme)s. Your certificate's code is %(code)s.")
                % {"programme": params["programme"], "code": params["code"]}
            ),
            link=lambda params: params["certificate_url"],
            load=_with_certificate,
        )
    )
