"""Read-side queries of training.

What the public sees of training is decided in one place, `_public`: a programme that is published,
and its sessions. Pages, iCalendar files, the sitemap and the listings all read through the selectors
below; an unpublished programme's sessions (with their online link) are a 404 to everyone outside
the admin, where staff prepare and preview them.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.agenda import AgendaItem
from training.models import (
    Certificate,
    Enrolment,
    EventRegistration,
    ModuleCompletion,
    Programme,
    RecruitmentEvent,
    Session,
)


def _public(prefix: str = "") -> Q:
    """The one rule of what training is public: its programme is published. `prefix` reaches the
    programme from another model (`"programme__"` from a session)."""
    return Q(**{f"{prefix}is_published": True})


def programme_list() -> QuerySet[Programme]:
    """Published programmes with their modules."""
    return Programme.objects.filter(_public()).prefetch_related("modules")


def programme_get(*, slug: str) -> Programme:
    """A published programme with its modules and their materials; anything else is a 404."""
    return get_object_or_404(Programme.objects.filter(_public()).prefetch_related("modules__materials"), slug=slug)


def session_list(*, upcoming: bool = True) -> QuerySet[Session]:
    """Sessions of published programmes (upcoming only, unless `upcoming=False`), with their seats taken."""
    sessions = (
        Session.objects.filter(_public("programme__"))
        .select_related("programme", "language")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)))
    )
    return sessions.filter(starts_at__gt=timezone.now()) if upcoming else sessions


def session_get(*, pk: int) -> Session:
    """A session of a published programme, past ones included; anything else is a 404."""
    return get_object_or_404(session_list(upcoming=False).select_related("trainer"), pk=pk)


def session_is_public(*, session: Session) -> bool:
    return session_list(upcoming=False).filter(pk=session.pk).exists()


def event_list() -> QuerySet[RecruitmentEvent]:
    return RecruitmentEvent.objects.filter(is_published=True, starts_at__gt=timezone.now()).select_related(
        "municipality"
    )


def event_get(*, slug: str) -> RecruitmentEvent:
    """A published recruitment event (past ones included); anything else is a 404."""
    return get_object_or_404(RecruitmentEvent.objects.filter(is_published=True), slug=slug)


def missing_required_training(*, user) -> list[Programme]:
    """Sponsors' programmes required for matching that the user has no certificate of."""
    required = Programme.objects.filter(_public(), required_for_matching=True, audience=Programme.Audience.SPONSORS)
    if user is None:
        return list(required)
    certified = Certificate.objects.filter(user=user, revoked_at__isnull=True).values_list("programme", flat=True)
    return list(required.exclude(pk__in=certified))


def required_training_blockers(*, user) -> list[str]:
    """Why the user cannot be matched as a sponsor yet, as far as training goes: each required programme
    without a certificate, in words (a matching requirement, see `training.apps`)."""
    return [
        _("Required training not completed: %(programme)s.") % {"programme": programme}
        for programme in missing_required_training(user=user)
    ]


def sponsors_missing_required_training(*, sponsor_users: dict[int, int]) -> set[int]:
    """Of the sponsors given as {sponsor id: user id}, those whose account lacks a certificate of a
    required programme, in two queries whatever their number."""
    required = {programme.pk for programme in missing_required_training(user=None)}
    if not required:
        return set()
    certified: dict[int, set[int]] = {}
    for user_id, programme_id in Certificate.objects.filter(
        user_id__in=sponsor_users.values(), programme_id__in=required
    ).values_list("user_id", "programme_id"):
        certified.setdefault(user_id, set()).add(programme_id)
    return {
        sponsor_id for sponsor_id, user_id in sponsor_users.items() if not required <= certified.get(user_id, set())
    }


