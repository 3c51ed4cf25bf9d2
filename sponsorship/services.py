"""Sponsor rules: profile and consent, members and invitations, checks, verification, export and erasure."""

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Notification, User
from portal.notifications import user_notify
from portal.services import task_enqueue
from sponsorship.models import ConsentText, SponsorCheck, SponsorPerson, SponsorProfile
from sponsorship.selectors import consent_current


class SponsorError(ValidationError):
    """A sponsor rule was broken; the message is translated and safe to show."""


PROFILE_FIELDS = ["kind", "organisation_name", "municipality", "country", "phone", "motivation"]


@transaction.atomic
def sponsor_profile_save(
    *, user: User, data: dict[str, Any], languages: list, consent: bool, language_code: str
) -> SponsorProfile:
    """Create or update the user's sponsor profile.

    Consent to the current consent text is required to create a profile, and again whenever a newer
    version has been published; its version and time are stored. A new profile is pending until a
    caseworker verifies it, and its account holder becomes the sponsor's main person.
    """
    profile = SponsorProfile.objects.select_for_update().filter(user=user).first()
    is_new = profile is None
    if profile is not None and profile.erased_at:
        raise SponsorError(_("This account has been deleted."))
    current = consent_current()
    needs_consent = is_new or profile.consent_text_id != current.pk
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
    profile.full_clean()
    profile.save()
    profile.languages.set(languages)
    if is_new:
        SponsorPerson.objects.create(
            sponsor=profile,
            user=user,
            full_name=user.get_full_name() or user.email,
            email=user.email,
            role=SponsorPerson.Role.MAIN,
            accepted_at=timezone.now(),
        )
    return profile


def _decide(*, sponsor: SponsorProfile, by: User, status: str, notes: str = "", reason: str = "") -> SponsorProfile:
    if not by.is_staff:
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
        from sponsorship.tasks import sponsor_decision_notify_task

        task_enqueue(task=sponsor_decision_notify_task, args=[sponsor.pk])
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
        if sponsor is None or sponsor.status == SponsorProfile.Status.PENDING:
            return False
        with translation.override(sponsor.user.language):
            if sponsor.status == SponsorProfile.Status.VERIFIED:
                title = _("You are now a verified sponsor")
                body = _("A caseworker has verified your sponsor profile. Your housing offers can now be matched.")
            else:
                title = _("Your sponsor profile was not verified")
                body = _("A caseworker could not verify your sponsor profile. Reason: %(reason)s") % {
                    "reason": sponsor.rejection_reason
                }
            link = reverse("sponsorship:dashboard")
            user_notify(user=sponsor.user, title=title, body=body, link=link)
        sponsor.decision_notified_at = timezone.now()
        sponsor.save(update_fields=["decision_notified_at"])
    return True


# --- Community groups ------------------------------------------------------------------------------


def group_member_invite(*, sponsor: SponsorProfile, by: User, full_name: str, email: str, role: str) -> SponsorPerson:
    """The group's account holder invites a member by email; the member accepts with their own account."""
    if sponsor.kind != SponsorProfile.Kind.COMMUNITY_GROUP:
        raise SponsorError(_("Only a community group has members."))
    if sponsor.user_id != by.pk:
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
    from sponsorship.tasks import group_invitation_send_task

    task_enqueue(task=group_invitation_send_task, args=[person.pk])
    return person


def group_invitation_send(*, person_id: int) -> bool:
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    from portal.services import email_send

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
) -> SponsorCheck:
    """A caseworker records a check of one person; a newer check of the same kind supersedes older ones."""
    check = SponsorCheck(
        person=person,
        kind=kind,
        result=result,
        checked_on=checked_on,
        checked_by=by,
        expires_on=expires_on,
        notes=notes,
    )
    check.full_clean()
    check.save()
    return check


# --- Export and erasure -----------------------------------------------------------------------------


