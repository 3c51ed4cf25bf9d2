from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _image_owner(model):
    """The record a stored picture file belongs to: its renditions share the folder of `image`."""

    def owner(name: str):
        folder = name.rsplit("/", 1)[0] + "/"
        if folder.count("/") < 2:
            # A news picture stored before the renditions (`news/<file>`): served as it is.
            return model.objects.filter(image=name).only("pk").first()
        return model.objects.filter(image__startswith=folder).only("pk").first()

    return owner


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and good practices")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete

        from portal.agenda import AgendaSource, agenda_source_register
        from portal.media import ProtectedFiles, protected_files_register
        from portal.page_cache import content_models_register
        from projects import search
        from projects.images import content_image_files_delete
        from projects.models import GoodPractice, InfoPage, NewsItem, Project, Resource
        from projects.selectors import event_agenda

        # The catalogue's events are on the one agenda of the events page.
        agenda_source_register(
            AgendaSource(
                name="events",
                upcoming=lambda: event_agenda(upcoming=True),
                past=lambda: event_agenda(upcoming=False),
            )
        )

        # Every model of the catalogue is shown on public pages (ratings included, as averages), and so
        # are the information pages (privacy, contact, accessibility).
        content_models_register(self.get_models())
        # Its public content is in the site-wide search.
        search.register()
        # Who changed the privacy notice, the contact page or the accessibility statement, and how.
        auditlog.register(InfoPage)
        # Pictures of projects, practices and news and library resources are shown on public pages:
        # anyone may read a file that belongs to an existing record, nothing else under these folders.
        for folder, model in (("news", NewsItem), ("projects", Project), ("practices", GoodPractice)):
            protected_files_register(
                ProtectedFiles(
                    folder=folder,
                    owner=_image_owner(model),
                    may_read=lambda user, item: True,
                    personal=False,
                    images=True,
                )
            )
            post_delete.connect(
                lambda sender, instance, **kwargs: content_image_files_delete(instance=instance),
                sender=model,
                weak=False,
                dispatch_uid=f"projects:image-files:{folder}",
            )
        protected_files_register(
            ProtectedFiles(
                folder="resources",
                owner=lambda name: Resource.objects.filter(file=name).first(),
                may_read=lambda user, resource: True,
                personal=False,
            )
        )
