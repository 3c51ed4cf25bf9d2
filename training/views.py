from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.confirm import Confirmation, confirm_then
from portal.page_cache import page_cacheable
from portal.qr import qr_svg
from portal.site import PORTAL_NAME, site_url
from training import selectors, services
from training.access import can_train
from training.calendar import ical_response
from training.forms import CertificateLookupForm, EventRegistrationForm
from training.models import Enrolment, Session


@page_cacheable
def programme_list(request):
    return render(
        request,
        "training/programme_list.html",
        {"programmes": selectors.programme_list(), "events": selectors.event_list()[:5]},
    )


@page_cacheable
def programme_detail(request, slug: str):
    programme = selectors.programme_get(slug=slug)
    sessions = selectors.session_list().filter(programme=programme)
    return render(request, "training/programme_detail.html", {"programme": programme, "sessions": sessions})


@page_cacheable
def session_detail(request, pk: int):
    session = selectors.session_get(pk=pk)
    mine = None
    if request.user.is_authenticated:
        mine = Enrolment.objects.filter(session=session, user=request.user).exclude(status="cancelled").first()
    return render(request, "training/session_detail.html", {"session": session, "enrolment": mine})


@login_required
@require_POST
def session_enrol(request, pk: int):
    session = selectors.session_get(pk=pk)
    try:
        enrolment = services.session_enrol(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.status == Enrolment.Status.ENROLLED:
            messages.success(request, _("You are enrolled."))
        else:
            messages.info(
                request, _("The session is full: you are on the waiting list and will be told when a seat is free.")
            )
    return redirect(session.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_cancel(request, pk: int):
    """Cancel one's enrolment, after a confirmation page (GET; a POST without `confirm` comes back to it)."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("session__programme"), pk=pk, user=request.user)
    session = enrolment.session
    if enrolment.status == Enrolment.Status.CANCELLED:
        messages.info(request, _("This enrolment is already cancelled."))
        return redirect(session.get_absolute_url())

    def act(reason: str):
        try:
            services.enrolment_cancel(enrolment=enrolment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your enrolment is cancelled."))
        return redirect(session.get_absolute_url())

    consequences = [_("Your seat goes to the first person on the waiting list, or back to the open seats.")]
    if enrolment.status == Enrolment.Status.WAITING:
        consequences = [_("You leave the waiting list and will not be told when a seat is free.")]
    consequences.append(_("You can enrol again later while seats and registration are open."))
    confirmation = Confirmation(
        title=_("Cancel your enrolment?"),
        object_label=str(session),
        consequences=consequences,
        confirm_label=_("Cancel my enrolment"),
        cancel_url=session.get_absolute_url(),
    )
    return confirm_then(request, confirmation, act)


@login_required
def attendance(request, pk: int):
    """The trainer of the session (or staff) marks who attended."""
    session = get_object_or_404(Session.objects.select_related("programme"), pk=pk)
    if not can_train(request.user, session):
        raise PermissionDenied
    enrolments = session.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("user")
    if request.method == "POST":
        present = set(request.POST.getlist("attended"))
        attended = {pk: str(pk) in present for pk in enrolments.values_list("pk", flat=True)}
        try:
            services.session_attendance_record(session=session, attended=attended, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance is saved."))
        return redirect("training:attendance", pk=session.pk)
    return render(request, "training/attendance.html", {"session": session, "enrolments": enrolments})


def _lookup_limited(request):
    """One certificate lookup by this client: None, or the 429 answer once it made too many."""
    return ratelimit.consume_or_429(
        request,
        app="training",
        action="certificate_lookup",
        config={"certificate_lookup": settings.CERTIFICATE_LOOKUP_RATE},
        limit_get=True,
    )


def certificate(request, code: str):
    """Public verification: anyone with the code can check a certificate; unknown codes are "not found"."""
    found = selectors.certificate_verify(code=code)
    if found is None:
        # Guessing codes at this address is limited as at the form (a real code is never refused).
        limited = _lookup_limited(request)
        if limited is not None:
            return limited
        return render(request, "training/certificate_not_found.html", {"code": code[:40]}, status=404)
    if found.is_revoked:
        # The code was real but the certificate no longer vouches for anyone (its holder's data was erased).
        return render(request, "training/certificate_revoked.html", {"certificate": found}, status=410)
    verify_url = site_url(found.get_absolute_url())
    return render(
        request,
        "training/certificate.html",
        {
            "certificate": found,
            "issuer": PORTAL_NAME,
            "verify_url": verify_url,
            "qr": qr_svg(verify_url, label=_("QR code of this certificate's verification address")),
        },
    )


def certificate_lookup(request):
    """Public form: anyone types a certificate's code and is taken to its verification page. Unknown codes
    get a translated "not found" on the form; lookups are rate-limited per client address."""
    form = CertificateLookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound:
        limited = _lookup_limited(request)
        if limited is not None:
            return limited
        if form.is_valid():
            found = selectors.certificate_verify(code=form.cleaned_data["code"])
            if found is not None:
                return redirect(found.get_absolute_url())
            form.add_error("code", _("No certificate has this code. Check it and try again."))
    return render(request, "training/certificate_lookup.html", {"form": form})


@page_cacheable
def event_list(request):
    return render(request, "training/event_list.html", {"events": selectors.event_list()})


def event_detail(request, slug: str):
    event = selectors.event_get(slug=slug)
    form = EventRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_register(event=event, language=get_language(), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("You are registered. A confirmation email is on its way."))
            return redirect(event.get_absolute_url())
    return render(request, "training/event_detail.html", {"event": event, "form": form})


def sessions_ical(request):
    return ical_response(selectors.session_list(), filename="rise-training-sessions.ics")


def events_ical(request):
    return ical_response(selectors.event_list(), filename="rise-events.ics")


def session_ical(request, pk: int):
    return ical_response([selectors.session_get(pk=pk)], filename=f"rise-session-{pk}.ics")
