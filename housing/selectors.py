"""Read-side queries about housing offers."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from housing.access import offers_for
from housing.models import HousingOffer


def offer_list_for_user(*, user) -> QuerySet[HousingOffer]:
    """The offers of the user's own sponsor profile, newest first."""
    return (
        offers_for(user, as_sponsor=True)
        .select_related("municipality", "sponsor")
        .prefetch_related("host_languages", "photos")
    )


def offer_get_for_user(*, user, pk: int) -> HousingOffer:
    """One of the user's own offers; anyone else's is a 404, whatever the URL."""
    return get_object_or_404(offer_list_for_user(user=user).prefetch_related("transitions", "inspections"), pk=pk)


def offers_matchable(*, now: datetime.datetime | None = None) -> QuerySet[HousingOffer]:
    """Available offers that matching may use: confirmed recently enough (or within the grace period).
    Their sponsors' eligibility and safeguarding suspension are constraints of the matching run itself,
    so that it can say which one kept a household without a proposal."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.OFFER_RECONFIRM_DAYS + settings.OFFER_RECONFIRM_GRACE_DAYS)
    return HousingOffer.objects.filter(status=HousingOffer.Status.AVAILABLE).filter(
        Q(confirmed_at__gte=cutoff) | Q(confirmed_at__isnull=True)
    )


def offer_next_step(offer: HousingOffer) -> str:
    """What the sponsor is expected to do next, in words."""
    from django.utils.translation import gettext as _

    status = HousingOffer.Status
    if offer.status == status.DRAFT:
        return _("Complete the offer, add photos and submit it for inspection.")
    if offer.status == status.SUBMITTED:
        return _("A caseworker will contact you to visit the home.")
    if offer.status == status.AVAILABLE:
        if offer.reconfirmation_requested_at:
            return _("Please confirm that the offer still stands.")
        return _("Nothing to do: a caseworker may propose a household.")
    if offer.status == status.RESERVED:
        return _("A household has been proposed: a caseworker will be in touch.")
    if offer.status == status.EXPIRED:
        return _("The offer has expired: reopen it to change its dates.")
    return ""


# What the sponsor's page shows of each offer: its name (kind, number, municipality in each language, for
# modeltranslation's fallbacks), status, size, dates and what `offer_next_step` reads.
_OFFER_CARD_FIELDS = (
    "kind",
    "status",
    "capacity",
    "available_from",
    "reconfirmation_requested_at",
    *(f"municipality__name_{code}" for code in settings.MODELTRANSLATION_LANGUAGES),
)


def offer_list_with_next_step(*, user) -> list[tuple[HousingOffer, str]]:
    """The user's own offers, each with what they are expected to do next (their sponsor page): one
    query, reading only the columns the page shows."""
    offers = offers_for(user, as_sponsor=True).select_related("municipality").only(*_OFFER_CARD_FIELDS)
    return [(offer, offer_next_step(offer)) for offer in offers]


def offers_to_inspect(*, user) -> QuerySet[HousingOffer]:
    """Offers their sponsors submitted, waiting for a caseworker's inspection (the step submitted →
    inspected of `housing.services.OFFER_WORKFLOW`), as far as the reader sees offers; oldest change first."""
    return offers_for(user).filter(status=HousingOffer.Status.SUBMITTED).order_by("updated_at", "pk")
