from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from portal.agenda import AgendaSource, agenda_source_register
        from portal.page_cache import content_models_register
        from portal.panels import Panel, panel_register
        from sponsorship.selectors import MatchingRequirement, matching_requirement_register
        from training import notification_kinds, privacy, retention, search
        from training.selectors import (
            meeting_agenda,
            required_training_blockers,
            session_agenda,
            sponsors_missing_required_training,
            training_agenda,
        )

        # The information meetings and the training sessions are on the one agenda of the events page.
        agenda_source_register(
            AgendaSource(
                name="meetings",
                upcoming=lambda: meeting_agenda(upcoming=True),
                past=lambda: meeting_agenda(upcoming=False),
            )
        )
        agenda_source_register(AgendaSource(name="sessions", upcoming=session_agenda, past=list))

        # Its notification codes and how they read (in the reader's language, when read).
        notification_kinds.register()
        retention.register()
        # Programmes, sessions (with their seats taken) and events are on public pages.
        content_models_register(self.get_models())
        # Published programmes, their sessions and published events are in the site-wide search.
        search.register()
        # A sponsor is matched only after the training required for matching.
        matching_requirement_register(
            MatchingRequirement(
                name="training",
                blockers=lambda sponsor: required_training_blockers(user=sponsor.user),
                unmet=lambda sponsor_users: sponsors_missing_required_training(sponsor_users=sponsor_users),
            )
        )
        # Training takes part in a sponsor's export and account deletion.
        privacy.register()
        # The sponsor's page ends with their training.
        panel_register(
            Panel(
                page="sponsorship:dashboard",
                name="training",
                order=30,
                template="training/_sponsor_training.html",
                context=lambda request: training_agenda(user=request.user),
            )
        )
