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
        auditlog.register(models.HouseholdNote)
        auditlog.register(models.HouseholdMeeting, m2m_fields={"staff_attendees"})
        # A sponsor's records: field history with the personal values masked (see `portal.privacy`); the
        # sponsor's data download lists these entries.
        mask = "portal.privacy.audit_mask"
        auditlog.register(
            models.SponsorProfile,
            mask_fields=["organisation_name", "phone", "motivation", "verification_notes", "rejection_reason"],
            mask_callable=mask,
        )
        auditlog.register(
            models.SponsorPerson,
            exclude_fields=["invitation_token"],
            mask_fields=["full_name", "email"],
            mask_callable=mask,
        )
        auditlog.register(models.SponsorCheck, mask_fields=["notes"], mask_callable=mask)
