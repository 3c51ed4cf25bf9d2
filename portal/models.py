from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Users are identified by their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: sponsor, caseworker or admin. Roles are groups (see `portal.roles`)."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Emails and notifications are sent in this language."),
    )

    organisation = models.ForeignKey(
        "projects.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("For caseworkers: they see only their organisation's households."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How lists, records, attendance lists and certificates name the person: their full name, the
        email only when they gave none."""
        return self.get_full_name() or self.email


class QueuedTask(models.Model):
    """A Celery task that could not be handed to the broker (e.g. Redis was down).

    Nothing is dropped: the outbox keeps the call until `outbox_flush` sends it again.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("positional arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class Notification(models.Model):
    """An in-portal message to a user: a message code and its parameters, rendered in the reader's
    language when read (see `portal.notifications`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    code = models.CharField(_("message code"), max_length=100)
    # Ids and plain values only: the text is rendered from the code when read.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # Set by `portal.notifications.notifications_render`: the texts in the active language.
    rendered: Any

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.code} #{self.pk}"


class OutboundEmail(models.Model):
    """A rendered email waiting to be sent: the outbox of `email_send_task`.

    The message (recipients, links in the body) stays in the database; the queued task carries only
    this row's primary key. The row is deleted once the mail server accepted the message, so a
    missing row means "already sent".
    """

    from_email = models.CharField(_("sender"), max_length=300, blank=True)
    to = models.JSONField(_("recipients"), default=list, blank=True)
    cc = models.JSONField(_("copy"), default=list, blank=True)
    bcc = models.JSONField(_("blind copy"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("text"), blank=True)
    alternatives = models.JSONField(_("alternative parts"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class SearchEntry(models.Model):
    """One public item in one language, as the site-wide search reads it (see `portal.search`). Public
    content only: titles, texts and addresses of public pages, never anything personal."""

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    # Normalised copies (case folded, without diacritics): what the search matches.
    title_key = models.TextField(editable=False)
    text_key = models.TextField(editable=False)
    # PostgreSQL only: the stored text search vector (GIN-indexed); empty on SQLite.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="search_entry_unique"),
        ]
        indexes = [models.Index(fields=["language", "kind", "object_id"], name="search_entry_language")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.language})"
