"""Sponsor rules: profile and consent, members and invitations, checks, verification, export and erasure."""

import datetime
import uuid
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Notification, User
from portal.notifications import notifications_render, user_notify
from portal.privacy import ErasureResult, audit_pseudonymise, personal_values, staff_label
from portal.services import email_send, emails_discard, task_enqueue
from portal.uploads import UploadError, evidence_read
from sponsorship.access import can_decide_sponsor, is_sponsor_of
from sponsorship.models import ConsentText, SponsorCheck, SponsorPerson, SponsorProfile
from sponsorship.notification_kinds import SPONSOR_REJECTED, SPONSOR_VERIFIED
from sponsorship.privacy import SponsorErasure, sponsor_parts
from sponsorship.selectors import consent_current


class SponsorError(ValidationError):
    """A sponsor rule was broken; the message is translated and safe to show."""


# The tasks this module queues, by the names `sponsorship.tasks` registers them under (the tasks import
# this module, so it names them rather than import them).
SPONSOR_DECISION_NOTIFY_TASK = "sponsorship.tasks.sponsor_decision_notify_task"
GROUP_INVITATION_SEND_TASK = "sponsorship.tasks.group_invitation_send_task"

PROFILE_FIELDS = ["kind", "organisation_name", "municipality", "country", "phone", "motivation"]


@transaction.atomic
def sponsor_profile_save(
    *,
    user: User,
    data: dict[str, Any],
    languages: list,
    consent: bool,
    language_code: str,
    first_name: str | None = None,
    last_name: str | None = None,
) -> SponsorProfile:
    """Create or update the user's sponsor profile.

    The person's name (`first_name`, `last_name`, both or neither) is stored once, on their account; the
    sponsor's main person carries it as its `full_name` (every list, record and certificate reads it,
    the email only when there is no name).

    Consent to the current consent text is required to create a profile, and again whenever a newer
    version has been published; its version and time are stored. A new profile is pending until a
    caseworker verifies it, and its account holder becomes the sponsor's main person.
    """
    profile = SponsorProfile.objects.select_for_update().filter(user=user).first()
    is_new = profile is None
    if profile is not None and profile.erased_at:
        raise SponsorError(_("This account has been deleted."))
    current = consent_current()
    needs_consent = profile is None or profile.consent_text_id != current.pk
    if needs_consent and not consent:
        raise SponsorError(_("Please agree to the processing of your data to continue."))
    profile = profile or SponsorProfile(user=user)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    if "motivation" in data:
        profile.motivation_language = language_code
    if needs_consent:
        profile.consent_text = current
        profile.consented_at = timezone.now()
    if first_name is not None or last_name is not None:
        _user_name_set(user=user, first_name=first_name or "", last_name=last_name or "")
    profile.full_clean()
    profile.save()
    profile.languages.set(languages)
    if is_new:
        SponsorPerson.objects.create(
            sponsor=profile,
            user=user,
            full_name=user.display_name,
            email=user.email,
            role=SponsorPerson.Role.MAIN,
            accepted_at=timezone.now(),
        )
    else:
        SponsorPerson.objects.filter(sponsor=profile, user=user, role=SponsorPerson.Role.MAIN).exclude(
            full_name=user.display_name
        ).update(full_name=user.display_name)
    return profile


def _user_name_set(*, user: User, first_name: str, last_name: str) -> None:
    """The person's first and last name on their account (spaces tidied); both are required."""
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    errors = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if not value:
            errors[field] = _("This field is required.")
        elif len(value) > 150:  # the account's name fields (AbstractUser)
            errors[field] = _("Keep the name under 150 characters.")
    if errors:
        raise ValidationError(errors)
    if (user.first_name, user.last_name) != (first_name, last_name):
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])


def _decide(*, sponsor: SponsorProfile, by: User, status: str, notes: str = "", reason: str = "") -> SponsorProfile:
    if not can_decide_sponsor(by):
        raise PermissionDenied
    with transaction.atomic():
        sponsor = SponsorProfile.objects.select_for_update().get(pk=sponsor.pk)
        if sponsor.erased_at:
            raise SponsorError(_("This sponsor's data has been erased."))
        if sponsor.status == status:
            raise SponsorError(_("The sponsor already has this status."))
        sponsor.status = status
        sponsor.decided_by = by
        sponsor.decided_at = timezone.now()
        sponsor.verification_notes = notes
        sponsor.rejection_reason = reason
        sponsor.decision_notified_at = None
        sponsor.save()
        task_enqueue(task=SPONSOR_DECISION_NOTIFY_TASK, args=[sponsor.pk])
    return sponsor


