from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipConfig(AppConfig):
    name = "sponsorship"
    verbose_name = _("Sponsorship")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete

        from portal.media import ProtectedFiles, protected_files_register
        from sponsorship import models, notification_kinds, retention
        from sponsorship.access import check_for_scan, check_scan_visible_to
        from sponsorship.services import sponsor_check_scan_forget

        # Its notification codes and how they read (in the reader's language, when read).
        notification_kinds.register()
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
        # Scans of checks (certificates of no criminal record, identity documents): caseworkers only,
        # checked on every request, never cached; PDFs are downloaded, photos shown inline.
        protected_files_register(
            ProtectedFiles(
                folder="checks",
                owner=check_for_scan,
                may_read=lambda user, check: check_scan_visible_to(user=user, check=check),
                personal=True,
                images=True,
            )
        )
        # Scans of expired checks leave storage after RETENTION_CHECK_SCAN_DAYS.
        retention.register()
        post_delete.connect(
            lambda sender, instance, **kwargs: sponsor_check_scan_forget(check=instance),
            sender=models.SponsorCheck,
            weak=False,
            dispatch_uid="sponsorship.check_scan_forget",
        )

        # The caseworker's queues on the admin's start page (`portal.queues`).
        from portal.queues import admin_queue_register
        from sponsorship.households.selectors import meetings_to_arrange
        from sponsorship.selectors import sponsors_to_verify, transfers_to_accept

        admin_queue_register(
            "sponsors_to_verify",
            label=_("Sponsors to verify"),
            model=models.SponsorProfile,
            rows=lambda user: sponsors_to_verify(user=user),
            order=10,
        )
        admin_queue_register(
            "meetings_to_arrange",
            label=_("Meetings to arrange"),
            model=models.HouseholdMeeting,
            rows=meetings_to_arrange,
            order=50,
        )
        admin_queue_register(
            "transfers_to_accept",
            label=_("Transfers to accept"),
            model=models.HouseholdTransfer,
            rows=lambda user: transfers_to_accept(user=user),
            order=80,
        )
