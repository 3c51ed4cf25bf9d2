"""Housing offers, their photos, their lifecycle and inspections."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_CAPACITY = 20


class HousingOffer(models.Model):
    class Kind(models.TextChoices):
        ROOM = "room", _("Room in the sponsor's home")
        FLAT = "flat", _("Whole flat")
        HOUSE = "house", _("House")
        OTHER = "other", _("Other")

    class Cost(models.TextChoices):
        FREE = "free", _("Free of charge")
        REDUCED = "reduced", _("Reduced rent")
        MARKET = "market", _("Market rent")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INSPECTED = "inspected", _("Inspected")
        AVAILABLE = "available", _("Available")
        RESERVED = "reserved", _("Reserved")
        OCCUPIED = "occupied", _("Occupied")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    sponsor = models.ForeignKey(
        "sponsorship.SponsorProfile", verbose_name=_("sponsor"), on_delete=models.CASCADE, related_name="offers"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    kind = models.CharField(_("kind of housing"), max_length=20, choices=Kind.choices, blank=True)
    municipality = models.ForeignKey(
        "projects.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
    )
    street_address = models.CharField(
        _("street address"),
        max_length=300,
        blank=True,
        help_text=_("Private: shown only to you and to caseworkers."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (persons)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    max_households = models.PositiveSmallIntegerField(
        _("households it can host"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Usually one."),
    )
    bedrooms = models.PositiveSmallIntegerField(
        _("bedrooms"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_CAPACITY)]
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    lift = models.BooleanField(_("lift"), default=False)
    floor = models.SmallIntegerField(
        _("floor"), null=True, blank=True, validators=[MinValueValidator(-3), MaxValueValidator(60)]
    )
    children_welcome = models.BooleanField(_("suitable for children"), default=False)
    pets_allowed = models.BooleanField(_("pets allowed"), default=False)
    smoking_allowed = models.BooleanField(_("smoking allowed"), default=False)
    # What is within easy reach (walking or a short trip by public transport): matching favours homes
    # near what a household needs.
    near_school = models.BooleanField(_("near a school"), default=False)
    near_work = models.BooleanField(_("near jobs or public transport to them"), default=False)
    near_medical_care = models.BooleanField(_("near medical care"), default=False)
    host_languages = models.ManyToManyField(
        "projects.Language", verbose_name=_("languages spoken by the host"), blank=True, related_name="offers"
    )
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, blank=True)
    monthly_rent = models.DecimalField(
        _("monthly rent (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    utilities_included = models.BooleanField(_("utilities included in the rent"), default=False)
    monthly_utilities = models.DecimalField(
        _("monthly utilities (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(
        _("available until"), null=True, blank=True, help_text=_("Leave empty when open-ended.")
    )
    minimum_stay_months = models.PositiveSmallIntegerField(
        _("minimum stay (months)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    description_language = models.CharField(_("language of the description"), max_length=8, blank=True)
    confirmed_at = models.DateTimeField(_("last confirmed by the sponsor"), null=True, blank=True)
    reconfirmation_requested_at = models.DateTimeField(_("reconfirmation requested at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("housing offer")
        verbose_name_plural = _("housing offers")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="offer_updated_idx"),
            # The caseworker's queue of offers to inspect: the submitted ones only.
            models.Index(fields=["updated_at"], condition=models.Q(status="submitted"), name="offer_submitted_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available_until__isnull=True)
                | models.Q(available_from__isnull=True)
                | models.Q(available_until__gte=models.F("available_from")),
                name="offer_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_rent__isnull=True) | models.Q(monthly_rent__gte=0),
                name="offer_rent_not_negative",
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display() if self.kind else _("Housing offer")
        place = self.municipality.name if self.municipality_id else ""
        return f"{kind} #{self.pk}" + (f", {place}" if place else "")

    def get_absolute_url(self) -> str:
        return reverse("housing:offer-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.available_from and self.available_until and self.available_until < self.available_from:
            errors["available_until"] = _("“Available until” cannot be before “available from”.")
        if self.cost == self.Cost.FREE and self.monthly_rent:
            errors["monthly_rent"] = _("A free offer has no rent.")
        if self.capacity and self.bedrooms and self.bedrooms > self.capacity:
            errors["bedrooms"] = _("There cannot be more bedrooms than persons.")
        if errors:
            raise ValidationError(errors)


def photo_upload_to(instance: "OfferPhoto", filename: str) -> str:
    return f"offers/{instance.offer_id}/{filename}"


class OfferPhoto(models.Model):
    """A photo, re-encoded on upload (metadata such as GPS position removed), with a thumbnail."""

    offer = models.ForeignKey(HousingOffer, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_upload_to)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_upload_to)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["offer", "position", "pk"]

    def __str__(self) -> str:
        return self.image.name


class OfferTransition(models.Model):
    """One step of an offer's lifecycle: who moved it, when, and why."""

    offer = models.ForeignKey(HousingOffer, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=HousingOffer.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=HousingOffer.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["offer", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Inspection(models.Model):
    """A caseworker's visit of the offered home: a result for each checklist item, the typed reasons of
    a failure, the evidence (photos and documents, `InspectionFile`) and, when the faults can be fixed,
    the date of the next visit."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        REINSPECT = "reinspect", _("Fixable: inspect again")
        FAIL = "fail", _("Fail")

    class ItemResult(models.TextChoices):
        OK = "ok", _("Satisfactory")
        FAILED = "failed", _("Not satisfactory")

    CHECKLIST = ["safety", "heating", "water_sanitation", "smoke_detector", "matches_description"]

    offer = models.ForeignKey(HousingOffer, on_delete=models.CASCADE, related_name="inspections")
    visited_on = models.DateField(_("visit date"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    safety = models.CharField(_("safe"), max_length=10, choices=ItemResult.choices)
    heating = models.CharField(_("heating works"), max_length=10, choices=ItemResult.choices)
    water_sanitation = models.CharField(_("water and sanitation"), max_length=10, choices=ItemResult.choices)
    smoke_detector = models.CharField(_("smoke detector"), max_length=10, choices=ItemResult.choices)
    matches_description = models.CharField(_("matches the description"), max_length=10, choices=ItemResult.choices)
    other_reason = models.CharField(_("other reason"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    reinspect_on = models.DateField(
        _("re-inspection date"),
        null=True,
        blank=True,
        help_text=_("When the faults can be fixed: the offer is back among the offers to inspect on this date."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["offer", "-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["-visited_on", "-id"], name="inspection_visited_idx"),
            models.Index(fields=["offer", "-created_at", "-id"], name="inspection_offer_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="reinspect", reinspect_on__isnull=False)
                | (~models.Q(result="reinspect") & models.Q(reinspect_on__isnull=True)),
                name="inspection_reinspect_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on}: {self.get_result_display()}"

    @classmethod
    def item_label(cls, name: str) -> str:
        """A checklist item's label (the field's verbose name), in the active language."""
        return str(cls._meta.get_field(name).verbose_name)

    def failed_items(self) -> list[str]:
        """The labels of the checklist items found not satisfactory."""
        return [self.item_label(name) for name in self.CHECKLIST if getattr(self, name) != self.ItemResult.OK]

    def reasons_text(self) -> str:
        """What did not pass, in words (the active language): the items, the typed reasons and the notes."""
        return "; ".join(filter(None, [", ".join(self.failed_items()), ", ".join(self.reason_labels()), self.notes]))

    def reason_labels(self) -> list[str]:
        """The failure reasons in words (`other` with its text); reads the prefetched `failures`."""
        labels = []
        for failure in self.failures.all():
            if failure.reason == InspectionFailure.Reason.OTHER and self.other_reason:
                labels.append(f"{failure.get_reason_display()}: {self.other_reason}")
            else:
                labels.append(str(failure.get_reason_display()))
        return labels


class InspectionFailure(models.Model):
    """One typed reason why an inspection did not pass (several per inspection), so that they can be counted."""

    class Reason(models.TextChoices):
        OVERCROWDED = "overcrowded", _("Overcrowded")
        POOR_CONDITION = "poor_condition", _("Poor condition")
        NO_LANDLORD_CONSENT = "no_landlord_consent", _("No consent of the landlord")
        UNSAFE = "unsafe", _("Unsafe")
        OTHER = "other", _("Other")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="failures")
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)

    class Meta:
        verbose_name = _("failure reason")
        verbose_name_plural = _("failure reasons")
        ordering = ["inspection", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "reason"], name="inspection_failure_unique")]

    def __str__(self) -> str:
        return str(self.get_reason_display())


def inspection_file_upload_to(instance: "InspectionFile", filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{filename}"


class InspectionFile(models.Model):
    """Evidence of an inspection: a photo (re-encoded without metadata, with a thumbnail) or a PDF document.
    Private: served only to caseworkers (`housing.access.inspection_file_visible_to`)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=inspection_file_upload_to, max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=inspection_file_upload_to, blank=True, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection evidence")
        verbose_name_plural = _("inspection evidence")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