def sponsor_verify(*, sponsor: SponsorProfile, by: User, notes: str = "") -> SponsorProfile:
    """A caseworker verifies the sponsor; the sponsor is told by email and in the portal (worker task)."""
    return _decide(sponsor=sponsor, by=by, status=SponsorProfile.Status.VERIFIED, notes=notes)


def sponsor_reject(*, sponsor: SponsorProfile, by: User, reason: str, notes: str = "") -> SponsorProfile:
    """A caseworker rejects the sponsor, giving a reason that the sponsor will read."""
    if not reason.strip():
        raise SponsorError(_("Give the reason for the rejection: the sponsor will read it."))
    return _decide(sponsor=sponsor, by=by, status=SponsorProfile.Status.REJECTED, notes=notes, reason=reason.strip())


def sponsor_decision_notify(*, sponsor_id: int) -> bool:
    """Tell the sponsor about the verification decision, once (idempotent). Returns whether it sent."""
    with transaction.atomic():
        sponsor = (
            SponsorProfile.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=sponsor_id, decision_notified_at__isnull=True, user__isnull=False)
            .first()
        )
        if sponsor is None or sponsor.user is None or sponsor.status == SponsorProfile.Status.PENDING:
            return False
        if sponsor.status == SponsorProfile.Status.VERIFIED:
            # What is still missing before matching is said when read (`matching.notification_kinds`).
            user_notify(user=sponsor.user, code=SPONSOR_VERIFIED, params={"sponsor": sponsor.pk})
        else:
            user_notify(user=sponsor.user, code=SPONSOR_REJECTED, params={"reason": sponsor.rejection_reason})
        sponsor.decision_notified_at = timezone.now()
        sponsor.save(update_fields=["decision_notified_at"])
    return True


# --- Community groups ------------------------------------------------------------------------------


def group_member_invite(*, sponsor: SponsorProfile, by: User, full_name: str, email: str, role: str) -> SponsorPerson:
    """The group's account holder invites a member by email; the member accepts with their own account."""
    if sponsor.kind != SponsorProfile.Kind.COMMUNITY_GROUP:
        raise SponsorError(_("Only a community group has members."))
    if not is_sponsor_of(by, sponsor):
        raise PermissionDenied
    if role not in SponsorPerson.GROUP_ROLES:
        raise SponsorError(_("Choose a role for the member."))
    email = email.strip().lower()
    if sponsor.persons.filter(email__iexact=email).exists():
        raise SponsorError(_("This person is already a member or has been invited."))
    person = SponsorPerson(
        sponsor=sponsor,
        full_name=full_name.strip(),
        email=email,
        role=role,
        invitation_token=SponsorPerson.new_token(),
        invited_at=timezone.now(),
    )
    person.full_clean()
    person.save()
    task_enqueue(task=GROUP_INVITATION_SEND_TASK, args=[person.pk])
    return person


def group_invitation_send(*, person_id: int) -> bool:
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    person = SponsorPerson.objects.select_related("sponsor__user").filter(pk=person_id).first()
    if person is None or not person.invitation_token or person.accepted_at:
        return False
    inviter = person.sponsor.user
    with translation.override(inviter.language if inviter else settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "group": person.sponsor.organisation_name,
            "link": settings.SITE_URL + reverse("sponsorship:invitation", kwargs={"token": person.invitation_token}),
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("You are invited to join a community sponsorship group")
        body = render_to_string("sponsorship/email/invitation_message.txt", context)
    email_send(message=EmailMultiAlternatives(subject=subject, body=body, to=[person.email]))
    return True


@transaction.atomic
def group_invitation_accept(*, token: str, user: User) -> SponsorPerson:
    person = SponsorPerson.objects.select_for_update().filter(invitation_token=token, accepted_at__isnull=True).first()
    if person is None:
        raise SponsorError(_("This invitation is not valid any more."))
    addresses = {
        user.email.lower(),
        *(e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)),
    }
    if person.email.lower() not in addresses:
        raise SponsorError(_("This invitation was sent to another email address. Sign in with that address."))
    if SponsorPerson.objects.filter(sponsor=person.sponsor, user=user).exists():
        raise SponsorError(_("You are already a member of this group."))
    person.user = user
    person.accepted_at = timezone.now()
    person.invitation_token = None
    person.save(update_fields=["user", "accepted_at", "invitation_token"])
    return person


