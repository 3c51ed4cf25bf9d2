"""Who may see what of a housing offer: one predicate per question, asked by views and the file view."""

from django.db.models import Q

from housing.models import OfferPhoto


def offer_photo_visible_to(*, user, photo: OfferPhoto) -> bool:
    """May this user see this photo (and its thumbnail)?

    The offer's own sponsor (until the account is erased), and staff allowed to view offer photos
    (caseworkers of any organisation — offers are not scoped by organisation — and admins). No
    public page shows an offer, so nobody else, whatever the offer's status; a draft's photos are
    thus the sponsor's and staff's only.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    sponsor = photo.offer.sponsor
    if sponsor.user_id == user.pk and sponsor.erased_at is None:
        return True
    return user.is_staff and user.has_perm("housing.view_offerphoto")


def offer_photo_for_file(name: str) -> OfferPhoto | None:
    """The photo a stored file (the photo or its thumbnail) belongs to."""
    return OfferPhoto.objects.select_related("offer__sponsor").filter(Q(image=name) | Q(thumbnail=name)).first()
