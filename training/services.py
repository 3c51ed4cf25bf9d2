"""Training rules: enrolment with a waiting list, attendance, certificates, recruitment events."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import User
from portal.notifications import user_notify
from portal.privacy import ErasureResult
from portal.services import email_send
from sponsorship.selectors import consent_current
from training.access import can_cancel_enrolment, can_train
from training.models import Certificate, Enrolment, EventRegistration, ModuleCompletion, RecruitmentEvent, Session
from training.notification_kinds import CERTIFICATE_ISSUED, SEAT_FREE
from training.selectors import session_is_public

E = Enrolment.Status


class TrainingError(ValidationError):
    """A training rule was broken; the message is translated and safe to show."""


def session_enrol(*, session: Session, user: User) -> Enrolment:
    """Enrol the user; when the session is full they go on the waiting list. The session row is
    locked, so concurrent requests never fill more seats than the capacity."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        now = timezone.now()
        if not session_is_public(session=session):
            # An unpublished programme's sessions are not open, even to someone who knows the URL.
            raise TrainingError(_("This session is not open for enrolment."))
        if session.starts_at <= now:
            raise TrainingError(_("This session has already started."))
        if session.registration_deadline < now:
            raise TrainingError(_("Registration for this session has closed."))
        if Enrolment.objects.filter(session=session, user=user).exclude(status=E.CANCELLED).exists():
            raise TrainingError(_("You are already enrolled in this session."))
        taken = Enrolment.objects.filter(session=session, status=E.ENROLLED).count()
        enrolment = Enrolment(session=session, user=user, status=E.ENROLLED if taken < session.capacity else E.WAITING)
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError as exc:
            raise TrainingError(_("You are already enrolled in this session.")) from exc
    return enrolment