# --- Checks ------------------------------------------------------------------------------------------


def sponsor_check_record(
    *,
    person: SponsorPerson,
    kind: str,
    result: str,
    checked_on: datetime.date,
    by: User,
    expires_on: datetime.date | None = None,
    notes: str = "",
    scan=None,
) -> SponsorCheck:
    """A caseworker records a check of one person, verified by them (`checked_by`), with the scan of the
    document seen (a PDF or a photo, checked and re-encoded: `portal.uploads.evidence_read`); a newer
    check of the same kind supersedes older ones. Nothing is saved when the scan is refused."""
    check = SponsorCheck(
        person=person,
        kind=kind,
        result=result,
        checked_on=checked_on,
        checked_by=by,
        expires_on=expires_on,
        notes=notes,
    )
    check.full_clean(exclude=["scan"])
    prepared = _scan_read(scan) if scan else None
    with transaction.atomic():
        if prepared is not None:
            _scan_store(check, prepared)
        try:
            check.save()
        except Exception:
            _scan_files_delete([check.scan.name])
            raise
    return check


def sponsor_check_scan_replace(*, check: SponsorCheck, scan, by: User) -> SponsorCheck:
    """Attach a scan to a recorded check (or replace its scan: the old file is deleted once saved)."""
    prepared = _scan_read(scan)
    old = check.scan.name
    with transaction.atomic():
        _scan_store(check, prepared)
        try:
            check.save(update_fields=["scan"])
        except Exception:
            _scan_files_delete([check.scan.name])
            raise
        if old:
            transaction.on_commit(lambda: _scan_files_delete([old]))
    return check


def _scan_read(scan) -> tuple[str, bytes]:
    try:
        extension, data, _thumbnail = evidence_read(scan, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except UploadError as error:
        raise SponsorError(_("The scan was refused: %(error)s") % {"error": " ".join(error.messages)}) from error
    return extension, data


def _scan_store(check: SponsorCheck, prepared: tuple[str, bytes]) -> None:
    extension, data = prepared
    check.scan.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)


def _scan_files_delete(names: list[str]) -> None:
    for name in filter(None, names):
        default_storage.delete(name)


def sponsor_check_scan_forget(*, check: SponsorCheck) -> None:
    """A deleted check's scan leaves storage once the deletion is committed (connected to `post_delete`,
    so that a check deleted with its person or sponsor leaves no file behind)."""
    if check.scan.name:
        name = check.scan.name
        transaction.on_commit(lambda: _scan_files_delete([name]))


def sponsor_check_scans_delete(checks) -> None:
    """Erasure: the scans of these checks are deleted from storage once the transaction commits (the
    rows are the caller's to delete)."""
    names = [name for name in checks.values_list("scan", flat=True) if name]
    if names:
        transaction.on_commit(lambda: _scan_files_delete(names))


# --- Export and erasure -----------------------------------------------------------------------------


def _user_emails(user: User) -> list[str]:
    return personal_values(user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True))


