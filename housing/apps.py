from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Housing")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.conf import settings
        from django.db.models.signals import post_delete
        from PIL import Image

        from housing import notification_kinds, privacy, selectors
        from housing.access import (
            inspection_file_for_file,
            inspection_file_visible_to,
            offer_photo_for_file,
            offer_photo_visible_to,
        )
        from housing.evidence import evidence_forget
        from housing.models import HousingOffer, InspectionFile
        from portal.media import ProtectedFiles, protected_files_register
        from portal.panels import Panel, panel_register

        # Its notification codes and how they read (in the reader's language, when read).
        notification_kinds.register()
        # Field history of offers, the address and description masked (they are the sponsor's; see
        # `portal.privacy`). Their steps are in `OfferTransition`.
        auditlog.register(
            HousingOffer,
            mask_fields=["street_address", "description"],
            mask_callable="portal.privacy.audit_mask",
        )
        # Pillow refuses to open a decompression bomb (above twice this) anywhere in the portal.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
        # Offer photos are personal (they show someone's home): checked on every request, never cached.
        protected_files_register(
            ProtectedFiles(
                folder="offers",
                owner=offer_photo_for_file,
                may_read=lambda user, photo: offer_photo_visible_to(user=user, photo=photo),
                personal=True,
                images=True,
            )
        )
        # Evidence of inspections (photos of the visit, documents): caseworkers only, never cached.
        protected_files_register(
            ProtectedFiles(
                folder="inspections",
                owner=inspection_file_for_file,
                may_read=lambda user, evidence: inspection_file_visible_to(user=user, evidence=evidence),
                personal=True,
                images=True,
            )
        )
        post_delete.connect(
            lambda sender, instance, **kwargs: evidence_forget(evidence=instance),
            sender=InspectionFile,
            weak=False,
            dispatch_uid="housing.evidence_forget",
        )
        # The offers take part in their sponsor's export and account deletion.
        privacy.register()
        # The sponsor's page lists their offers, after the proposals (matching) and before the training.
        panel_register(
            Panel(
                page="sponsorship:dashboard",
                name="offers",
                order=20,
                template="housing/_sponsor_offers.html",
                context=lambda request: {"offers": selectors.offer_list_with_next_step(user=request.user)},
            )
        )
        # The caseworker's queue of offers to inspect, on the admin's start page (`portal.queues`).
        from portal.queues import admin_queue_register

        admin_queue_register(
            "offers_to_inspect",
            label=_("Offers to inspect"),
            model=HousingOffer,
            rows=lambda user: selectors.offers_to_inspect(user=user),
            order=20,
        )
