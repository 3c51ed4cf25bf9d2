"""The catalogue's public content in the site-wide search (`portal.search`): projects, good practices,
news, events and resources, with the names of their themes, places and partners. Contact persons are
not indexed (names, emails and phones of people)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.search import SearchDocument, SearchSource, search_source_register
from projects.models import (
    Event,
    FundingProgramme,
    GoodPractice,
    Municipality,
    NewsItem,
    Organisation,
    Project,
    ProjectPartner,
    Resource,
    TargetGroup,
    Theme,
)


def _names(items) -> list[str]:
    return [str(item.name) for item in items]


def _text(*parts) -> str:
    words: list[str] = []
    for part in parts:
        if isinstance(part, list | tuple):
            words.extend(str(item) for item in part if item)
        elif part:
            words.append(str(part))
    return "\n".join(words)


def _project_rows():
    return Project.objects.select_related("funding_programme").prefetch_related(
        "items",
        "themes",
        "target_groups",
        "municipalities",
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organisation")),
    )


def _project_document(project: Project) -> SearchDocument:
    return SearchDocument(
        title=str(project),
        text=_text(
            project.summary,
            [item.text for item in project.items.all()],
            project.period_note,
            project.grant_reference,
            project.funding_programme.name if project.funding_programme else "",
            _names(project.themes.all()),
            _names(project.target_groups.all()),
            _names(project.municipalities.all()),
            [partner.organisation.name for partner in project.partners.all()],
        ),
        url=project.get_absolute_url(),
    )


def _practice_rows():
    return GoodPractice.objects.select_related("organisation").prefetch_related(
        "themes", "target_groups", "municipalities"
    )


def _practice_document(practice: GoodPractice) -> SearchDocument:
    return SearchDocument(
        title=practice.title,
        text=_text(
            practice.summary,
            practice.main_activities,
            practice.origin,
            practice.challenges,
            practice.impact,
            practice.replicability,
            practice.duration,
            practice.organisation.name if practice.organisation else "",
            _names(practice.themes.all()),
            _names(practice.target_groups.all()),
            _names(practice.municipalities.all()),
        ),
        url=practice.get_absolute_url(),
    )


def _news_document(item: NewsItem) -> SearchDocument:
    return SearchDocument(
        title=item.title,
        text=_text(
            item.summary,
            item.body,
            item.project.display_name if item.project else "",
            _names(item.municipalities.all()),
        ),
        url=item.get_absolute_url(),
    )


def _event_document(event: Event) -> SearchDocument:
    return SearchDocument(
        title=event.title,
        text=_text(
            event.body,
            event.location,
            event.project.display_name if event.project else "",
            _names(event.municipalities.all()),
        ),
        url=event.get_absolute_url(),
    )


def _resource_document(resource: Resource) -> SearchDocument:
    return SearchDocument(
        title=resource.title,
        text=_text(
            resource.description,
            resource.get_kind_display(),
            _names(resource.themes.all()),
            resource.project.display_name if resource.project else "",
        ),
        url=resource.href or reverse("projects:resource-list"),
    )


def register() -> None:
    terms = (Theme, TargetGroup, Municipality)
    search_source_register(
        SearchSource(
            kind="project",
            label=_("Projects"),
            model=Project,
            queryset=_project_rows,
            document=_project_document,
            order=10,
            depends_on=(*terms, FundingProgramme, Organisation),
        )
    )
    search_source_register(
        SearchSource(
            kind="practice",
            label=_("Good practices"),
            model=GoodPractice,
            queryset=_practice_rows,
            document=_practice_document,
            order=20,
            depends_on=(*terms, Organisation),
        )
    )
    search_source_register(
        SearchSource(
            kind="news",
            label=_("News"),
            model=NewsItem,
            queryset=lambda: NewsItem.objects.select_related("project").prefetch_related("municipalities"),
            document=_news_document,
            order=30,
            depends_on=(Project, Municipality),
        )
    )
    search_source_register(
        SearchSource(
            kind="event",
            label=_("Events"),
            model=Event,
            queryset=lambda: Event.objects.select_related("project").prefetch_related("municipalities"),
            document=_event_document,
            order=40,
            depends_on=(Project, Municipality),
        )
    )
    search_source_register(
        SearchSource(
            kind="resource",
            label=_("Resources"),
            model=Resource,
            queryset=lambda: Resource.objects.select_related("project").prefetch_related("themes"),
            document=_resource_document,
            order=50,
            depends_on=(Theme, Project),
        )
    )
