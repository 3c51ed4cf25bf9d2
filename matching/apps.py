from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from auditlog.registry import auditlog

        from housing.models import HousingOffer
        from housing.signals import offer_leaving
        from matching import models, notification_kinds, path, privacy, timeline
        from matching.selectors import sponsor_suspension_blockers
        from matching.services.proposals import offer_left
        from portal.panels import Panel, panel_register
        from sponsorship.selectors import MatchingRequirement, matching_requirement_register

        # Its notification codes and how they read (in the reader's language, when read).
        notification_kinds.register()
        auditlog.register(models.MatchProposal, exclude_fields=["explanation"])
        auditlog.register(models.Placement)
        auditlog.register(models.FollowUp)
        auditlog.register(models.MediationNote)
        auditlog.register(models.SafeguardingConcern)

        # The mediation records take part in a household's export and erasure, and in the retention schedule.
        privacy.register()
        privacy.register_retention()
        # Proposals, placements, follow-ups and concerns take part in the household's timeline.
        timeline.register()

        # An offer that leaves (withdrawn, expired) ends its proposals: housing announces it, matching owns
        # the rule.
        offer_leaving.connect(offer_left, sender=HousingOffer, dispatch_uid="matching-offer-leaving")
        # The proposals and placements of a sponsor take part in their export and account deletion.
        privacy.register_sponsor_part()
        # The sponsor's page starts with the proposals that reached them.
        panel_register(
            Panel(
                page="sponsorship:dashboard",
                name="proposals",
                order=10,
                template="matching/_sponsor_proposals.html",
                context=lambda request: {"proposals": path.sponsor_path_for_request(request).proposals},
            )
        )
        # The sponsor's path (`matching.path`): its step indicator heads the sponsor's page, the offers' cards
        # there and the offer's page say each offer's next step from it. The "offers" panel replaces the one
        # housing registers (same page and name; housing's `ready` runs first, being listed before).
        panel_register(
            Panel(
                page="sponsorship:dashboard",
                name="path",
                order=5,
                template="matching/_sponsor_path.html",
                context=lambda request: {"path": path.sponsor_path_for_request(request)},
            )
        )
        panel_register(
            Panel(
                page="sponsorship:dashboard",
                name="offers",
                order=20,
                template="housing/_sponsor_offers.html",
                context=lambda request: {
                    "offers": [(op.offer, op.next) for op in path.sponsor_path_for_request(request).offers]
                },
            )
        )
        panel_register(
            Panel(
                page="housing:offer-detail",
                name="path",
                template="matching/_offer_path.html",
                context=path.offer_path_context,
            )
        )
        # An open high-severity safeguarding concern suspends the sponsor from matching.
        matching_requirement_register(MatchingRequirement(name="safeguarding", blockers=sponsor_suspension_blockers))

        # The caseworker's queues on the admin's start page (`portal.queues`), the same lists as the
        # caseworker's dashboard (`matching.selectors.caseworker_agenda`).
        from matching import selectors
        from portal.queues import admin_queue_register

        queues = [
            (
                "proposals_to_review",
                _("Proposals to review"),
                models.MatchProposal,
                30,
                lambda user: selectors.proposals_to_review(user=user),
            ),
            (
                "answers_overdue",
                _("Answers overdue"),
                models.MatchProposal,
                40,
                lambda user: selectors.proposals_answer_overdue(user=user),
            ),
            (
                "proposal_next_steps",
                _("Next steps on proposals"),
                models.MatchProposal,
                45,
                lambda user: selectors.proposals_next_step(user=user),
            ),
            (
                "follow_ups_due",
                _("Follow-ups due"),
                models.FollowUp,
                60,
                lambda user: selectors.follow_ups_due(user),
            ),
            (
                "concerns_open",
                _("Open safeguarding concerns"),
                models.SafeguardingConcern,
                70,
                lambda user: selectors.concerns_open(user=user),
            ),
        ]
        for key, label, model, order, rows in queues:
            admin_queue_register(key, label=label, model=model, rows=rows, order=order)
