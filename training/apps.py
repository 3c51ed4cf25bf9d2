from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from training import privacy, retention

        retention.register()
        # Training takes part in a sponsor's export and account deletion.
        privacy.register()
