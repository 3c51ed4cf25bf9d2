"""Training in the site-wide search (`portal.search`): published programmes with their modules, their
sessions (past ones included, as their pages are) and published recruitment events. Nothing about
trainers, enrolments or registrations is indexed."""

from django.utils.translation import gettext_lazy as _

from portal.search import SearchDocument, SearchSource, search_source_register
from projects.models import Language, Municipality
from training.models import Module, Programme, RecruitmentEvent, Session
from training.selectors import session_list


def _programme_document(programme: Programme) -> SearchDocument:
    modules = [f"{module.title}\n{module.description}" for module in programme.modules.all()]
    return SearchDocument(
        title=programme.title,
        text="\n".join([programme.description, programme.get_audience_display(), *modules]),
        url=programme.get_absolute_url(),
    )


def _session_document(session: Session) -> SearchDocument:
    return SearchDocument(
        title=str(session),
        text="\n".join([session.programme.description, session.place, str(session.language.name)]),
        url=session.get_absolute_url(),
    )


def _event_document(event: RecruitmentEvent) -> SearchDocument:
    return SearchDocument(
        title=event.title,
        text="\n".join(
            [
                event.description,
                event.get_kind_display(),
                event.place,
                str(event.municipality.name) if event.municipality else "",
            ]
        ),
        url=event.get_absolute_url(),
    )


def register() -> None:
    search_source_register(
        SearchSource(
            kind="programme",
            label=_("Training programmes"),
            model=Programme,
            queryset=lambda: Programme.objects.filter(is_published=True).prefetch_related("modules"),
            document=_programme_document,
            order=60,
            depends_on=(Module,),
        )
    )
    search_source_register(
        SearchSource(
            kind="session",
            label=_("Training sessions"),
            model=Session,
            queryset=lambda: session_list(upcoming=False).order_by(),
            document=_session_document,
            order=70,
            depends_on=(Programme, Language),
        )
    )
    search_source_register(
        SearchSource(
            kind="meeting",
            label=_("Meetings and events"),
            model=RecruitmentEvent,
            queryset=lambda: RecruitmentEvent.objects.filter(is_published=True).select_related("municipality"),
            document=_event_document,
            order=80,
            depends_on=(Municipality,),
        )
    )
