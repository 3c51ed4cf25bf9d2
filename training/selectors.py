"""Read-side queries of training."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from training.models import Certificate, Enrolment, Programme, RecruitmentEvent, Session


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.filter(is_published=True).prefetch_related("modules")


def session_list(*, upcoming: bool = True) -> QuerySet[Session]:
    sessions = Session.objects.select_related("programme", "language").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED))
    )
    return sessions.filter(starts_at__gt=timezone.now()) if upcoming else sessions


def event_list() -> QuerySet[RecruitmentEvent]:
    return RecruitmentEvent.objects.filter(is_published=True, starts_at__gt=timezone.now()).select_related(
        "municipality"
    )


def missing_required_training(*, user) -> list[Programme]:
    """Sponsors' programmes required for matching that the user has no certificate of."""
    required = Programme.objects.filter(
        required_for_matching=True, is_published=True, audience=Programme.Audience.SPONSORS
    )
    if user is None:
        return list(required)
    certified = Certificate.objects.filter(user=user).values_list("programme", flat=True)
    return list(required.exclude(pk__in=certified))


def next_session(*, programme: Programme) -> Session | None:
    now = timezone.now()
    return (
        Session.objects.filter(programme=programme, starts_at__gt=now, registration_deadline__gte=now)
        .order_by("starts_at")
        .first()
    )


def certificate_verify(*, code: str) -> Certificate | None:
    return Certificate.objects.select_related("programme").filter(code=code.strip().upper()).first()
