"""Training's part in the retention schedule: unconfirmed registrations are deleted.

A registration is unconfirmed when nothing ever confirmed it: a public registration for a recruitment
event (events record no attendance), or a session enrolment left on the waiting list or cancelled.
Once the event or session ended more than RETENTION_UNCONFIRMED_REGISTRATION_DAYS ago it has served its
purpose and is deleted. Enrolments with a place (and attendance) stay: certificates rest on them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.retention import RetentionCategory, retention_register
from training.models import Enrolment, EventRegistration


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS)


def event_registrations_retention_due(now: datetime.datetime) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(event__ends_at__lt=_cutoff(now)).order_by("created_at", "pk")


def enrolments_retention_due(now: datetime.datetime) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        status__in=[Enrolment.Status.WAITING, Enrolment.Status.CANCELLED], session__ends_at__lt=_cutoff(now)
    ).order_by("created_at", "pk")


def _delete(queryset: QuerySet) -> int:
    with transaction.atomic():
        pks = list(queryset.values_list("pk", flat=True))
        queryset.model.objects.filter(pk__in=pks).delete()
    return len(pks)


def _rule() -> str:
    return _("deleted %(days)s days after the event or session ended") % {
        "days": settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS
    }


def register() -> None:
    retention_register(
        RetentionCategory(
            key="event_registrations",
            label=gettext_lazy("Event registrations (never confirmed by attendance)"),
            rule=_rule,
            due=event_registrations_retention_due,
            reference=lambda registration: f"REG-{registration.pk}",
            apply=_delete,
        )
    )
    retention_register(
        RetentionCategory(
            key="unconfirmed_enrolments",
            label=gettext_lazy("Training enrolments on the waiting list or cancelled"),
            rule=_rule,
            due=enrolments_retention_due,
            reference=lambda enrolment: f"ENR-{enrolment.pk}",
            apply=_delete,
        )
    )
