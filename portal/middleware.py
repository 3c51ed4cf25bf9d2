from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    """The language comes from the URL prefix or the visitor's own choice in the language switcher.

    The browser's Accept-Language is not consulted: the portal opens in Lithuanian, its default,
    and a visitor switches to English or Bulgarian explicitly (the choice is kept in a cookie).
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class StaffMFAMiddleware:
    """Staff who can see beneficiary households must use a second factor.

    Until they have set up an authenticator app, their requests to the admin and the caseworker
    pages are sent to the set-up page. Signing in itself asks for the code (allauth's MFA stage),
    and the admin's login form is replaced by allauth's, so there is no way around it.
    """

    PROTECTED_PREFIXES = ("/caseworker/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_mfa(request):
            from django.contrib import messages
            from django.shortcuts import redirect
            from django.utils.translation import gettext as _

            messages.warning(request, _("Set up an authenticator app first: you work with beneficiaries' data."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _needs_mfa(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        path = request.path_info
        from django.conf import settings

        # "/lt/admin/..." → "/admin/...": the part after the language prefix.
        parts = path.split("/", 2)
        rest = "/" + (parts[2] if len(parts) > 2 else "")
        protected = rest.startswith("/" + settings.DJANGO_ADMIN_URL) or rest.startswith(self.PROTECTED_PREFIXES)
        if not protected or rest.startswith("/" + settings.DJANGO_ADMIN_URL + "logout"):
            return False
        if not (user.is_superuser or user.has_perm("sponsorship.view_household")):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)


class PrivatePagesNoStoreMiddleware:
    """Pages that show personal data are kept by no cache: `Cache-Control: no-store, private`.

    That is every response to a signed-in person, and every response under the admin, the sponsor's
    and the caseworker's areas, notifications, accounts (sign-in, password reset links) and the
    certificate pages (the holder's name), signed in or not. `Vary: Cookie` tells shared caches that
    the page depends on who asks. Public pages seen anonymously stay cacheable.
    """

    PRIVATE_PREFIXES = ("sponsor/", "caseworker/", "notifications/", "accounts/", "training/certificates/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_private(request):
            from django.utils.cache import patch_vary_headers

            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
            patch_vary_headers(response, ("Cookie",))
        return response

    def _is_private(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        from django.conf import settings

        # "/lt/sponsor/..." → "sponsor/...": the part after the language prefix, if there is one.
        rest = request.path_info.lstrip("/")
        head, _, tail = rest.partition("/")
        if head in {code for code, _name in settings.LANGUAGES}:
            rest = tail
        return rest.startswith((settings.DJANGO_ADMIN_URL, *self.PRIVATE_PREFIXES))
