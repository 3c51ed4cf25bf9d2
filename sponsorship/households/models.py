"""Beneficiary households: the people, their needs and consent, and transfers between organisations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField


class Household(models.Model):
    """A household of beneficiaries of international protection, recorded by a caseworker.

    Special-category personal data: only caseworkers of the responsible organisation (and admins)
    see it; every view and change is written to the audit log.
    """

    class ProtectionStatus(models.TextChoices):
        REFUGEE = "refugee", _("Refugee status")
        SUBSIDIARY = "subsidiary", _("Subsidiary protection")
        TEMPORARY = "temporary", _("Temporary protection")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SEEKING = "seeking", _("Seeking housing")
        PROPOSED = "proposed", _("Proposed")
        HOUSED = "housed", _("Housed")
        CLOSED = "closed", _("Closed")

    # The statuses that follow the household's proposals and placements (derived by matching's
    # `household_status_sync`), never set by hand; the others are the caseworker's.
    DERIVED_STATUSES = frozenset({Status.PROPOSED, Status.HOUSED})

    reference = models.CharField(_("reference code"), max_length=20, unique=True, editable=False)
    head_name = models.CharField(_("head of household"), max_length=200)
    head_birth_date = models.DateField(_("date of birth of the head"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    nationalities = CountryField(_("nationalities"), multiple=True, blank=True)
    languages = models.ManyToManyField(
        "projects.Language", verbose_name=_("languages"), blank=True, related_name="households"
    )
    protection_status = models.CharField(_("protection status"), max_length=20, choices=ProtectionStatus.choices)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    current_accommodation = models.CharField(_("current accommodation"), max_length=300, blank=True)
    move_in_from = models.DateField(_("wanted move-in date"), null=True, blank=True)
    stay_months = models.PositiveSmallIntegerField(_("wanted stay (months)"), null=True, blank=True)
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    has_pets = models.BooleanField(_("has pets"), default=False)
    max_monthly_rent = models.DecimalField(
        _("maximum monthly rent (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    near_school = models.BooleanField(_("near a school"), default=False)
    near_work = models.BooleanField(_("near work"), default=False)
    near_medical_care = models.BooleanField(_("near medical care"), default=False)
    other_needs = models.TextField(_("other needs"), blank=True)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "projects.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    # The staff member who accompanies the household (counselling, mentoring): one of its organisation's
    # staff (`sponsorship.access.can_mentor_household`, checked by `household_save`).
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_households",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text=_("A staff member of the household's organisation who accompanies the household."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    possible_duplicates = models.ManyToManyField(
        "self", verbose_name=_("possible duplicates"), blank=True, symmetrical=True
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    # Set when the household's personal data was erased (on request or by the retention schedule): what
    # remains is an anonymised statistical record (see `sponsorship.households.privacy`).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    adults_count = models.PositiveSmallIntegerField(
        _("adults (when anonymised)"), null=True, blank=True, editable=False
    )
    children_count = models.PositiveSmallIntegerField(
        _("children (when anonymised)"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-created_at"]
        indexes = [
            # The admin's list: an organisation's households (`households_for`), newest first; and every
            # household, newest first (admins).
            models.Index(fields=["organisation", "-created_at", "-id"], name="household_org_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="household_created_idx"),
        ]

    def __str__(self) -> str:
        # The pseudonymous reference: names never appear in lists, logs or history titles.
        return self.reference

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_given_on)

    def size(self) -> int:
        return self.members.count()


class HouseholdMember(models.Model):
    class Kind(models.TextChoices):
        ADULT = "adult", _("Adult")
        CHILD = "child", _("Child")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("adult or child"), max_length=10, choices=Kind.choices)
    age = models.PositiveSmallIntegerField(_("age"))
    name = models.CharField(pgettext_lazy("a person's", "name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "-age", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.age}"

    def clean(self) -> None:
        if self.age is not None and self.age > 120:
            raise ValidationError({"age": _("Enter a real age.")})
        if self.kind == self.Kind.CHILD and self.age is not None and self.age >= 18:
            raise ValidationError({"age": _("A child is under 18.")})
        if self.kind == self.Kind.ADULT and self.age is not None and self.age < 18:
            raise ValidationError({"age": _("An adult is 18 or older.")})


class MunicipalityPreference(models.Model):
    """A municipality where the household would like to live, in order of preference (1 = first)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="preferences")
    municipality = models.ForeignKey("projects.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT)
    rank = models.PositiveSmallIntegerField(_("preference"), default=1)

    class Meta:
        verbose_name = _("preferred municipality")
        verbose_name_plural = _("preferred municipalities")
        ordering = ["household", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["household", "municipality"], name="one_preference_per_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.municipality}"


class HouseholdTransfer(models.Model):
    """A request to hand a household over to another organisation."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        "projects.Organisation", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "projects.Organisation", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(status="requested"), name="one_open_transfer_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} → {self.to_organisation}"


class HouseholdNote(models.Model):
    """A caseworker's or mentor's record of a contact with the household: a consultation, a mentoring
    session, a mediation, a phone call or a home visit (the household's timeline)."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        MENTORING = "mentoring", _("Mentoring")
        MEDIATION = "mediation", _("Mediation")
        PHONE_CALL = "phone_call", _("Phone call")
        HOME_VISIT = "home_visit", _("Home visit")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("date and time"), default=timezone.now)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household note")
        verbose_name_plural = _("household notes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["household", "-at"], name="household_note_at_idx")]

    def __str__(self) -> str:
        return f"{self.household} – {self.get_kind_display()}"


class HouseholdMeeting(models.Model):
    """A meeting with the household: to arrange (no date yet), arranged, held or cancelled; with its
    place and attendees (staff with an account, and others named in words)."""

    class Status(models.TextChoices):
        TO_ARRANGE = "to_arrange", pgettext_lazy("meeting", "To arrange")
        ARRANGED = "arranged", pgettext_lazy("meeting", "Arranged")
        HELD = "held", pgettext_lazy("meeting", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")

    # A meeting still to come or to be arranged (erasure cancels them, the timeline shows them apart).
    OPEN = [Status.TO_ARRANGE, Status.ARRANGED]

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="meetings"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TO_ARRANGE)
    purpose = models.CharField(_("purpose"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff attending"),
        blank=True,
        related_name="household_meetings",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    attendees = models.TextField(
        _("other attendees"),
        blank=True,
        help_text=_("People without an account, by name or role: the household, the sponsor, an interpreter…"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="household_meeting_status_idx")]

    def __str__(self) -> str:
        return f"{self.household} – {self.purpose}"

    def clean(self) -> None:
        if self.status in (self.Status.ARRANGED, self.Status.HELD) and self.starts_at is None:
            raise ValidationError({"starts_at": _("An arranged or held meeting has a date and time.")})
