"""Read-side queries of the public catalogue. Each owns its joins, so that pages run a fixed number of queries."""

import datetime

from django.db.models import Avg, Case, Count, DateField, F, Prefetch, QuerySet, Value, When

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


def event_get(*, slug: str) -> QuerySet[Event]:
    return event_list().filter(slug=slug).select_related("news_item").prefetch_related("municipalities")


def resource_list() -> QuerySet[Resource]:
    return Resource.objects.select_related("project").prefetch_related("languages", "themes")


def info_page_get(*, kind: str) -> QuerySet[InfoPage]:
    """The information page of this kind (privacy, contact, accessibility); use `get_object_or_404`."""
    return InfoPage.objects.filter(kind=kind)
