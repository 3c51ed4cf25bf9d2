"""Sponsorship's part in the retention schedule: scans of checks are deleted once they are no longer needed.

A check's scan (a certificate of no criminal record, an identity document) serves while the check is
valid and a while after, for questions about it; RETENTION_CHECK_SCAN_DAYS after the check expired the
scan is deleted from storage. The check itself (kind, result, dates, who verified it) stays.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.retention import RetentionCategory, retention_register
from sponsorship.models import SponsorCheck
from sponsorship.services import sponsor_check_scans_delete


def check_scans_retention_due(now: datetime.datetime) -> QuerySet[SponsorCheck]:
    # Dates are the portal's (its time zone), as the check's expiry date is.
    cutoff = timezone.localdate(now) - datetime.timedelta(days=settings.RETENTION_CHECK_SCAN_DAYS)
    return SponsorCheck.objects.exclude(scan="").filter(expires_on__lt=cutoff).order_by("expires_on", "pk")


def _scans_delete(queryset: QuerySet[SponsorCheck]) -> int:
    with transaction.atomic():
        checks = SponsorCheck.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        sponsor_check_scans_delete(checks)
        return checks.update(scan="")


def _rule() -> str:
    return _("deleted %(days)s days after the check expired (the check itself is kept)") % {
        "days": settings.RETENTION_CHECK_SCAN_DAYS
    }


def register() -> None:
    retention_register(
        RetentionCategory(
            key="check_scans",
            label=gettext_lazy("Scans of expired checks"),
            rule=_rule,
            due=check_scans_retention_due,
            reference=lambda check: f"CHK-{check.pk}",
            apply=_scans_delete,
        )
    )
