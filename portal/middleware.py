import re

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

from portal.access import is_caseworker, needs_second_factor


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
        if not is_caseworker(user):
            return False
        path = request.path_info
        from django.conf import settings

        # "/lt/admin/..." → "/admin/...": the part after the language prefix.
        parts = path.split("/", 2)
        rest = "/" + (parts[2] if len(parts) > 2 else "")
        protected = rest.startswith("/" + settings.DJANGO_ADMIN_URL) or rest.startswith(self.PROTECTED_PREFIXES)
        if not protected or rest.startswith("/" + settings.DJANGO_ADMIN_URL + "logout"):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        # The authenticator first: one small query for the staff who have one, where the permission
        # check reads all of the user's permissions (two queries).
        return not is_mfa_enabled(user) and needs_second_factor(user)


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


class RefuseUnstorableInputMiddleware:
    """Refuse input that no part of the portal can store with a translated 400 page, never a 500.

    PostgreSQL refuses NUL characters in text, so a NUL byte in the path, the query string or a
    form field would otherwise reach a query and fail there. Control characters have no place in a
    path or a query string either. One check here, before any view, instead of one in every view,
    filter and admin page. A cookie that cannot be stored (a forged session id) is dropped, as if
    it had expired.

    Place it after the authentication and message middleware, so that the 400 page is the
    portal's own (translated, with the visitor's menu). Multipart bodies are checked in
    `process_view`, where the CSRF check reads them too; the body of a `csrf_exempt` view is left
    unread (such a view may set its own upload handlers), and its forms refuse NUL themselves.
    """

    # C0 control characters and DEL; tabs and line breaks are allowed in query and form values.
    PATH_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
    VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
    FORM_FORBIDDEN = re.compile(r"[\x00\ud800-\udfff]")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._drop_unstorable_cookies(request)
        if self.PATH_FORBIDDEN.search(request.path_info) or self._bad_query(request):
            return self.refuse(request)
        multipart = request.content_type.startswith("multipart/")
        if request.method == "POST" and not multipart and self._bad_values(request.POST, self.FORM_FORBIDDEN):
            return self.refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        if getattr(view_func, "csrf_exempt", False) and "_post" not in request.__dict__:
            return None  # such a view may set its own upload handlers: leave its body unread
        names = [upload.name or "" for upload in request.FILES.values()]
        if self._bad_values(request.POST, self.FORM_FORBIDDEN) or any(self.FORM_FORBIDDEN.search(n) for n in names):
            return self.refuse(request)
        return None

    def _bad_query(self, request) -> bool:
        # Names and values as decoded (an invalid UTF-8 sequence becomes U+FFFD, which is fine).
        return self._bad_values(request.GET, self.VALUE_FORBIDDEN)

    @staticmethod
    def _bad_values(data, forbidden) -> bool:
        return any(forbidden.search(key) or any(forbidden.search(v) for v in data.getlist(key)) for key in data)

    def _drop_unstorable_cookies(self, request) -> None:
        from importlib import import_module

        from django.conf import settings

        bad = [name for name, value in request.COOKIES.items() if self.PATH_FORBIDDEN.search(name + value)]
        for name in bad:
            del request.COOKIES[name]
        if settings.SESSION_COOKIE_NAME in bad and hasattr(request, "session"):
            # The session middleware has already read the cookie: start an empty session instead.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()

    @staticmethod
    def refuse(request):
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        message = _(
            "The address or the form contained characters that cannot be accepted (for example a NUL "
            "character or another control character). Please correct it and try again."
        )
        return render(request, "400.html", {"reason": message}, status=400)
