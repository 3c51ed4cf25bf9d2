"""The public catalogue: organisations, projects, good practices, municipalities, news, events, resources.

Human-readable fields are translated with modeltranslation (see `translation.py`); slugs are shared
by all languages, so that `/lt/projects/rise/` and `/en/projects/rise/` are the same project.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField


class Level(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class NamedTerm(models.Model):
    """A term of a controlled vocabulary, with a stable slug and a translated name."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(NamedTerm):
    class Meta(NamedTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class TargetGroup(NamedTerm):
    class Meta(NamedTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class FundingProgramme(NamedTerm):
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)

    class Meta(NamedTerm.Meta):
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class SustainableDevelopmentGoal(models.Model):
    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Language(models.Model):
    """A language a resource is available in (ISO 639-1 code)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        MINISTRY = "ministry", _("Ministry")
        GOVERNMENT_AGENCY = "government_agency", _("Government agency")
        MUNICIPALITY = "municipality", _("Municipality")
        NGO = "ngo", _("NGO")
        UNIVERSITY = "university", _("University")
        RECEPTION_CENTRE = "reception_centre", _("Reception centre")
        FUNDER = "funder", _("Funder")
        NETWORK = "network", _("Network")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, default=Kind.OTHER)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:municipality-detail", kwargs={"slug": self.slug})


def content_image_upload_to(instance, filename: str) -> str:
    return f"{instance.IMAGE_FOLDER}/{filename}"


class ContentImage(models.Model):
    """An optional picture uploaded by staff, kept only as renditions re-encoded without metadata
    (`projects.images`): `image` is the widest, `image_renditions` lists them all, narrowest first, as
    `{"name", "width", "height"}`. The original upload is never stored. Alt text is required in every
    language unless the picture is marked decorative."""

    IMAGE_FOLDER = ""

    image = models.FileField(_("image"), upload_to=content_image_upload_to, max_length=200, blank=True, editable=False)
    image_renditions = models.JSONField(_("image renditions"), default=list, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it. Required unless it is decorative."),
    )
    image_decorative = models.BooleanField(
        _("decorative image"),
        default=False,
        help_text=_("The picture adds nothing to the text: screen readers skip it and no description is needed."),
    )

    class Meta:
        abstract = True

    def image_alt_missing(self) -> list[str]:
        """The languages whose alt text is missing while a described picture is set."""
        if not self.image or self.image_decorative:
            return []
        languages = [code for code, _name in settings.LANGUAGES]
        return [code for code in languages if not (getattr(self, f"image_alt_{code}", "") or "").strip()]

    def clean(self) -> None:
        super().clean()
        missing = self.image_alt_missing()
        if missing:
            raise ValidationError(
                {f"image_alt_{code}": _("Describe the picture, or mark it as decorative.") for code in missing}
            )

    def _renditions(self) -> list[dict]:
        return [row for row in self.image_renditions or [] if isinstance(row, dict) and row.get("name")]

    @property
    def image_srcset(self) -> str:
        return ", ".join(f"{default_storage.url(row['name'])} {row['width']}w" for row in self._renditions())

    @property
    def image_src(self) -> str:
        """The narrowest rendition at least 960 pixels wide (or the widest there is)."""
        rows = self._renditions()
        if not rows:
            return self.image.url if self.image else ""
        chosen = next((row for row in rows if row["width"] >= 960), rows[-1])
        return default_storage.url(chosen["name"])

    @property
    def image_size(self) -> tuple[int, int] | None:
        rows = self._renditions()
        return (rows[-1]["width"], rows[-1]["height"]) if rows else None

    @property
    def image_width(self) -> int | None:
        size = self.image_size
        return size[0] if size else None

    @property
    def image_height(self) -> int | None:
        size = self.image_size
        return size[1] if size else None

    @property
    def image_names(self) -> list[str]:
        """Every stored file of the picture (to delete them)."""
        names = [row["name"] for row in self._renditions()]
        if self.image and self.image.name not in names:
            names.append(self.image.name)
        return names


class Project(ContentImage):
    IMAGE_FOLDER = "projects"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        FINISHED = "finished", _("Finished")
        UNKNOWN = "unknown", _("Period not published")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    start = models.DateField(_("start"), null=True, blank=True, help_text=_("The first day of the starting month."))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("The first day of the final month."))
    period_note = models.CharField(_("period as published"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    info_updated_on = models.DateField(_("information updated on"), null=True, blank=True)
    funding_programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("funding programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    grant_reference = models.CharField(_("grant reference"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), blank=True, related_name="projects"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="projects")
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="projects"
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, verbose_name=_("sustainable development goals"), blank=True, related_name="projects"
    )
    approach_heading = models.CharField(
        _("heading of the approach list"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Involvement of the Refugee Reception Centre”: the heading above the approach items."),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = [models.F("end").desc(nulls_last=True), models.F("start").desc(nulls_last=True), "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="project_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.acronym} – {self.title}" if self.acronym else self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})

    @property
    def display_name(self) -> str:
        return self.acronym or self.title

    def status_on(self, day: datetime.date) -> str:
        if not self.start and not self.end:
            return self.Status.UNKNOWN
        month = day.replace(day=1)
        if self.start and month < self.start:
            return self.Status.PLANNED
        if self.end and month > self.end:
            return self.Status.FINISHED
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class ProjectItem(models.Model):
    """An ordered item of a project's objectives, activities or approach list."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective")
        ACTIVITY = "activity", _("Activity")
        APPROACH = "approach", _("Approach")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("project item")
        verbose_name_plural = _("objectives, activities and approach")
        ordering = ["project", "kind", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ProjectPartner(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTNER = "partner", _("Partner")
        ASSOCIATED = "associated", _("Associated partner or supporter")

    # Headings of the partner groups on a project page, in this order.
    GROUP_HEADINGS = {
        Role.COORDINATOR: _("Coordinator"),
        Role.PARTNER: _("Partners"),
        Role.ASSOCIATED: _("Associated partners and supporters"),
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["project", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "organisation"], name="unique_project_partner")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class ContactPerson(models.Model):
    """A public contact person of a project, exactly as published by the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(pgettext_lazy("a person's", "name"), max_length=200)
    role = models.CharField(_("role"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation_text = models.CharField(
        _("organisation (as written)"), max_length=300, blank=True, help_text=_("When it is not a known organisation.")
    )
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    group = models.CharField(_("group"), max_length=200, blank=True, help_text=_("The heading it is listed under."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class ProjectLink(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500)
    language = models.ForeignKey(Language, verbose_name=_("language"), null=True, blank=True, on_delete=models.SET_NULL)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class GoodPractice(ContentImage):
    IMAGE_FOLDER = "practices"

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("implementing organisation"), on_delete=models.PROTECT, related_name="practices"
    )
    country = CountryField(_("country"))
    duration = models.CharField(_("duration"), max_length=200, blank=True)
    level = models.CharField(_("level of implementation"), max_length=20, choices=Level)
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="practices"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="practices")
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        verbose_name=_("sustainable development goals"),
        blank=True,
        related_name="practices",
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), blank=True, related_name="practices"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    summary = models.TextField(_("summary"))
    main_activities = models.TextField(_("main activities"), blank=True, help_text=_("One activity per line."))
    origin = models.TextField(_("how it was born"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True, help_text=_("One per line."))
    impact = models.TextField(_("impact on refugees or the local community"), blank=True, help_text=_("One per line."))
    replicability = models.TextField(_("replicability and scalability"), blank=True, help_text=_("One per line."))
    more_info_url = models.URLField(_("more information"), blank=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:practice-detail", kwargs={"slug": self.slug})


class NewsItem(ContentImage):
    IMAGE_FOLDER = "news"

    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    published_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"))
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="news"
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), blank=True, related_name="news"
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:news-detail", kwargs={"slug": self.slug})


class NewsRating(models.Model):
    """One signed-in user's rating of a news item, 1 to 5; the user may change it."""

    news_item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_ratings")
    value = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("news rating")
        verbose_name_plural = _("news ratings")
        constraints = [
            models.UniqueConstraint(fields=["news_item", "user"], name="one_rating_per_user_and_news"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="rating_between_1_and_5"),
        ]

    def __str__(self) -> str:
        return f"{self.news_item} – {self.value}"


class Event(models.Model):
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), blank=True, related_name="events"
    )
    news_item = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:event-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


class Resource(models.Model):
    class Kind(models.TextChoices):
        TOOLKIT = "toolkit", _("Toolkit")
        GUIDE = "guide", _("Guide")
        VIDEO = "video", _("Video")
        RULES = "rules", _("Rules")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="resources")
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(
        _("file"),
        upload_to="resources/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "odt", "ppt", "pptx", "xls", "xlsx", "txt"])],
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="resources")
    for_sponsors = models.BooleanField(_("for sponsors"), default=False)
    for_municipalities = models.BooleanField(_("for municipalities"), default=False)
    for_staff = models.BooleanField(_("for caseworkers and scheme staff"), default=False)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.url and not self.file:
            raise ValidationError(_("Give an address or upload a file."))

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url


