"""In-portal notifications with an email copy, written in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Notification, User
from portal.services import email_send


def user_notify(*, user: User, title: str, body: str, link: str = "", email: bool = True) -> Notification:
    """Create an in-portal notification and (after commit) email it. Call inside `translation.override`
    of the user's language so that `title` and `body` are in it."""
    notification = Notification(user=user, title=title[:200], body=body, link=link)
    notification.full_clean()
    notification.save()
    if email and user.email and user.is_active:
        context = {"user": user, "title": title, "body": body, "link": link, "site_url": settings.SITE_URL}
        with translation.override(user.language):
            subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + title
            message = render_to_string("portal/email/notification_message.txt", context)
        email_send(
            message=EmailMultiAlternatives(subject=subject, body=message, to=[user.email]), language=user.language
        )
    return notification


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) as read; returns how many changed."""
    from django.utils import timezone

    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
