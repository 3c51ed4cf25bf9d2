"""The caseworker's queues: what waits for them, counted on the admin's start page.

Each queue is one registration: a key, a label, the model whose admin list shows it, and `rows(user)`,
the queue's rows as that reader may see them (built on the owning app's scoped-queryset helper,
`households_for`, `offers_for`, `proposals_for`, …, and its selectors). The apps register their queues
from their `AppConfig.ready` (portal imports no app above it)::

    admin_queue_register(
        "proposals_to_review",
        label=gettext_lazy("Proposals to review"),
        model=MatchProposal,
        rows=lambda user: proposals_to_review(user=user),
        order=30,
    )

The start page (`PortalAdminSite.index`) counts the queues the reader may see (the model's admin gives
them the view permission), all in one query whose counts stop at `QUEUE_COUNT_CAP` + 1 rows (`capped_counts`;
beyond, it says "100+"), and links to the model's admin list filtered to exactly those rows: the
admin's `QueueListFilter` (`?queue=<key>`) applies the same `rows(user)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Beyond this many rows, a queue's count says "100+" (a count stops early instead of reading every row).
QUEUE_COUNT_CAP = 100
QUEUE_PARAMETER = "queue"


@dataclass(frozen=True)
class AdminQueue:
    """One queue: `rows(user)` are its records of `model` as `user` may see them; `url()` the admin list
    showing them (by default the model's changelist with `?queue=<key>`). Queues appear by `order`, then key."""

    key: str
    label: str | Promise
    model: type[models.Model]
    rows: Callable[[Any], QuerySet]
    order: int = 0
    url: Callable[[], str] | None = None

    def link(self) -> str:
        if self.url is not None:
            return self.url()
        return admin_queue_url(self.model, self.key)


_QUEUES: dict[str, AdminQueue] = {}


def admin_queue_register(
    key: str,
    *,
    label: str | Promise,
    model: type[models.Model],
    rows: Callable[[Any], QuerySet],
    order: int = 0,
    url: Callable[[], str] | None = None,
) -> AdminQueue:
    """Register (or replace) the queue `key`. `rows(user)` must stay within the reader's scope (the
    model admin's `get_queryset`), so that the linked list shows exactly the rows counted."""
    queue = AdminQueue(key=key, label=label, model=model, rows=rows, order=order, url=url)
    _QUEUES[key] = queue
    return queue


def admin_queues(*, model: type[models.Model] | None = None) -> list[AdminQueue]:
    """The registered queues (of `model` only, when given), in their order."""
    queues = (queue for queue in _QUEUES.values() if model is None or queue.model is model)
    return sorted(queues, key=lambda queue: (queue.order, queue.key))


def admin_queue_get(key: str) -> AdminQueue | None:
    return _QUEUES.get(key)


def admin_queue_url(model: type[models.Model], key: str) -> str:
    """The model's admin list filtered to the queue `key`."""
    opts = model._meta
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{QUEUE_PARAMETER}={key}"


def capped_counts(querysets: list[QuerySet], *, cap: int = QUEUE_COUNT_CAP) -> list[tuple[int, bool]]:
    """(count, capped) of each queryset, all counted in one query: each count stops after `cap` + 1 rows
    (`SELECT (SELECT COUNT(*) FROM (… LIMIT cap + 1)), (…), …`), so it costs what reading that many rows
    through the queryset's indexes costs, however many rows match."""
    counts: list[int] = [0] * len(querysets)
    parts: list[tuple[int, str]] = []
    params: list = []
    using = None
    for index, queryset in enumerate(querysets):
        try:
            sql, part_params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:
            continue  # `.none()`: nothing to count
        parts.append((index, f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})"))
        params.extend(part_params)
        using = using or queryset.db
    if parts:
        with connections[using or "default"].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _index, sql in parts), params)
            row = cursor.fetchone()
        for (index, _sql), value in zip(parts, row, strict=True):
            counts[index] = int(value)
    return [(cap, True) if count > cap else (count, False) for count in counts]


def capped_count_text(count: int, capped: bool) -> str:
    """A count as shown: "7", or "100+" beyond the cap."""
    return f"{count}+" if capped else str(count)


@dataclass(frozen=True)
class QueueCount:
    queue: AdminQueue
    count: int
    capped: bool
    url: str

    @property
    def key(self) -> str:
        return self.queue.key

    @property
    def label(self) -> str | Promise:
        return self.queue.label

    @property
    def display(self) -> str:
        return capped_count_text(self.count, self.capped)


def admin_queue_counts(request: HttpRequest, *, site: admin.AdminSite | None = None) -> list[QueueCount]:
    """The queues the reader may see (the model's admin on `site` gives them the view permission), all
    counted in one query (`capped_counts`), whatever the number of queues and rows."""
    site = site or admin.site
    visible = []
    for queue in admin_queues():
        model_admin = site._registry.get(queue.model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        try:
            url = queue.link()
        except NoReverseMatch:
            continue
        visible.append((queue, url))
    counts = capped_counts([queue.rows(request.user) for queue, _url in visible])
    return [
        QueueCount(queue=queue, count=count, capped=capped, url=url)
        for (queue, url), (count, capped) in zip(visible, counts, strict=True)
    ]


class QueueListFilter(admin.SimpleListFilter):
    """The admin list filter of the queues registered for the list's model (`?queue=<key>`): the rows
    of `rows(request.user)`, the same rows the start page counted."""

    title = _("queue")
    parameter_name = QUEUE_PARAMETER

    def lookups(self, request, model_admin):
        return [(queue.key, queue.label) for queue in admin_queues(model=model_admin.model)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        queue = admin_queue_get(value)
        if queue is None or queue.model is not queryset.model:
            return queryset.none()
        return queryset.filter(pk__in=queue.rows(request.user).order_by().values("pk"))
