"""Read-side queries about sponsors."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sponsorship.consent import INITIAL_TEXTS, INITIAL_VERSION
from sponsorship.models import ConsentText, SponsorCheck, SponsorPerson, SponsorProfile

# Every adult of a sponsor needs these checks, passed and not expired, before the sponsor is matched.
REQUIRED_CHECKS = [SponsorCheck.Kind.IDENTITY, SponsorCheck.Kind.CRIMINAL_RECORD, SponsorCheck.Kind.REFERENCES]


def consent_current() -> ConsentText:
    """The latest published consent text (the first version is published by a migration, or here if
    the table was emptied)."""
    consent = ConsentText.objects.order_by("-published_at", "-pk").first()
    if consent is None:
        consent, _created = ConsentText.objects.get_or_create(
            version=INITIAL_VERSION, defaults={f"text_{code}": text for code, text in INITIAL_TEXTS.items()}
        )
    return consent


def sponsor_for_user(*, user) -> SponsorProfile | None:
    if not user.is_authenticated:
        return None
    return (
        SponsorProfile.objects.filter(user=user, erased_at__isnull=True)
        .select_related("municipality", "consent_text")
        .prefetch_related("languages")
        .first()
    )


def sponsor_persons(*, sponsor: SponsorProfile) -> QuerySet[SponsorPerson]:
    return sponsor.persons.prefetch_related("checks")


def sponsor_matching_blockers(*, sponsor: SponsorProfile, today: datetime.date | None = None) -> list[str]:
    """Why the sponsor cannot be matched now (empty when they can): verification and each person's checks.

    Only the latest check of each kind counts; a failed or expired one blocks until it is renewed.
    """
    today = today or timezone.localdate()
    blockers = []
    if sponsor.status != SponsorProfile.Status.VERIFIED:
        blockers.append(_("The sponsor is not verified."))
    if sponsor.concerns.filter(severity="high", closed_at__isnull=True).exists():
        blockers.append(_("An open safeguarding concern suspends matching."))
    from training.selectors import missing_required_training

    for programme in missing_required_training(user=sponsor.user):
        blockers.append(_("Required training not completed: %(programme)s.") % {"programme": programme})
    for person in sponsor_persons(sponsor=sponsor):
        if person.role != SponsorPerson.Role.MAIN and not person.accepted_at:
            continue  # an invitation not yet accepted
        latest: dict[str, SponsorCheck] = {}
        for check in sorted(person.checks.all(), key=lambda c: (c.checked_on, c.pk)):
            latest[check.kind] = check
        for kind in REQUIRED_CHECKS:
            check = latest.get(kind)
            label = SponsorCheck.Kind(kind).label
            if check is None:
                blockers.append(_("%(person)s: %(check)s is missing.") % {"person": person.full_name, "check": label})
            elif check.result != SponsorCheck.Result.PASSED:
                blockers.append(_("%(person)s: %(check)s failed.") % {"person": person.full_name, "check": label})
            elif check.expires_on and check.expires_on < today:
                blockers.append(_("%(person)s: %(check)s expired.") % {"person": person.full_name, "check": label})
    return blockers