def _person_export(person: SponsorPerson, *, user: User) -> dict[str, Any]:
    """The user's own entry in full; other people of a group by role and dates only (their data is theirs)."""
    if person.user_id != user.pk:
        return {"role": person.role, "invited_at": _iso(person.invited_at), "accepted": bool(person.accepted_at)}
    return {
        "full_name": person.full_name,
        "email": person.email,
        "role": person.role,
        "group": person.sponsor.organisation_name if person.sponsor.user_id != user.pk else None,
        "invited_at": _iso(person.invited_at),
        "accepted_at": _iso(person.accepted_at),
        "checks": [
            {
                "kind": check.kind,
                "result": check.result,
                "checked_on": check.checked_on.isoformat(),
                "expires_on": _iso(check.expires_on),
                "checked_by": staff_label(check.checked_by),
                "recorded_at": check.created_at.isoformat(),
                "scan": bool(check.scan),
            }
            for check in person.checks.all()
        ],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _notifications_export(user: User) -> list[dict[str, Any]]:
    """The user's notifications as they read them: rendered in the account's language, with the code."""
    with translation.override(user.language):
        return [
            {
                "code": n.code,
                "title": n.rendered.title,
                "body": n.rendered.body,
                "link": n.rendered.link,
                "created_at": n.created_at.isoformat(),
                "read": bool(n.read_at),
            }
            for n in notifications_render(Notification.objects.filter(user=user))
        ]


# auditlog's actions, by stable names for the download.
AUDIT_ACTIONS = {0: "create", 1: "update", 2: "delete", 3: "access"}


def _audit_trail(*, user: User, profile: SponsorProfile | None) -> list[dict[str, Any]]:
    """The user's audit trail, from the audit log (django-auditlog): the entries they made, with what
    they changed, and the entries others made about their own records (account, profile, people,
    checks, offers), with who by role and organisation and which fields changed, not the values (staff
    notes are not part of the download, Art. 15(4)). Other members of a group appear by role only."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    trail = [
        {
            "at": entry.timestamp.isoformat(),
            "by": "you",
            "action": AUDIT_ACTIONS.get(entry.action, str(entry.action)),
            "record": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "label": entry.object_repr,
            "changes": entry.changes if entry.action != LogEntry.Action.ACCESS else None,
        }
        for entry in LogEntry.objects.filter(actor=user).select_related("content_type").order_by("timestamp", "pk")
    ]
    persons = SponsorPerson.objects.filter(Q(user=user) | Q(sponsor=profile) if profile else Q(user=user))
    records = [(User, [user.pk]), (SponsorPerson, list(persons.values_list("pk", flat=True)))]
    if profile is not None:
        records += [
            (SponsorProfile, [profile.pk]),
            (SponsorCheck, list(SponsorCheck.objects.filter(person__sponsor=profile).values_list("pk", flat=True))),
        ]
        for part in sponsor_parts():
            records += part.audit_records(profile)
    about = Q(pk__in=[])
    for model, pks in records:
        about |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks])
    # Other people of the group: their entries say what changed, not who they are.
    others = {str(pk) for pk in persons.exclude(user=user).values_list("pk", flat=True)}
    person_type = ContentType.objects.get_for_model(SponsorPerson)
    entries = (
        LogEntry.objects.filter(about)
        .exclude(actor=user)
        .select_related("content_type", "actor__organisation")
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        someone_else = entry.content_type_id == person_type.pk and entry.object_pk in others
        trail.append(
            {
                "at": entry.timestamp.isoformat(),
                "by": staff_label(entry.actor),
                "action": AUDIT_ACTIONS.get(entry.action, str(entry.action)),
                "record": f"{entry.content_type.app_label}.{entry.content_type.model}",
                "label": None if someone_else else entry.object_repr,
                "fields": sorted(entry.changes) if isinstance(entry.changes, dict) else [],
            }
        )
    return sorted(trail, key=lambda item: item["at"])


def sponsor_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about this user as a sponsor (GDPR Arts. 15 and 20), as JSON-ready data:
    account, profile, their own checks, consents, notifications and their audit trail, and the parts of the
    higher layers (`sponsorship.privacy`): offers with inspections and history, the proposals that reached
    them with their answers, the placements they host, training and event registrations. Nothing about
    anyone else: households by pseudonymous reference and size, staff by role and organisation, other
    group members by role.
    """
    profile = (
        SponsorProfile.objects.filter(user=user, erased_at__isnull=True)
        .select_related("municipality", "consent_text", "decided_by__organisation")
        .prefetch_related("languages", "persons__checks__checked_by__organisation")
        .first()
    )
    emails = _user_emails(user)
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": _iso(user.last_login),
            "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        },
        "notifications": _notifications_export(user),
        "sponsor": None,
        "memberships": [
            _person_export(person, user=user)
            for person in SponsorPerson.objects.filter(user=user)
            .exclude(sponsor__user=user)
            .select_related("sponsor")
            .prefetch_related("checks__checked_by__organisation")
        ],
    }
    for part in sponsor_parts():
        data.update(part.export(user, profile, emails))
    data["audit_trail"] = _audit_trail(user=user, profile=profile)
    if profile is None:
        return data
    data["sponsor"] = {
        "kind": profile.kind,
        "organisation_name": profile.organisation_name,
        "municipality": profile.municipality.name,
        "country": profile.country.code,
        "languages": [language.code for language in profile.languages.all()],
        "phone": profile.phone,
        "motivation": profile.motivation,
        "motivation_language": profile.motivation_language,
        "consent_version": profile.consent_text.version if profile.consent_text else None,
        "consented_at": _iso(profile.consented_at),
        "status": profile.status,
        "decided_at": _iso(profile.decided_at),
        "decided_by": staff_label(profile.decided_by) if profile.decided_by_id else None,
        "rejection_reason": profile.rejection_reason,
        "created_at": profile.created_at.isoformat(),
        "people": [_person_export(person, user=user) for person in profile.persons.all()],
    }
    return data


