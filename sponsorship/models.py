"""Sponsors: people and organisations who offer a home, their members, checks and verification."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class ConsentText(models.Model):
    """A version of the text a sponsor agrees to; the version they agreed to is kept with the consent."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.version


class SponsorProfile(models.Model):
    class Kind(models.TextChoices):
        HOST_FAMILY = "host_family", _("Host family or individual")
        COMMUNITY_GROUP = "community_group", _("Community group")
        LANDLORD = "landlord", _("Landlord")
        REAL_ESTATE_AGENCY = "real_estate_agency", _("Real-estate agency")
        MUNICIPALITY = "municipality", _("Municipality")
        NGO = "ngo", _("NGO or faith organisation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    # Kinds that act as an organisation and must give its name.
    ORGANISATION_KINDS = {Kind.COMMUNITY_GROUP, Kind.REAL_ESTATE_AGENCY, Kind.MUNICIPALITY, Kind.NGO}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsor_profile",
    )
    kind = models.CharField(_("kind of sponsor"), max_length=30, choices=Kind.choices)
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "projects.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="sponsors"
    )
    country = CountryField(_("country"), default="LT")
    languages = models.ManyToManyField(
        "projects.Language", verbose_name=_("languages spoken"), blank=True, related_name="sponsors"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    motivation_language = models.CharField(_("language of the motivation"), max_length=8, blank=True)
    consent_text = models.ForeignKey(
        ConsentText, verbose_name=_("consent version"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    consented_at = models.DateTimeField(_("consented at"), null=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    verification_notes = models.TextField(_("verification notes"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decision_notified_at = models.DateTimeField(_("decision notified at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="sponsor_created_idx"),
            # The caseworker's queue of sponsors to verify: the pending ones only.
            models.Index(fields=["created_at"], condition=models.Q(status="pending"), name="sponsor_pending_idx"),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return _("Erased sponsor #%(pk)s") % {"pk": self.pk}
        name = self.organisation_name or (self.user.get_full_name() if self.user else "") or ""
        return name or (self.user.email if self.user else f"#{self.pk}")

    def clean(self) -> None:
        if self.kind in self.ORGANISATION_KINDS and not self.organisation_name.strip() and not self.erased_at:
            raise ValidationError({"organisation_name": _("Give the name of the organisation or group.")})


class SponsorPerson(models.Model):
    """An adult whose checks count for the sponsor: the account holder, a host household adult or a group member."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main contact")
        HOUSEHOLD_ADULT = "household_adult", _("Adult of the host household")
        LEAD = "lead", _("Group lead")
        HOUSING = "housing", _("Housing")
        MENTORING = "mentoring", _("Mentoring")
        FINANCE = "finance", _("Finance")

    GROUP_ROLES = [Role.LEAD, Role.HOUSING, Role.MENTORING, Role.FINANCE]

    sponsor = models.ForeignKey(SponsorProfile, on_delete=models.CASCADE, related_name="persons")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsor_memberships"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invitation_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person of a sponsor")
        verbose_name_plural = _("people of the sponsor")
        ordering = ["sponsor", "created_at", "pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="sponsorperson_created_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


def check_scan_upload_to(instance: "SponsorCheck", filename: str) -> str:
    return f"checks/{instance.person_id}/{filename}"


class SponsorCheck(models.Model):
    """A check a caseworker recorded for one person of a sponsor."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document seen")
        CRIMINAL_RECORD = "criminal_record", _("Certificate of no criminal record")
        REFERENCES = "references", _("References")

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    person = models.ForeignKey(SponsorPerson, verbose_name=_("person"), on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("check"), max_length=30, choices=Kind.choices)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The scan of the document seen (e.g. the certificate of no criminal record): a PDF or a photo,
    # private, served only to caseworkers (`sponsorship.access.check_scan_visible_to`).
    scan = models.FileField(_("scan"), upload_to=check_scan_upload_to, blank=True, max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["person", "kind", "-checked_on"]
        indexes = [models.Index(fields=["-checked_on", "-id"], name="sponsorcheck_checked_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_result_display()}"

    def is_expired(self, today: datetime.date | None = None) -> bool:
        """Has its validity ended (the day after `expires_on`)?"""
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())

    def clean(self) -> None:
        if self.expires_on and self.checked_on and self.expires_on < self.checked_on:
            raise ValidationError({"expires_on": _("A check cannot expire before it was made.")})


# Households have their own module; imported here so that Django registers them with this app.
from sponsorship.households.models import (  # noqa: E402
    Household,
    HouseholdMeeting,
    HouseholdMember,
    HouseholdNote,
    HouseholdTransfer,
    MunicipalityPreference,
)

__all__ = [
    "ConsentText",
    "Household",
    "HouseholdMeeting",
    "HouseholdMember",
    "HouseholdNote",
    "HouseholdTransfer",
    "MunicipalityPreference",
    "SponsorCheck",
    "SponsorPerson",
    "SponsorProfile",
]
