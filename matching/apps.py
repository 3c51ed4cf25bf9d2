from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from auditlog.registry import auditlog

        from housing.models import HousingOffer
        from housing.signals import offer_leaving
        from matching import models, privacy
        from matching.services.proposals import offer_left

        auditlog.register(models.MatchProposal, exclude_fields=["explanation"])
        auditlog.register(models.Placement)
        auditlog.register(models.FollowUp)
        auditlog.register(models.MediationNote)
        auditlog.register(models.SafeguardingConcern)

        # The mediation records take part in a household's export and erasure, and in the retention schedule.
        privacy.register()
        privacy.register_retention()

        # An offer that leaves (withdrawn, expired) ends its proposals: housing announces it, matching owns
        # the rule.
        offer_leaving.connect(offer_left, sender=HousingOffer, dispatch_uid="matching-offer-leaving")