def enrolment_cancel(*, enrolment: Enrolment, by: User) -> Enrolment | None:
    """Cancel an enrolment; a freed seat goes to the first person on the waiting list, who is told.
    Returns the promoted enrolment, if any."""
    if not can_cancel_enrolment(by, enrolment):
        raise PermissionDenied
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=enrolment.session_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == E.CANCELLED:
            raise TrainingError(_("This enrolment is already cancelled."))
        if session.starts_at <= timezone.now():
            raise TrainingError(_("This session has already started."))
        freed_seat = enrolment.status == E.ENROLLED
        enrolment.status = E.CANCELLED
        enrolment.save(update_fields=["status", "updated_at"])
        promoted = None
        if freed_seat:
            promoted = (
                Enrolment.objects.select_for_update()
                .filter(session=session, status=E.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = E.ENROLLED
                promoted.save(update_fields=["status", "updated_at"])
                user_notify(user=promoted.user, code=SEAT_FREE, params={"session": session.pk})
    return promoted


def session_attendance_record(*, session: Session, attended: Mapping[int, bool], by: User) -> list[Enrolment]:
    """The session's trainer (or staff) marks who attended: `attended` maps enrolment keys to
    present or absent. All or nothing: every row is checked (an enrolled participant of this session,
    which has started) before any is written, in one transaction. Attending completes the session's
    modules; completing every module of the programme issues the certificate."""
    if not can_train(by, session):
        raise PermissionDenied
    with transaction.atomic():
        enrolments = {
            enrolment.pk: enrolment
            for enrolment in Enrolment.objects.select_for_update(of=("self",))
            .select_related("user", "session__programme")
            .filter(pk__in=list(attended))
            .order_by("pk")
        }
        for pk in attended:
            enrolment = enrolments.get(pk)
            if enrolment is None or enrolment.session_id != session.pk or enrolment.status != E.ENROLLED:
                raise TrainingError(_("Only enrolled participants can be marked."))
        if attended and session.starts_at > timezone.now():
            raise TrainingError(_("Attendance is marked once the session has started."))
        recorded = [enrolments[pk] for pk in attended]
        for enrolment in recorded:
            _attendance_write(enrolment=enrolment, attended=attended[enrolment.pk])
    return recorded


def attendance_record(*, enrolment: Enrolment, attended: bool, by: User) -> Enrolment:
    """One participant's attendance (see `session_attendance_record`)."""
    (enrolment,) = session_attendance_record(session=enrolment.session, attended={enrolment.pk: attended}, by=by)
    return enrolment


def _attendance_write(*, enrolment: Enrolment, attended: bool) -> None:
    session = enrolment.session
    enrolment.attended = attended
    enrolment.save(update_fields=["attended", "updated_at"])
    if attended:
        for module in session.modules.all():
            ModuleCompletion.objects.get_or_create(user=enrolment.user, module=module, defaults={"session": session})
        certificate_issue_if_complete(user=enrolment.user, programme=session.programme)


def certificate_issue_if_complete(*, user: User, programme) -> Certificate | None:
    module_ids = set(programme.modules.values_list("pk", flat=True))
    done = set(ModuleCompletion.objects.filter(user=user, module__programme=programme).values_list("module", flat=True))
    if not module_ids or not module_ids <= done:
        return None
    certificate, created = Certificate.objects.get_or_create(
        user=user, programme=programme, defaults={"holder_name": user.display_name}
    )
    if created:
        user_notify(user=user, code=CERTIFICATE_ISSUED, params={"certificate": certificate.pk})
    return certificate


def event_register(
    *, event: RecruitmentEvent, name: str, email: str, municipality, consent: bool, language: str
) -> EventRegistration:
    """Public registration for a recruitment event, with consent; a confirmation email follows."""
    if not consent:
        raise TrainingError(_("Please agree to the processing of your data to register."))
    if event.starts_at <= timezone.now():
        raise TrainingError(_("This event has already started."))
    with transaction.atomic():
        event = RecruitmentEvent.objects.select_for_update().get(pk=event.pk)
        if event.capacity and event.registrations.count() >= event.capacity:
            raise TrainingError(_("This event is full."))
        registration = EventRegistration(
            event=event,
            name=name.strip(),
            email=email.strip().lower(),
            municipality=municipality,
            language=language,
            consent_text=consent_current(),
            consented_at=timezone.now(),
        )
        registration.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:
            raise TrainingError(_("This email address is already registered for the event.")) from exc
        _event_email(registration, reminder=False)
    return registration


def _event_email(registration: EventRegistration, *, reminder: bool) -> None:
    from django.conf import settings

    with translation.override(registration.language):
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + (
            _("Reminder: %(event)s is coming soon") if reminder else _("You are registered: %(event)s")
        ) % {"event": registration.event.title}
        body = render_to_string(
            "training/email/event_message.txt",
            {
                "registration": registration,
                "event": registration.event,
                "reminder": reminder,
                "site_url": settings.SITE_URL,
            },
        )
    email_send(message=EmailMultiAlternatives(subject=subject, body=body, to=[registration.email]))


def events_remind(*, now: datetime.datetime | None = None) -> int:
    """Periodic: the day before an event, each registrant gets one reminder in their language."""
    now = now or timezone.now()
    due = EventRegistration.objects.filter(
        reminder_sent_at__isnull=True,
        event__is_published=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + datetime.timedelta(hours=24),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            registration = (
                EventRegistration.objects.select_for_update(of=("self",))
                .select_related("event")
                .filter(pk=pk, reminder_sent_at__isnull=True)
                .first()
            )
            if registration is None:
                continue
            _event_email(registration, reminder=True)
            registration.reminder_sent_at = now
            registration.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


# --- Erasure ------------------------------------------------------------------------------------------


def training_person_erase(*, user: User, emails: list[str]) -> ErasureResult:
    """For account deletion: the person's certificates are revoked and lose the holder's name (the public
    verification page then says "revoked"); event registrations under any of their addresses lose the
    name and address (event, municipality, language and dates stay, for statistics; no reminder goes
    out); enrolments in sessions not started yet are cancelled, so the seat goes to the waiting list.
    Enrolments and completed modules stay linked to the anonymised account (attendance statistics).
    """
    now = timezone.now()
    result = ErasureResult()
    for enrolment in Enrolment.objects.filter(user=user, session__starts_at__gt=now).exclude(status=E.CANCELLED):
        enrolment_cancel(enrolment=enrolment, by=user)
    result.records += list(Enrolment.objects.filter(user=user))
    certificates = list(Certificate.objects.filter(user=user))
    result.own += certificates
    result.values += [certificate.holder_name for certificate in certificates]
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(holder_name="", user=None, revoked_at=now)
    addresses = {email.strip().lower() for email in emails if email}
    registrations = list(EventRegistration.objects.filter(email__in=addresses))
    result.own += registrations
    result.values += [value for registration in registrations for value in (registration.name, registration.email)]
    for registration in registrations:
        EventRegistration.objects.filter(pk=registration.pk).update(
            name="",
            email=f"erased-{registration.pk}@invalid.invalid",
            reminder_sent_at=registration.reminder_sent_at or now,
        )
    return result
