"""The housing offers' part in a sponsor's data export and account deletion (`sponsorship.privacy`),
registered from `housing.apps`.

Export: every offer of the sponsor's profile with its photos, history and inspections (staff by role
and organisation). Deletion: the offers' records and the values that could identify the person
(addresses, descriptions) are collected, then the offers are withdrawn (their open proposals end) and
blanked: address, description, floor, notes of their steps and inspections (and the text of an
"other" failure reason), photos and the inspections' evidence (deleted from storage too).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from housing.models import HousingOffer, Inspection, InspectionFile, OfferTransition
from housing.selectors import offer_list_for_user
from housing.services import offers_withdraw_and_erase
from portal.models import User
from portal.privacy import iso_date, staff_label
from sponsorship.models import SponsorProfile
from sponsorship.privacy import SponsorErasure, SponsorPart, sponsor_part_register


def _offer_export(offer: HousingOffer, *, user: User) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "status": offer.status,
        "kind": offer.kind,
        "municipality": offer.municipality.name if offer.municipality else None,
        "street_address": offer.street_address,
        "capacity": offer.capacity,
        "max_households": offer.max_households,
        "bedrooms": offer.bedrooms,
        "step_free": offer.step_free,
        "lift": offer.lift,
        "floor": offer.floor,
        "children_welcome": offer.children_welcome,
        "pets_allowed": offer.pets_allowed,
        "smoking_allowed": offer.smoking_allowed,
        "near_school": offer.near_school,
        "near_work": offer.near_work,
        "near_medical_care": offer.near_medical_care,
        "host_languages": [language.code for language in offer.host_languages.all()],
        "cost": offer.cost,
        "monthly_rent": str(offer.monthly_rent) if offer.monthly_rent is not None else None,
        "utilities_included": offer.utilities_included,
        "monthly_utilities": str(offer.monthly_utilities) if offer.monthly_utilities is not None else None,
        "available_from": iso_date(offer.available_from),
        "available_until": iso_date(offer.available_until),
        "minimum_stay_months": offer.minimum_stay_months,
        "description": offer.description,
        "description_language": offer.description_language,
        "confirmed_at": iso_date(offer.confirmed_at),
        "created_at": offer.created_at.isoformat(),
        "photos": [photo.image.url for photo in offer.photos.all()],
        "history": [
            {
                "from": t.from_status,
                "to": t.to_status,
                "at": t.at.isoformat(),
                "by": "you" if t.by_id == user.pk else staff_label(t.by),
                "note": t.note,
            }
            for t in offer.transitions.all()
        ],
        "inspections": [
            {
                "visited_on": i.visited_on.isoformat(),
                "result": i.result,
                "checklist": {name: getattr(i, name) for name in i.CHECKLIST},
                "failure_reasons": [failure.reason for failure in i.failures.all()],
                "other_reason": i.other_reason,
                "reinspect_on": iso_date(i.reinspect_on),
                "evidence_files": len(i.files.all()),
                "notes": i.notes,
                "inspector": staff_label(i.inspector),
            }
            for i in offer.inspections.all()
        ],
    }


def _export(user: User, profile: SponsorProfile | None, emails: list[str]) -> dict:
    if profile is None:
        return {"offers": []}
    offers = offer_list_for_user(user=user).prefetch_related(
        "transitions__by__organisation",
        "inspections__inspector__organisation",
        "inspections__failures",
        "inspections__files",
    )
    return {"offers": [_offer_export(offer, user=user) for offer in offers]}


def _audit_records(profile: SponsorProfile) -> list[tuple[type[models.Model], list[int]]]:
    return [(HousingOffer, list(HousingOffer.objects.filter(sponsor=profile).values_list("pk", flat=True)))]


def _prepare(erasure: SponsorErasure) -> None:
    """The offers' records and values are collected, then the offers withdrawn (ending their open
    proposals) and blanked, before any other part erases."""
    profile = erasure.profile
    if profile is None:
        return
    offers = list(HousingOffer.objects.filter(sponsor=profile))
    erasure.erased.records += offers
    erasure.erased.records += [
        *Inspection.objects.filter(offer__in=offers),
        *InspectionFile.objects.filter(inspection__offer__in=offers),
        *OfferTransition.objects.filter(offer__in=offers),
    ]
    erasure.identifiers += [offer.street_address for offer in offers]
    erasure.about += [offer.description for offer in offers]
    erasure.about += (
        Inspection.objects.filter(offer__in=offers).exclude(other_reason="").values_list("other_reason", flat=True)
    )
    offers_withdraw_and_erase(sponsor=profile, by=erasure.user)


def register() -> None:
    sponsor_part_register(SponsorPart(name="offers", export=_export, prepare=_prepare, audit_records=_audit_records))