def sponsor_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about this user as a sponsor, as JSON-ready data."""
    from housing.selectors import offer_list_for_user

    profile = SponsorProfile.objects.filter(user=user).prefetch_related("languages", "persons__checks").first()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        },
        "notifications": [
            {"title": n.title, "body": n.body, "created_at": n.created_at.isoformat(), "read": bool(n.read_at)}
            for n in Notification.objects.filter(user=user)
        ],
        "sponsor": None,
        "offers": [],
    }
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
        "consented_at": profile.consented_at.isoformat() if profile.consented_at else None,
        "status": profile.status,
        "decided_at": profile.decided_at.isoformat() if profile.decided_at else None,
        "rejection_reason": profile.rejection_reason,
        "created_at": profile.created_at.isoformat(),
        "people": [
            {
                "full_name": person.full_name,
                "email": person.email,
                "role": person.role,
                "checks": [
                    {
                        "kind": check.kind,
                        "result": check.result,
                        "checked_on": check.checked_on.isoformat(),
                        "expires_on": check.expires_on.isoformat() if check.expires_on else None,
                    }
                    for check in person.checks.all()
                ],
            }
            for person in profile.persons.all()
        ],
    }
    for offer in offer_list_for_user(user=user).prefetch_related("transitions", "photos", "inspections"):
        data["offers"].append(
            {
                "id": offer.pk,
                "status": offer.status,
                "kind": offer.kind,
                "municipality": offer.municipality.name if offer.municipality else None,
                "street_address": offer.street_address,
                "capacity": offer.capacity,
                "bedrooms": offer.bedrooms,
                "step_free": offer.step_free,
                "lift": offer.lift,
                "floor": offer.floor,
                "children_welcome": offer.children_welcome,
                "pets_allowed": offer.pets_allowed,
                "smoking_allowed": offer.smoking_allowed,
                "host_languages": [language.code for language in offer.host_languages.all()],
                "cost": offer.cost,
                "monthly_rent": str(offer.monthly_rent) if offer.monthly_rent is not None else None,
                "utilities_included": offer.utilities_included,
                "monthly_utilities": str(offer.monthly_utilities) if offer.monthly_utilities is not None else None,
                "available_from": offer.available_from.isoformat() if offer.available_from else None,
                "available_until": offer.available_until.isoformat() if offer.available_until else None,
                "minimum_stay_months": offer.minimum_stay_months,
                "description": offer.description,
                "photos": [photo.image.url for photo in offer.photos.all()],
                "history": [
                    {"from": t.from_status, "to": t.to_status, "at": t.at.isoformat(), "note": t.note}
                    for t in offer.transitions.all()
                ],
                "inspections": [
                    {"visited_on": i.visited_on.isoformat(), "result": i.result, "notes": i.notes}
                    for i in offer.inspections.all()
                ],
            }
        )
    return data


@transaction.atomic
def sponsor_erase(*, user: User) -> None:
    """Delete the account: offers are withdrawn, personal data erased, anonymised records kept for statistics.

    What stays: the sponsor's kind, municipality, status and dates, and each offer's kind,
    municipality, capacity, status and history (without notes), none of which identifies a person.
    """
    from housing.services import offers_withdraw_and_erase

    profile = SponsorProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        offers_withdraw_and_erase(sponsor=profile, by=user)
        for person in profile.persons.all():
            person.checks.update(notes="")
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
    _admin_log_anonymise(user=user, profile=profile)
    EmailAddress.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@invalid.invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def _admin_log_anonymise(*, user: User, profile: SponsorProfile | None) -> None:
    """The admin's change history names objects by their text: keep the history, drop the names."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from housing.models import HousingOffer

    targets = [(User, [user.pk])]
    if profile is not None:
        targets += [
            (SponsorProfile, [profile.pk]),
            (HousingOffer, list(HousingOffer.objects.filter(sponsor=profile).values_list("pk", flat=True))),
        ]
    for model, pks in targets:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks]
        ).update(object_repr="–", change_message="")


def consent_text_publish(*, version: str, texts: dict[str, str]) -> ConsentText:
    """Publish a new consent version; sponsors are asked to agree again when they next edit their profile."""
    consent = ConsentText(version=version, **{f"text_{code}": text for code, text in texts.items()})
    consent.full_clean()
    consent.save()
    return consent
