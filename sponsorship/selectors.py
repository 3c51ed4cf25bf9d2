"""Read-side queries about sponsors."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import cast

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sponsorship.access import can_decide_sponsor, checks_for, transfers_to_decide_for
from sponsorship.consent import INITIAL_TEXTS, INITIAL_VERSION
from sponsorship.households.models import HouseholdTransfer
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
    """The user's own sponsor profile (None until they complete it), `user` attached to it. Its languages
    are read when something reads them (the profile form), not on every sponsor page."""
    if not user.is_authenticated:
        return None
    sponsor = (
        SponsorProfile.objects.filter(user=user, erased_at__isnull=True)
        .select_related("municipality", "consent_text")
        .first()
    )
    if sponsor is not None:
        sponsor.user = user
    return sponsor


def sponsor_persons(*, sponsor: SponsorProfile) -> QuerySet[SponsorPerson]:
    return sponsor.persons.prefetch_related("checks")


def _check_problems(checks, today: datetime.date) -> dict[str, str]:
    """The required checks of one person that are not in order: kind -> "missing", "failed" or "expired".
    Only the latest check of each kind counts; a failed or expired one blocks until it is renewed.
    `checks` are (kind, result, checked_on, expires_on, pk) tuples."""
    latest: dict[str, tuple] = {}
    for check in sorted(checks, key=lambda c: (c[2], c[4])):
        latest[check[0]] = check
    problems = {}
    for kind in REQUIRED_CHECKS:
        check = latest.get(kind)
        if check is None:
            problems[kind] = "missing"
        elif check[1] != SponsorCheck.Result.PASSED:
            problems[kind] = "failed"
        elif check[3] and check[3] < today:
            problems[kind] = "expired"
    return problems


@dataclass(frozen=True)
class MatchingRequirement:
    """A condition that a higher app sets before a sponsor is matched (the required training, no open
    safeguarding concern), registered from its `AppConfig.ready`, so this module never imports it.

    `blockers(sponsor)`: why the sponsor does not meet it, in words (empty when they do);
    `unmet(sponsor_users)`: of the sponsors given as {sponsor id: user id}, the ids of those that do
    not, in a fixed number of queries; None when a matching run applies the condition as a constraint of
    its own (safeguarding suspension), so that it can name it as the reason a household got no proposal.
    """

    name: str
    blockers: Callable[[SponsorProfile], list[str]]
    unmet: Callable[[dict[int, int]], set[int]] | None = None


_REQUIREMENTS: dict[str, MatchingRequirement] = {}


def matching_requirement_register(requirement: MatchingRequirement) -> None:
    _REQUIREMENTS[requirement.name] = requirement


def _person_counts(person: SponsorPerson) -> bool:
    """Checks count for the main contact and for the people who accepted their invitation."""
    return person.role == SponsorPerson.Role.MAIN or bool(person.accepted_at)


# The keys of `sponsor_matching_blockers_by_kind` besides the registered requirements' names.
VERIFICATION = "verification"
CHECKS = "checks"


def sponsor_matching_blockers_by_kind(
    *, sponsor: SponsorProfile, today: datetime.date | None = None
) -> dict[str, list[str]]:
    """The rules of `sponsor_matching_blockers`, each kind apart (for the sponsor's path, which shows each
    on its step): `VERIFICATION`, then each registered requirement by its name ("safeguarding",
    "training"), then `CHECKS`; every kind is a key, its list empty when it does not block."""
    today = today or timezone.localdate()
    blockers: dict[str, list[str]] = {VERIFICATION: []}
    if sponsor.status != SponsorProfile.Status.VERIFIED:
        blockers[VERIFICATION].append(_("The sponsor is not verified."))
    for name, requirement in _REQUIREMENTS.items():
        blockers[name] = list(requirement.blockers(sponsor))
    messages = {
        "missing": _("%(person)s: %(check)s is missing."),
        "failed": _("%(person)s: %(check)s failed."),
        "expired": _("%(person)s: %(check)s expired."),
    }
    blockers[CHECKS] = []
    for person in sponsor_persons(sponsor=sponsor):
        if not _person_counts(person):
            continue  # an invitation not yet accepted
        checks = [(c.kind, c.result, c.checked_on, c.expires_on, c.pk) for c in person.checks.all()]
        for kind, problem in _check_problems(checks, today).items():
            label = SponsorCheck.Kind(kind).label
            blockers[CHECKS].append(messages[problem] % {"person": person.full_name, "check": label})
    return blockers


def sponsor_matching_blockers(*, sponsor: SponsorProfile, today: datetime.date | None = None) -> list[str]:
    """Why the sponsor cannot be matched now (empty when they can), in words: verification,
    the requirements the higher apps register (required training; safeguarding suspension) and each
    person's checks. `sponsors_eligible_ids` applies the same rules in bulk, but for the requirements that a
    matching run applies as constraints of its own (suspension), so that it can name them."""
    by_kind = sponsor_matching_blockers_by_kind(sponsor=sponsor, today=today)
    return [blocker for blockers in by_kind.values() for blocker in blockers]


def sponsors_eligible_ids(*, sponsor_ids, today: datetime.date | None = None) -> set[int]:
    """Of the given sponsors, those verified, with every person's checks in order and every registered
    requirement met (the rules of `sponsor_matching_blockers`), in a fixed number of queries whatever the
    number of sponsors. `sponsor_ids` may be a queryset of sponsor ids (read as a subquery: a whole
    country's sponsors are not sent as a list of parameters)."""
    today = today or timezone.localdate()
    candidates = sponsor_ids if isinstance(sponsor_ids, QuerySet) else set(sponsor_ids)
    verified_rows = SponsorProfile.objects.filter(
        pk__in=candidates, status=SponsorProfile.Status.VERIFIED, erased_at__isnull=True
    )
    verified = dict(verified_rows.values_list("pk", "user_id"))
    unmet = {
        sponsor_id
        for requirement in _REQUIREMENTS.values()
        if requirement.unmet is not None
        for sponsor_id in requirement.unmet(verified)
    }
    persons: dict[int, int] = {}  # person -> sponsor
    for pk, sponsor_id, role, accepted_at in SponsorPerson.objects.filter(
        sponsor_id__in=verified_rows.values("pk")
    ).values_list("pk", "sponsor_id", "role", "accepted_at"):
        # The rule reads these two fields only: no model instance per row.
        if _person_counts(cast(SponsorPerson, SimpleNamespace(role=role, accepted_at=accepted_at))):
            persons[pk] = sponsor_id
    checks: dict[int, list[tuple]] = {pk: [] for pk in persons}
    for person_id, *check in SponsorCheck.objects.filter(person__sponsor_id__in=verified_rows.values("pk")).values_list(
        "person_id", "kind", "result", "checked_on", "expires_on", "pk"
    ):
        if person_id in checks:
            checks[person_id].append(tuple(check))
    unchecked = {persons[pk] for pk, person_checks in checks.items() if _check_problems(person_checks, today)}
    return {sponsor_id for sponsor_id in verified if sponsor_id not in unchecked and sponsor_id not in unmet}


def check_status(check: SponsorCheck, today: datetime.date | None = None) -> str:
    """A check's state in words: failed, expired (its validity has ended) or valid (until when)."""
    if check.result == SponsorCheck.Result.FAILED:
        return pgettext("check status", "Failed")
    if check.is_expired(today):
        return pgettext("check status", "Expired")
    return pgettext("check status", "Valid")


def sponsor_people_checks(*, user, sponsor: SponsorProfile) -> list[SponsorPerson]:
    """The sponsor's people, each with the checks the user may see (`checks_for`), newest first, and
    who verified them: two queries (the offer's admin page)."""
    checks = checks_for(user).select_related("checked_by__organisation").order_by("kind", "-checked_on", "-pk")
    return list(sponsor.persons.prefetch_related(Prefetch("checks", queryset=checks)).order_by("created_at", "pk"))


# --- The caseworker's queues (`portal.queues`, registered in `SponsorshipConfig.ready`) -------------------


def sponsors_to_verify(*, user) -> QuerySet[SponsorProfile]:
    """Sponsors waiting for a caseworker's verification (any organisation's caseworker decides: sponsors
    are shared), oldest first; none for anyone else."""
    if not can_decide_sponsor(user):
        return SponsorProfile.objects.none()
    return SponsorProfile.objects.filter(status=SponsorProfile.Status.PENDING, erased_at__isnull=True).order_by(
        "created_at", "pk"
    )


def transfers_to_accept(*, user) -> QuerySet[HouseholdTransfer]:
    """Household transfers requested to the reader's organisation (every open one for admins): the ones
    they accept or refuse (`sponsorship.access.can_decide_transfer`), oldest first."""
    return transfers_to_decide_for(user).order_by("created_at", "pk")