def _sponsor_pseudonym(*, user: User, profile: SponsorProfile | None) -> str:
    return f"erased-sponsor-{profile.pk}" if profile is not None else f"erased-user-{user.pk}"


@transaction.atomic
def sponsor_erase(*, user: User) -> str:
    """Delete the account (GDPR Art. 17): no name, email, phone, address or text of the person stays.

    - The profile keeps kind, municipality, status and dates; its people (group members and their
      pending invitations included) and their checks are deleted; so is the person's entry in anyone
      else's group.
    - The parts of the higher layers (`sponsorship.privacy`) take theirs: offers are withdrawn (open
      proposals end with them), their addresses, descriptions and notes blanked, their photos deleted
      from storage; decline notes and the notes of the steps the person took are erased, while staff
      notes on their proposals, placements and safeguarding concerns are kept with the person's values
      replaced by the pseudonym; certificates are revoked (the public page says "revoked") and lose the
      holder's name, event registrations under their addresses lose name and email, upcoming
      enrolments are cancelled.
    - Notifications, email addresses and second factors are deleted; the account is deactivated and
      keeps only a placeholder address.
    - The audit log (and the admin's own log) keep every entry, with the person's values and labels
      replaced by the pseudonym (`portal.privacy.audit_pseudonymise`).

    Returns the pseudonym (``erased-sponsor-<profile id>``, or ``erased-user-<id>`` without a profile).
    """
    from allauth.mfa.models import Authenticator

    profile = SponsorProfile.objects.select_for_update().filter(user=user).first()
    pseudonym = _sponsor_pseudonym(user=user, profile=profile)
    emails = _user_emails(user)
    memberships = list(SponsorPerson.objects.filter(user=user))
    persons = list(profile.persons.all()) if profile is not None else []
    erasure = SponsorErasure(
        user=user,
        profile=profile,
        pseudonym=pseudonym,
        emails=emails,
        erased=ErasureResult(records=[*persons, *memberships], own=[user, *persons, *memberships]),
        # Values that identify the person wherever they appear in the audit log.
        identifiers=[
            *emails,
            user.get_full_name(),
            *(value for p in [*persons, *memberships] for value in (p.full_name, p.email)),
        ],
        # Values that are theirs in the records about them (names alone would match other people elsewhere).
        about=[user.first_name, user.last_name],
    )
    if profile is not None:
        erasure.erased.own.append(profile)
        erasure.erased.records += SponsorCheck.objects.filter(person__sponsor=profile)
        erasure.identifiers += [profile.phone, profile.organisation_name]
        erasure.about += [
            profile.motivation,
            profile.verification_notes,
            profile.rejection_reason,
            *SponsorCheck.objects.filter(person__sponsor=profile).values_list("notes", flat=True),
        ]
    parts = sponsor_parts()
    for part in parts:
        part.prepare(erasure)
    for part in parts:
        part.erase(erasure)
    if profile is not None:
        # Their checks go with them, and the checks' scans leave storage (`sponsor_check_scan_forget`).
        profile.persons.all().delete()
        profile.organisation_name = ""
        profile.phone = ""
        profile.motivation = ""
        profile.verification_notes = ""
        profile.rejection_reason = ""
        profile.erased_at = timezone.now()
        profile.user = None
        profile.save()
        profile.languages.clear()
    # As a member of someone else's group, the person's entry (name, email, checks) goes too.
    SponsorPerson.objects.filter(user=user).delete()
    erased, identifiers = erasure.erased, erasure.identifiers
    emails_discard(addresses=emails)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@invalid.invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    # Last, so that the audit entries of the erasure itself (made by the person) are pseudonymised too.
    values = personal_values(*identifiers, *erasure.about, *erased.values)
    audit_pseudonymise(pseudonym=pseudonym, values=values, instances=erased.records, actor=user, relabel=False)
    audit_pseudonymise(pseudonym=pseudonym, values=values, instances=erased.own, relabel=True)
    audit_pseudonymise(pseudonym=pseudonym, values=personal_values(*identifiers), everywhere=True)
    return pseudonym


def consent_text_publish(*, version: str, texts: dict[str, str]) -> ConsentText:
    """Publish a new consent version; sponsors are asked to agree again when they next edit their profile."""
    consent = ConsentText(version=version, **{f"text_{code}": text for code, text in texts.items()})
    consent.full_clean()
    consent.save()
    return consent
