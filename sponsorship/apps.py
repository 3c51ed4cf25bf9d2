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

        # The caseworker's queues on the admin's start page (`portal.queues`).
        from portal.queues import admin_queue_register
        from sponsorship.selectors import sponsors_to_verify, transfers_to_accept

        admin_queue_register(
            "sponsors_to_verify",
            label=_("Sponsors to verify"),
            model=models.SponsorProfile,
            rows=lambda user: sponsors_to_verify(user=user),
            order=10,
        )
        admin_queue_register(
            "transfers_to_accept",
            label=_("Transfers to accept"),
            model=models.HouseholdTransfer,
            rows=lambda user: transfers_to_accept(user=user),
            order=80,
        )
