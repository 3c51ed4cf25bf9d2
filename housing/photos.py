"""Offer photos: every upload is checked from its header, decoded by the JPEG, PNG or WebP reader only,
re-encoded into a fresh JPEG without metadata, and given a thumbnail (`portal.uploads`)."""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from housing.access import can_edit_offer
from housing.models import HousingOffer, OfferPhoto
from housing.services import OfferError
from portal.models import User
from portal.uploads import THUMBNAIL_SIDE, UploadError, photo_encode, upload_size_check

__all__ = ["THUMBNAIL_SIDE", "offer_photo_add", "offer_photo_delete", "offer_photo_move", "offer_photos_add"]


def offer_photo_add(*, offer: HousingOffer, upload, by: User) -> OfferPhoto:
    """Add a photo: JPEG, PNG or WebP only, size-limited, re-encoded so that no metadata survives
    (EXIF with the GPS position and camera, XMP, comments, text chunks; a colour profile is applied,
    then dropped), oriented, scaled down, and with a thumbnail. Anything else is refused: the file's
    size before it is read, its pixel count from its header before it is decoded."""
    try:
        upload_size_check(upload, max_bytes=settings.OFFER_PHOTO_MAX_BYTES)
        full, small, width, height = photo_encode(upload)
    except UploadError as error:
        raise OfferError(error.messages[0]) from error
    name = uuid.uuid4().hex
    with transaction.atomic():
        offer = HousingOffer.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=offer.pk)
        _photo_editable(offer, by)
        photos = list(offer.photos.values_list("position", flat=True))
        if len(photos) >= settings.OFFER_PHOTO_MAX_COUNT:
            raise OfferError(
                _("An offer can have at most %(count)s photos.") % {"count": settings.OFFER_PHOTO_MAX_COUNT}
            )
        photo = OfferPhoto(offer=offer, width=width, height=height, position=max(photos, default=0) + 1)
        photo.image.save(f"{name}.jpg", ContentFile(full), save=False)
        photo.thumbnail.save(f"{name}-thumb.jpg", ContentFile(small), save=False)
        try:
            photo.save()
        except Exception:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
            raise
    return photo


def offer_photos_add(*, offer: HousingOffer, uploads: list, by: User) -> tuple[list[OfferPhoto], list[tuple[str, str]]]:
    """Add several photos, each on its own (`offer_photo_add`): the good ones are saved, a bad one (or
    one beyond the limit) is refused alone. Returns the photos saved and, for each refused file, its
    name and the translated reason."""
    saved, refused = [], []
    for upload in uploads:
        try:
            saved.append(offer_photo_add(offer=offer, upload=upload, by=by))
        except OfferError as error:
            refused.append((str(getattr(upload, "name", "") or "")[:100], error.messages[0]))
    return saved, refused


def offer_photo_move(*, photo: OfferPhoto, up: bool, by: User) -> None:
    """Move a photo one place up (towards the cover, the first photo) or down; the positions are
    renumbered from 1 in the new order."""
    with transaction.atomic():
        offer = HousingOffer.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=photo.offer_id)
        _photo_editable(offer, by)
        photos = list(offer.photos.order_by("position", "pk"))
        index = next((index for index, each in enumerate(photos) if each.pk == photo.pk), None)
        if index is None:  # removed meanwhile (another tab): nothing to move
            raise OfferError(_("This photo is no longer part of the offer."))
        other = index - 1 if up else index + 1
        if 0 <= other < len(photos):
            photos[index], photos[other] = photos[other], photos[index]
        for position, each in enumerate(photos, start=1):
            each.position = position
        OfferPhoto.objects.bulk_update(photos, ["position"])


def _photo_editable(offer: HousingOffer, by: User) -> None:
    if not can_edit_offer(by, offer):
        raise PermissionDenied
    if offer.status != HousingOffer.Status.DRAFT:
        raise OfferError(_("Photos can be changed only while the offer is a draft."))


def offer_photo_delete(*, photo: OfferPhoto, by: User) -> None:
    with transaction.atomic():
        offer = HousingOffer.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=photo.offer_id)
        _photo_editable(offer, by)
        photo.delete()
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
