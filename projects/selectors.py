"""Read-side queries of the public catalogue. Each owns its joins, so that pages run a fixed number of queries."""

import datetime

from django.db.models import Avg, Case, Count, DateField, F, Prefetch, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from portal.agenda import AgendaItem
from projects.models import (
    ContactPerson,
    Event,
    GoodPractice,
    InfoPage,
    Municipality,
    NewsItem,
    NewsRating,
    Project,
    ProjectLink,
    ProjectPartner,
    Resource,
)


def project_list() -> QuerySet[Project]:
    """Projects, the ones running or ending latest first; an open end counts as the latest; undated last."""
    open_end = Case(
        When(end__isnull=True, start__isnull=False, then=Value(datetime.date.max)),
        default=F("end"),
        output_field=DateField(),
    )
    return (
        Project.objects.select_related("funding_programme")
        .prefetch_related("themes")
        .annotate(sort_end=open_end)
        .order_by(F("sort_end").desc(nulls_last=True), F("start").desc(nulls_last=True), "slug")
    )


def project_get(*, slug: str) -> QuerySet[Project]:
    """The project with everything its page shows (use `get_object_or_404` on it)."""
    return (
        Project.objects.filter(slug=slug)
        .select_related("funding_programme")
        .prefetch_related(
            "items",
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organisation")),
            Prefetch("contacts", queryset=ContactPerson.objects.select_related("organisation")),
            Prefetch("links", queryset=ProjectLink.objects.select_related("language")),
            "municipalities",
            "themes",
            "target_groups",
            "sdgs",
            Prefetch("resources", queryset=Resource.objects.prefetch_related("languages")),
            Prefetch("news", queryset=news_list()),
            "events",
        )
    )


def practice_list() -> QuerySet[GoodPractice]:
    return GoodPractice.objects.select_related("organisation").prefetch_related("themes", "sdgs")


def practice_get(*, slug: str) -> QuerySet[GoodPractice]:
    return (
        GoodPractice.objects.filter(slug=slug)
        .select_related("organisation", "project")
        .prefetch_related("themes", "target_groups", "sdgs", "municipalities")
    )


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.annotate(
        project_count=Count("projects", distinct=True),
        practice_count=Count("practices", distinct=True),
        event_count=Count("events", distinct=True),
    )


def municipality_get(*, slug: str) -> QuerySet[Municipality]:
    return Municipality.objects.filter(slug=slug).prefetch_related(
        Prefetch("projects", queryset=project_list()),
        Prefetch("practices", queryset=practice_list()),
        Prefetch("events", queryset=Event.objects.select_related("project")),
        Prefetch("news", queryset=news_list()),
    )


def news_list() -> QuerySet[NewsItem]:
    return NewsItem.objects.select_related("project").annotate(
        rating_average=Avg("ratings__value"), rating_count=Count("ratings")
    )


def news_get(*, slug: str) -> QuerySet[NewsItem]:
    return news_list().filter(slug=slug).prefetch_related("municipalities", "events")


def news_rating_of(*, news_item: NewsItem, user) -> int | None:
    """The value the user gave this news item, or None."""
    if not user.is_authenticated:
        return None
    return NewsRating.objects.filter(news_item=news_item, user=user).values_list("value", flat=True).first()


def event_list() -> QuerySet[Event]:
    return Event.objects.select_related("project")


def event_agenda(*, upcoming: bool) -> list[AgendaItem]:
    """The catalogue's events for the agenda: not yet over (`upcoming`), or over (one query)."""
    today = timezone.localdate()
    events = event_list().annotate(last_day=Coalesce("ends_on", "starts_on"))
    events = events.filter(last_day__gte=today) if upcoming else events.filter(last_day__lt=today)
    return [
        AgendaItem(
            title=event.title,
            url=event.get_absolute_url(),
            kind=gettext("Event"),
            starts=event.starts_on,
            ends=event.ends_on,
            place=event.location,
            detail=(event.project.acronym or event.project.title) if event.project else "",
        )
        for event in events
    ]


def event_get(*, slug: str) -> QuerySet[Event]:
    return event_list().filter(slug=slug).select_related("news_item").prefetch_related("municipalities")


def resource_list() -> QuerySet[Resource]:
    return Resource.objects.select_related("project").prefetch_related("languages", "themes")


def info_page_get(*, kind: str) -> QuerySet[InfoPage]:
    """The information page of this kind (privacy, contact, accessibility); use `get_object_or_404`."""
    return InfoPage.objects.filter(kind=kind)
