"""Which section of the header's menu a page belongs to: one rule, in one place.

A page's section is the first entry of `NAV_SECTIONS` whose prefix starts its view name
(`namespace:url_name`); a view may name another with `nav_section` in its context (the view's context
wins over this context processor's). The header marks that one section with `aria-current`.
Recruitment meetings (`training:event-*`) are events, shown in the one list of upcoming events.
"""

from django.http import HttpRequest

NAV_SECTIONS: list[tuple[str, str]] = [
    ("projects:project-", "projects"),
    ("projects:practice-", "practices"),
    ("projects:municipality-", "municipalities"),
    ("projects:news-", "news"),
    ("projects:event-", "events"),
    ("training:event-", "events"),
    ("training:events-", "events"),
    ("training:", "training"),
    ("projects:resource-", "resources"),
    ("sponsorship:", "sponsor"),
    ("housing:", "sponsor"),
    ("matching:proposal-", "sponsor"),
    ("notifications", "notifications"),
    ("account_email", "account"),
]


def section_of(view_name: str) -> str:
    return next((section for prefix, section in NAV_SECTIONS if view_name.startswith(prefix)), "")


def nav_section(request: HttpRequest) -> dict:
    match = getattr(request, "resolver_match", None)
    return {"nav_section": section_of(match.view_name) if match else ""}
