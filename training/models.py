"""Training programmes, sessions with enrolment and waiting lists, certificates, recruitment events."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.formatting import datetime_display


class Programme(models.Model):
    class Audience(models.TextChoices):
        SPONSORS = "sponsors", _("Sponsors")
        STAFF = "staff", _("Caseworkers and scheme staff")
        TRAINERS = "trainers", _("Trainers (train the trainer)")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    required_for_matching = models.BooleanField(_("required before a sponsor can be matched"), default=False)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:programme-detail", kwargs={"slug": self.slug})


class Module(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    materials = models.ManyToManyField(
        "projects.Resource", verbose_name=_("materials"), blank=True, related_name="modules"
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Session(models.Model):
    """A dated session of a programme covering some (usually all) of its modules."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="sessions"
    )
    modules = models.ManyToManyField(Module, verbose_name=_("modules covered"), related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=50, default="Europe/Vilnius")
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.ForeignKey(
        "projects.Language", verbose_name=_("language"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    registration_deadline = models.DateTimeField(_("registration deadline"))

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_deadline__lte=models.F("starts_at")),
                name="session_deadline_before_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self) -> str:
        # The start in the portal's time zone, in the reader's language (it names the session in lists,
        # choices and notifications).
        return f"{self.programme} – {datetime_display(self.starts_at)}"

    def get_absolute_url(self) -> str:
        return reverse("training:session-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A session ends after it starts.")
        if self.starts_at and self.registration_deadline and self.registration_deadline > self.starts_at:
            errors["registration_deadline"] = _("The registration deadline cannot be after the session starts.")
        if not self.place and not self.online_url:
            errors["place"] = _("Give a place or an online link.")
        if self._state.adding and self.starts_at and self.starts_at < timezone.now():
            errors["starts_at"] = _("A new session cannot be in the past.")
        if errors:
            raise ValidationError(errors)


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~models.Q(status="cancelled"),
                name="one_active_enrolment_per_user_and_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session}"


class ModuleCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    session = models.ForeignKey(Session, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("completed module")
        verbose_name_plural = _("completed modules")
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="one_completion_per_module")]

    def __str__(self) -> str:
        return f"{self.user} – {self.module}"


def _certificate_code() -> str:
    return secrets.token_hex(6).upper()


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=_certificate_code)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # A revoked certificate keeps its code (the public page then says "revoked") but no holder: set when
    # the holder's personal data is erased.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="one_certificate_per_programme")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("training:certificate", kwargs={"code": self.code})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RecruitmentEvent(models.Model):
    """An information meeting or awareness event for potential sponsors, with public registration."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information meeting")
        AWARENESS = "awareness", _("Awareness event")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    municipality = models.ForeignKey(
        "projects.Municipality", verbose_name=_("municipality"), null=True, blank=True, on_delete=models.SET_NULL
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True, validators=[MinValueValidator(1)])
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("recruitment event")
        verbose_name_plural = _("recruitment events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="recruitment_event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:event-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An event ends after it starts.")})
        if self._state.adding and self.starts_at and self.starts_at < timezone.now():
            raise ValidationError({"starts_at": _("A new event cannot be in the past.")})


class EventRegistration(models.Model):
    event = models.ForeignKey(RecruitmentEvent, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    municipality = models.ForeignKey(
        "projects.Municipality", verbose_name=_("municipality"), null=True, blank=True, on_delete=models.SET_NULL
    )
    language = models.CharField(_("language"), max_length=8, default="lt")
    consent_text = models.ForeignKey(
        "sponsorship.ConsentText",
        verbose_name=_("consent version"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("consented at"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["event", "created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="one_registration_per_email")]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"
