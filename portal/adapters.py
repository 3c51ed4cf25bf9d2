"""allauth adapter: emails are rendered in the request, in the visitor's language, and sent by a Celery task."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from portal.services import email_send


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        email_send(message=self.render_mail(template_prefix, email, ctx))

    def save_user(self, request, user, form, commit=True):
        # Later notifications go out in the language the person signed up in.
        user.language = translation.get_language() or user.language
        return super().save_user(request, user, form, commit=commit)
