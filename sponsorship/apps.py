from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipConfig(AppConfig):
    name = "sponsorship"
    verbose_name = _("Sponsorship")

    def ready(self):
        from auditlog.registry import auditlog

        from sponsorship import models

        # Every change of beneficiary data is in the audit log (who, when, what changed).
        auditlog.register(models.Household, m2m_fields={"languages"})
        auditlog.register(models.HouseholdMember)
        auditlog.register(models.MunicipalityPreference)
        auditlog.register(models.HouseholdTransfer)
