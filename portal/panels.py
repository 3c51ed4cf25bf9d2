"""Panels: the sections that a higher app adds to a page of a lower one.

A sponsor's page (sponsorship) shows their housing offers, the proposals that reached them and their
training. The page may not import the apps that fill it (apps import downward only), so each of those
apps registers a `Panel` from its `AppConfig.ready`, and the page's view renders
`panels_render(page=...)` where its template wants them. A page is named by its URL name
("sponsorship:dashboard").
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    """One section of `page`: `template` (a partial of the registering app) rendered with
    `context(request)`, which reads through that app's selectors. Panels appear by `order`, then name."""

    page: str
    name: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]
    order: int = 0


_PANELS: dict[tuple[str, str], Panel] = {}


def panel_register(panel: Panel) -> None:
    _PANELS[(panel.page, panel.name)] = panel


def panels_for(*, page: str) -> list[Panel]:
    """The panels registered for `page`, in their order."""
    return sorted((panel for panel in _PANELS.values() if panel.page == page), key=lambda p: (p.order, p.name))


def panels_render(*, page: str, request: HttpRequest) -> list[SafeString]:
    """The panels of `page` as HTML, in their order, for the page's template to place.

    A panel's template gets its own context and `request`, not the context processors' output: the page
    has computed that once already (the unread count, the language links, …), and running them again for
    every panel cost a query and a URL translation each time."""
    return [
        render_to_string(panel.template, {"request": request, **panel.context(request)})
        for panel in panels_for(page=page)
    ]
