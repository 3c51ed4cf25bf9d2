"""Read-side queries about housing offers."""

import datetime

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from housing.access import inspections_for, offers_for
from housing.models import HousingOffer, Inspection, OfferPhoto
from portal.access import is_caseworker
from sponsorship.selectors import check_status, sponsor_people_checks


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
    """What the sponsor is expected to do next, in words, as far as the offer alone tells (the sponsor's
    pages show `matching.path`, which also knows the sponsor's checks, training and proposals)."""
    from django.utils.translation import gettext as _

    status = HousingOffer.Status
    if offer.status == status.DRAFT:
        return _("Complete the offer, add photos and submit it for inspection.")
    if offer.status == status.SUBMITTED:
        return _("A caseworker will contact you to visit the home.")
    if offer.status == status.AVAILABLE:
        if offer.reconfirmation_requested_at:
            return _("Please confirm that the offer still stands.")
        return _("Your sponsor page shows whether anything still blocks matching.")
    if offer.status == status.RESERVED:
        return _("A household has been proposed: answer the proposal from your sponsor page.")
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


def offers_to_inspect(user, *, today: datetime.date | None = None) -> QuerySet[HousingOffer]:
    """The offers waiting for a caseworker's visit, among those the user may see (`offers_for`):
    submitted offers not yet inspected (or submitted again after a failed inspection), and those whose
    last inspection asked for a re-inspection whose date has come. An offer whose re-inspection is
    still to come waits outside the queue until that day. Each carries `reinspect_on` (the date of
    the re-inspection asked for, or None); oldest waiting first."""
    if not is_caseworker(user):
        return HousingOffer.objects.none()
    today = today or timezone.localdate()
    last = Inspection.objects.filter(offer=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        offers_for(user)
        .filter(status=HousingOffer.Status.SUBMITTED)
        .annotate(
            last_result=Subquery(last.values("result")[:1]),
            reinspect_on=Subquery(last.values("reinspect_on")[:1]),
        )
        .filter(~Q(last_result=Inspection.Result.REINSPECT) | Q(last_result__isnull=True) | Q(reinspect_on__lte=today))
        .select_related("municipality", "sponsor")
        .order_by("updated_at", "pk")
    )


def offer_inspection_history(*, user, offer: HousingOffer) -> list[Inspection]:
    """The offer's inspections the user may see, newest first, with their inspector, typed failure
    reasons and evidence files (for the offer's admin page): three queries whatever their number."""
    return list(
        inspections_for(user)
        .filter(offer=offer)
        .select_related("inspector__organisation")
        .prefetch_related("failures", Prefetch("files"))
        .order_by("-visited_on", "-pk")
    )


def offer_page_sections(*, user, offer: HousingOffer, today: datetime.date | None = None) -> dict:
    """What the offer's admin page shows besides its fields, for a reader who may see the offer: its
    photos (thumbnails, served through the checking file view), its inspection history with the typed
    results, reasons and evidence, and its sponsor's people with their checks (each with its status:
    valid, expired or failed). A constant number of queries."""
    today = today or timezone.localdate()
    if not offers_for(user).filter(pk=offer.pk).exists():
        return {}
    people = sponsor_people_checks(user=user, sponsor=offer.sponsor)
    for person in people:
        for check in person.checks.all():
            check.status_label = check_status(check, today)
            check.expired = check.result == check.Result.PASSED and check.is_expired(today)
    return {
        "offer_photos": list(OfferPhoto.objects.filter(offer=offer).order_by("position", "pk")),
        "offer_inspections": offer_inspection_history(user=user, offer=offer),
        "offer_sponsor": offer.sponsor,
        "offer_sponsor_people": people,
        "offer_sections": True,
    }