class InfoPage(models.Model):
    """One of the portal's own pages: the privacy notice, the contact page, the accessibility statement.

    Edited by staff in three languages. The structured fields hold only what the organisation running
    the scheme has published; an empty one is shown to staff as "to be completed" and to visitors as
    a neutral line (see the template), never filled with a guess.
    """

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        CONTACT = "contact", _("Contact")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs are separated by an empty line; a line starting with “## ” is a heading and lines "
            "starting with “- ” make a list."
        ),
    )
    controller = models.CharField(
        _("data controller"),
        max_length=300,
        blank=True,
        help_text=_("The organisation responsible for the personal data, exactly as it names itself."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=100, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=300, blank=True)
    dpo_contact = models.CharField(
        _("data protection officer's contact"),
        max_length=300,
        blank=True,
        help_text=_("An email address or another way to reach the data protection officer."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.title or self.get_kind_display())

    def get_absolute_url(self) -> str:
        return reverse(f"projects:{self.kind}")

    # The structured fields each kind of page shows (the others stay hidden and unused).
    STRUCTURED_FIELDS = {
        Kind.PRIVACY: ["controller", "dpo_contact"],
        Kind.CONTACT: ["controller", "contact_email", "contact_phone", "postal_address"],
        Kind.ACCESSIBILITY: [],
    }

    @property
    def missing_fields(self) -> list[str]:
        """Verbose names of this page's structured fields that are still empty (to be completed)."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.STRUCTURED_FIELDS.get(self.kind, [])
            if not getattr(self, name)
        ]
