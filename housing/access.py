"""Who may see and do what with housing offers: one predicate per question, and one scoped-queryset
helper per model, asked by the admin, selectors, views, services and the file view.

Offers are not scoped by organisation: caseworkers of every organisation see every offer (they
propose them to their households), and no household detail is written on an offer.
"""

from django.db.models import Q, QuerySet

from housing.models import HousingOffer, Inspection, InspectionFile, OfferPhoto
from portal.access import is_caseworker, is_signed_in
from portal.workflow import Role
from sponsorship.access import is_sponsor_of


def offers_for(user, *, as_sponsor: bool = False) -> QuerySet[HousingOffer]:
    """The offers this user may see: every offer for staff; a sponsor's own (until the profile is
    erased). `as_sponsor`: the sponsor's own offers whoever asks (the sponsor's pages, where staff
    are sponsors like anyone else)."""
    if not is_signed_in(user):
        return HousingOffer.objects.none()
    if is_caseworker(user) and not as_sponsor:
        return HousingOffer.objects.all()
    return HousingOffer.objects.filter(sponsor__user=user, sponsor__erased_at__isnull=True)


def inspections_for(user) -> QuerySet[Inspection]:
    """The inspections of the offers this user may see."""
    return Inspection.objects.filter(offer__in=offers_for(user))


def can_edit_offer(user, offer: HousingOffer) -> bool:
    """The offer's sponsor edits it (and its photos), submits, withdraws and reconfirms it; whether the
    offer's status allows the change is the offer workflow's question (`housing.services`)."""
    return is_sponsor_of(user, offer.sponsor)


def can_inspect_offer(user, offer: HousingOffer) -> bool:
    """A caseworker allowed to record inspections (any organisation's: offers are shared) visits it."""
    return is_caseworker(user) and user.has_perm("housing.add_inspection")


def offer_photo_visible_to(*, user, photo: OfferPhoto) -> bool:
    """May this user see this photo (and its thumbnail)?

    The offer's own sponsor (until the account is erased), and staff allowed to view offer photos
    (caseworkers of any organisation — offers are not scoped by organisation — and admins). No
    public page shows an offer, so nobody else, whatever the offer's status; a draft's photos are
    thus the sponsor's and staff's only.
    """
    if is_sponsor_of(user, photo.offer.sponsor):
        return True
    return is_caseworker(user) and user.has_perm("housing.view_offerphoto")


def offer_photo_for_file(name: str) -> OfferPhoto | None:
    """The photo a stored file (the photo or its thumbnail) belongs to."""
    return OfferPhoto.objects.select_related("offer__sponsor").filter(Q(image=name) | Q(thumbnail=name)).first()


def inspection_file_visible_to(*, user, evidence: InspectionFile) -> bool:
    """May this user see this piece of inspection evidence (a photo or document of the visit)?

    Staff allowed to view inspections (caseworkers of any organisation, like the offers and their
    inspections, and admins) only: the evidence is the caseworkers' record, not the sponsor's, and no
    public page shows it."""
    return is_caseworker(user) and user.has_perm("housing.view_inspection")


def inspection_file_for_file(name: str) -> InspectionFile | None:
    """The evidence a stored file (the file or its thumbnail) belongs to."""
    return (
        InspectionFile.objects.select_related("inspection__offer__sponsor")
        .filter(Q(file=name) | Q(thumbnail=name))
        .first()
    )


def offer_role(offer: HousingOffer, user) -> str:
    """Who `user` is for the offer's workflow: a caseworker (any, offers are shared by every organisation),
    the offer's own sponsor, the system (periodic jobs, `None`), or anyone else."""
    if user is None:
        return Role.SYSTEM
    if is_caseworker(user):
        return Role.CASEWORKER
    if offer.sponsor.user_id == user.pk:
        return Role.SPONSOR
    return Role.OTHER
