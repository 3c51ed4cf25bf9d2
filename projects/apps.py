from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and good practices")

    def ready(self) -> None:
        from portal.agenda import AgendaSource, agenda_source_register
        from portal.media import ProtectedFiles, protected_files_register
        from portal.page_cache import content_models_register
        from projects.models import NewsItem, Resource
        from projects.selectors import event_agenda

        # The catalogue's events are on the one agenda of the events page.
        agenda_source_register(
            AgendaSource(
                name="events",
                upcoming=lambda: event_agenda(upcoming=True),
                past=lambda: event_agenda(upcoming=False),
            )
        )

        # Every model of the catalogue is shown on public pages (ratings included, as averages).
        content_models_register(self.get_models())
        # News pictures and library resources are shown on public pages: anyone may read a file
        # that belongs to an existing news item or resource, nothing else under these folders.
        protected_files_register(
            ProtectedFiles(
                folder="news",
                owner=lambda name: NewsItem.objects.filter(image=name).first(),
                may_read=lambda user, item: True,
                personal=False,
                images=True,
            )
        )
        protected_files_register(
            ProtectedFiles(
                folder="resources",
                owner=lambda name: Resource.objects.filter(file=name).first(),
                may_read=lambda user, resource: True,
                personal=False,
            )
        )
