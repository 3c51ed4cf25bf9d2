"""In-portal notifications with an email copy, rendered in the reader's language.

A notification is stored as a message *code* and its *parameters* (JSON: ids and plain values such as
a count or a number of days, never a translated sentence), and rendered when it is read: on the
notifications page in the language of the request, in the email in the recipient's language at send
time. `/bg/notifications/` therefore shows Bulgarian whatever the language was when the notification
was written.

Each app registers its codes (`notification_kind_register`, from its `AppConfig.ready`) with how to
render them: `title`, `body` and `link` are functions of the parameters called under the reader's
language, so their `gettext` runs then. `load`, when given, adds what the texts need from the database
to every notification of that code on a page at once (one query per code, whatever the number of
notifications). The core registers `legacy`, which shows the text stored before codes existed as it was.

A code nobody registered (an app was removed) or parameters that no longer fit (the record was
deleted, a key is missing) never break a page: such a notification shows a generic translated text.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.models import Notification, User
from portal.services import email_send

logger = logging.getLogger(__name__)

Params = Mapping[str, Any]

LEGACY = "legacy"


def _blank(params: Params) -> str:
    return ""


@dataclass(frozen=True)
class NotificationKind:
    """How notifications of one `code` read. `title`, `body` and `link` get the stored parameters,
    completed by `load` (a function taking every parameter dict of this code on a page and returning
    them completed, in the same order, e.g. with a record's translated name)."""

    code: str
    title: Callable[[Params], str]
    body: Callable[[Params], str] = _blank
    link: Callable[[Params], str] = _blank
    load: Callable[[list[Params]], list[Params]] | None = None


@dataclass(frozen=True)
class RenderedNotification:
    title: str
    body: str
    link: str


_KINDS: dict[str, NotificationKind] = {}


def notification_kind_register(kind: NotificationKind) -> None:
    _KINDS[kind.code] = kind


def notification_kinds() -> list[NotificationKind]:
    """Every registered code, by code."""
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def _generic() -> RenderedNotification:
    return RenderedNotification(title=_("You have a new notification"), body="", link="")


def _part(kind: NotificationKind, name: str, params: Params, pk: object) -> str | None:
    try:
        return str(getattr(kind, name)(params))
    except Exception:
        # The parameters no longer fit the code (a record was deleted, a key is missing): the part is
        # left out rather than fail the page. Neither the parameters nor the error's text are logged:
        # they may name a person.
        logger.warning("Notification %s (%s): its %s could not be rendered", pk, kind.code, name)
        return None


def _render_one(kind: NotificationKind | None, params: Params, pk: object) -> RenderedNotification:
    if kind is None:
        return _generic()
    title = _part(kind, "title", params, pk)
    if not title:
        return _generic()
    return RenderedNotification(
        title=title, body=_part(kind, "body", params, pk) or "", link=_part(kind, "link", params, pk) or ""
    )


def notifications_render(notifications: Iterable[Notification]) -> list[Notification]:
    """Sets `rendered` (title, body, link in the active language) on each notification and returns them.
    One `load` per code present, whatever the number of notifications."""
    notifications = list(notifications)
    by_code: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_code.setdefault(notification.code, []).append(notification)
    for code, group in by_code.items():
        kind = _KINDS.get(code)
        params: list[Params] = [n.params if isinstance(n.params, Mapping) else {} for n in group]
        if kind is not None and kind.load is not None:
            try:
                loaded = list(kind.load(params))
                if len(loaded) == len(params):
                    params = loaded
            except Exception:
                logger.warning("Notifications with code %s could not be loaded", code)
        for notification, values in zip(group, params, strict=True):
            notification.rendered = _render_one(kind, values, notification.pk)
    return notifications


def notification_render(notification: Notification) -> RenderedNotification:
    """One notification's texts in the active language."""
    (notification,) = notifications_render([notification])
    return notification.rendered


def user_notify(*, user: User, code: str, params: Params | None = None, email: bool = True) -> Notification:
    """Create an in-portal notification of a registered `code` and (after commit) email it, rendered in
    the user's language. `params` hold ids and plain values only (see the module's docstring)."""
    if code not in _KINDS:
        raise ValueError(f"Unknown notification code {code!r}: register it with notification_kind_register.")
    notification = Notification(user=user, code=code, params=dict(params or {}))
    notification.full_clean()
    notification.save()
    if email and user.email and user.is_active:
        with translation.override(user.language):
            rendered = notification_render(notification)
            context = {
                "user": user,
                "title": rendered.title,
                "body": rendered.body,
                "link": rendered.link,
                "site_url": settings.SITE_URL,
            }
            subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + rendered.title
            message = render_to_string("portal/email/notification_message.txt", context)
        email_send(
            message=EmailMultiAlternatives(subject=subject, body=message, to=[user.email]), language=user.language
        )
    return notification


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) as read; returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())


def notifications_open(*, user: User, notifications: Iterable[Notification]) -> int:
    """The user opened the page showing `notifications`: those still unread are read now (the header's
    count drops). The objects given keep their `read_at`, so that the page still marks them "new" this
    once. Returns how many changed; none for notifications of another user."""
    unread = [notification.pk for notification in notifications if notification.read_at is None]
    if not unread:
        return 0
    return notification_mark_read(user=user, notification_ids=unread)


# --- The core's own code ----------------------------------------------------------------------------


def _legacy_link(params: Params) -> str:
    """A link stored with its language prefix (/lt/…) now leads to the page in the reader's language."""
    link = str(params.get("link") or "")
    written_in = link.split("/")[1] if link.startswith("/") else ""
    if written_in not in dict(settings.LANGUAGES):
        return link
    reader = get_language() or settings.LANGUAGE_CODE
    with translation.override(written_in):  # the link resolves in the language it was written in
        return translate_url(link, reader)


notification_kind_register(
    NotificationKind(
        code=LEGACY,
        title=lambda params: str(params["title"]) or _("You have a new notification"),
        body=lambda params: str(params.get("body") or ""),
        link=_legacy_link,
    )
)