def next_session(*, programme: Programme) -> Session | None:
    """The next public session of `programme` still open for registration."""
    return (
        session_list()
        .filter(programme=programme, registration_deadline__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )


def training_agenda(*, user) -> dict:
    """A person's training at a glance (their sponsor page): each required programme they lack with its
    next open session (or None), their enrolments that are not cancelled, and their certificates. A fixed
    number of queries, whatever the number of programmes."""
    missing = missing_required_training(user=user)
    next_sessions: dict[int, Session] = {}
    if missing:
        sessions = session_list().filter(programme__in=missing, registration_deadline__gte=timezone.now())
        for session in sessions.order_by("starts_at"):
            next_sessions.setdefault(session.programme_id, session)
    return {
        "training_missing": [(programme, next_sessions.get(programme.pk)) for programme in missing],
        "enrolments": Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("session__programme"),
        "certificates": Certificate.objects.filter(user=user).select_related("programme"),
    }


def certificate_verify(*, code: str) -> Certificate | None:
    """The certificate with this code, revoked ones included (their page says so)."""
    return Certificate.objects.select_related("programme").filter(code=code.strip().upper()).first()


def training_export(*, user, emails: list[str]) -> dict:
    """For the person's data download: their certificates, enrolments, completed modules and event
    registrations (under any of their addresses), as JSON-ready data. Nothing about other participants."""
    addresses = {email.strip().lower() for email in emails if email}
    return {
        "certificates": [
            {
                "programme": certificate.programme.title,
                "holder_name": certificate.holder_name,
                "code": certificate.code,
                "issued_at": certificate.issued_at.isoformat(),
                "revoked": certificate.is_revoked,
            }
            for certificate in Certificate.objects.filter(user=user).select_related("programme")
        ],
        "enrolments": [
            {
                "programme": enrolment.session.programme.title,
                "session_starts_at": enrolment.session.starts_at.isoformat(),
                "status": enrolment.status,
                "attended": enrolment.attended,
                "enrolled_at": enrolment.created_at.isoformat(),
            }
            for enrolment in Enrolment.objects.filter(user=user).select_related("session__programme")
        ],
        "completed_modules": [
            {
                "programme": completion.module.programme.title,
                "module": completion.module.title,
                "completed_at": completion.completed_at.isoformat(),
            }
            for completion in ModuleCompletion.objects.filter(user=user).select_related("module__programme")
        ],
        "event_registrations": [
            {
                "event": registration.event.title,
                "event_starts_at": registration.event.starts_at.isoformat(),
                "name": registration.name,
                "email": registration.email,
                "municipality": registration.municipality.name if registration.municipality else None,
                "language": registration.language,
                "consent_version": registration.consent_text.version if registration.consent_text else None,
                "consented_at": registration.consented_at.isoformat(),
                "registered_at": registration.created_at.isoformat(),
            }
            for registration in EventRegistration.objects.filter(email__in=addresses).select_related(
                "event", "municipality", "consent_text"
            )
        ],
    }


def meeting_agenda(*, upcoming: bool) -> list[AgendaItem]:
    """Published information meetings for the agenda: not yet over (`upcoming`), or over (one query)."""
    now = timezone.now()
    meetings = RecruitmentEvent.objects.filter(is_published=True)
    meetings = meetings.filter(ends_at__gt=now) if upcoming else meetings.filter(ends_at__lte=now)
    return [
        AgendaItem(
            title=meeting.title,
            url=meeting.get_absolute_url(),
            kind=meeting.get_kind_display(),
            starts=meeting.starts_at,
            ends=meeting.ends_at,
            place=meeting.place,
            online=bool(meeting.online_url),
        )
        for meeting in meetings
    ]


def session_agenda() -> list[AgendaItem]:
    """Upcoming sessions of published programmes for the agenda (past sessions are not listed; one query)."""
    return [
        AgendaItem(
            title=session.programme.title,
            url=session.get_absolute_url(),
            kind=_("Training session"),
            starts=session.starts_at,
            ends=session.ends_at,
            place=session.place,
            online=bool(session.online_url),
            detail=session.language.name if session.language_id else "",
        )
        for session in session_list()
    ]
