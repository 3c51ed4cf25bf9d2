"""allauth adapter: emails are rendered in the request, in the visitor's language, and sent by a Celery task."""

import datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from portal.access import is_caseworker
from portal.formatting import datetime_display
from portal.services import email_send
from portal.site import PORTAL_NAME, portal_site


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email}
        ctx.update(context)
        # Greeted with the portal's name (translated as the email is rendered), not the address's host;
        # times in the portal's zone, labelled.
        ctx.update(current_site=portal_site(), portal_name=PORTAL_NAME, site_url=settings.SITE_URL)
        if isinstance(ctx.get("timestamp"), datetime.datetime):
            ctx["timestamp"] = datetime_display(ctx["timestamp"])
        email_send(message=self.render_mail(template_prefix, email, ctx))

    def get_login_redirect_url(self, request) -> str:
        """Where someone lands after signing in (after the second factor, for staff) when no `next` says
        otherwise (allauth gives `next` precedence): staff on the admin's start page, their queues;
        everyone else where they always did."""
        if is_caseworker(request.user):
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        # Later notifications go out in the language the person signed up in.
        user.language = translation.get_language() or user.language
        return super().save_user(request, user, form, commit=commit)

    # --- Login rate limits ----------------------------------------------------------------------
    # allauth keys its per-"key" limit of failed logins (ACCOUNT_RATE_LIMITS["login_failed"]) on the
    # email alone, so anyone could lock an account out by failing its login. Here the key is the email
    # and the client's address together: failures from one address never hold the account back at
    # another. On top, LOGIN_FAILED_ACCOUNT_RATE limits failures per account over all addresses where
    # it has not signed in before (guessing spread over many addresses); an address where the right
    # password was given in the last LOGIN_KNOWN_ADDRESS_DAYS is never held back by it. The per-address
    # limit keeps allauth's message ("Too many failed login attempts. Try again later.", translated).

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_account_login_attempts": _(
            "This account has had too many failed sign-in attempts from different places. Sign in from "
            "where you usually do, try again in an hour, or reset your password."
        ),
    }
    ACCOUNT_RATE_ACTION = "login_failed_account"

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return f"{self._account_key(request, **credentials)}:{ratelimit.get_ip(request)}"

    def _account_key(self, request, **credentials) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _known_address_cache_key(self, request, **credentials) -> str:
        # A keyed hash: the cache holds neither the email nor the address.
        value = f"{self._account_key(request, **credentials)}:{ratelimit.get_ip(request)}"
        return "portal:login-known-address:" + salted_hmac("login-known-address", value).hexdigest()

    def _account_rate_config(self) -> dict:
        return {self.ACCOUNT_RATE_ACTION: settings.LOGIN_FAILED_ACCOUNT_RATE}

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_rl_usage = None
        if cache.get(self._known_address_cache_key(request, **credentials)):
            return
        self._account_rl_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action=self.ACCOUNT_RATE_ACTION,
            config=self._account_rate_config(),
            key=self._account_key(request, **credentials),
        )
        if not self._account_rl_usage:
            # Refused before the password was tried: not a failure from this address.
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_account_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            if getattr(self, "_account_rl_usage", None):
                self._account_rl_usage.rollback()
            cache.set(
                self._known_address_cache_key(request, **credentials),
                True,
                settings.LOGIN_KNOWN_ADDRESS_DAYS * 24 * 3600,
            )
        return user

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # After a password reset: this address's failures and the account's, everywhere.
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action=self.ACCOUNT_RATE_ACTION,
            config=self._account_rate_config(),
            key=self._account_key(request, **credentials),
        )
