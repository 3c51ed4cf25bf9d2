from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def alternates(request) -> dict:
    """The current page in each language, for `<link rel="alternate" hreflang>` (none on error pages)."""
    path = request.path
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = path if code == current else translate_url(path, code)
        if code != current and url == path:
            return {"alternate_links": []}  # the path does not resolve: an error page
        links.append((code, request.build_absolute_uri(url)))
    default = next((url for code, url in links if code == settings.LANGUAGE_CODE), None)
    return {"alternate_links": links, "alternate_default": default}


def notifications(request) -> dict:
    """How many unread notifications the signed-in user has (one COUNT query, none for visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count()}
