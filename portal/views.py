import logging
from http import HTTPStatus

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from portal.notifications import notification_mark_read, notifications_open
from portal.page_cache import page_cacheable
from portal.search import (
    MAX_QUERY_LENGTH,
    query_terms,
    search_kind_counts,
    search_matches,
    search_results,
    search_sources,
)
from portal.selectors import health_status, notification_list

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """JSON health report: 200 when every component works, 503 naming the failing ones otherwise."""
    components = health_status()
    failing = sorted(name for name, state in components.items() if state == "error")
    if failing:
        logger.error("Health check failing: %s", ", ".join(failing))
    status = HTTPStatus.SERVICE_UNAVAILABLE if failing else HTTPStatus.OK
    return JsonResponse({"status": "error" if failing else "ok", "failing": failing, **components}, status=status)


@login_required
def notifications(request):
    shown = notification_list(user=request.user)
    # Opening the page reads what it shows: marked "new" this once, no longer counted in the header.
    notifications_open(user=request.user, notifications=shown)
    return render(request, "portal/notifications.html", {"notifications": shown})


@login_required
@require_POST
def notifications_read(request):
    notification_mark_read(user=request.user)
    return redirect("notifications")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    kind = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything"))] + [
            (source.kind, source.label) for source in search_sources()
        ]


SEARCH_PAGE_SIZE = 20


@page_cacheable
@require_safe
def search(request):
    """The site-wide search: public content in every language, shown in the page's language (see
    `portal.search`). A fixed number of queries whatever the query; bad input is reported on the page."""
    form = SearchForm(request.GET or None)
    text, kind = "", ""
    if form.is_bound and form.is_valid():
        text, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    terms = query_terms(text)
    page = Paginator(search_matches(text=text, kind=kind or None), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "query": text,
        "kind": kind,
        "searched": bool(terms),
        "short_query": bool(text) and not terms,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "results": search_results(rows=page.object_list, language=get_language()),
        "kind_counts": search_kind_counts(text=text) if terms else [],
    }
    return render(request, "portal/search.html", context)
