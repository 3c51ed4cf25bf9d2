"""Demo sponsors and housing offers for development (called by `manage.py demo_setup`). Idempotent."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from housing.models import HousingOffer
from housing.photos import offer_photo_add
from housing.services import offer_inspect, offer_save, offer_submit
from portal.models import User
from projects.models import Language, Municipality
from sponsorship.models import SponsorCheck, SponsorProfile
from sponsorship.services import (
    group_member_invite,
    sponsor_check_record,
    sponsor_profile_save,
    sponsor_verify,
)


def _photo(colour: tuple[int, int, int], label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (960, 720), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([120, 260, 840, 660], fill=(245, 240, 230))
    draw.polygon([(80, 280), (480, 60), (880, 280)], fill=(120, 60, 40))
    draw.text((140, 600), label, fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def demo_offer_available(*, profile: SponsorProfile, data: dict, host_languages, caseworker: User) -> HousingOffer:
    """An offer of the demo sponsor taken through its real lifecycle: saved, photographed, submitted,
    inspected and passed, so it is available."""
    sponsor = profile.user
    offer = offer_save(sponsor=profile, data=data, host_languages=host_languages, language_code="en", by=sponsor)
    offer_photo_add(offer=offer, upload=_photo((90, 140, 170), str(data["kind"])), by=sponsor)
    offer_submit(offer=offer, by=sponsor)
    offer_inspect(
        offer=offer,
        inspector=caseworker,
        visited_on=timezone.localdate(),
        checklist=dict.fromkeys(
            ["safety", "heating", "water_sanitation", "smoke_detector", "matches_description"], True
        ),
        result="pass",
        notes="Demo inspection.",
    )
    offer.refresh_from_db()
    return offer


@transaction.atomic
def demo_sponsors_ensure(*, sponsor: User, group_lead: User, caseworker: User) -> None:
    """A verified host family with offers in several states, and a pending community group."""
    kaunas = Municipality.objects.filter(slug="kaunas-city").first() or Municipality.objects.first()
    vilnius = Municipality.objects.filter(slug="vilnius-city").first() or kaunas
    if kaunas is None:
        return  # no seed content: nothing to attach offers to
    languages = list(Language.objects.filter(code__in=["lt", "en", "uk"]))
    today = timezone.localdate()

    if not SponsorProfile.objects.filter(user=sponsor).exists():
        profile = sponsor_profile_save(
            user=sponsor,
            data={
                "kind": SponsorProfile.Kind.HOST_FAMILY,
                "municipality": kaunas,
                "phone": "+370 600 12345",
                "motivation": "Our children have moved out and we have two free rooms.",
            },
            languages=languages,
            consent=True,
            language_code="en",
        )
        for person in profile.persons.all():
            for kind in SponsorCheck.Kind:
                sponsor_check_record(
                    person=person,
                    kind=kind,
                    result=SponsorCheck.Result.PASSED,
                    checked_on=today,
                    expires_on=today + datetime.timedelta(days=365),
                    by=caseworker,
                )
        sponsor_verify(sponsor=profile, by=caseworker, notes="Demo: identity and references checked.")
        base = {
            "municipality": kaunas,
            "available_from": today + datetime.timedelta(days=14),
            "minimum_stay_months": 6,
            "children_welcome": True,
        }
        demo_offer_available(
            profile=profile,
            data={
                **base,
                "kind": HousingOffer.Kind.ROOM,
                "street_address": "Demo g. 1-2, Kaunas",
                "capacity": 2,
                "bedrooms": 1,
                "cost": HousingOffer.Cost.FREE,
                "description": "A quiet room with its own desk, ten minutes from the bus station.",
            },
            host_languages=languages,
            caseworker=caseworker,
        )
        submitted = offer_save(
            sponsor=profile,
            data={
                **base,
                "kind": HousingOffer.Kind.FLAT,
                "street_address": "Demo al. 5-7, Kaunas",
                "capacity": 4,
                "bedrooms": 2,
                "floor": 3,
                "lift": True,
                "cost": HousingOffer.Cost.REDUCED,
                "monthly_rent": 250,
                "description": "A two-bedroom flat near a school, to be inspected.",
            },
            host_languages=languages,
            language_code="en",
            by=sponsor,
        )
        offer_photo_add(offer=submitted, upload=_photo((160, 120, 90), "flat"), by=sponsor)
        offer_submit(offer=submitted, by=sponsor)
        offer_save(
            sponsor=profile,
            data={"kind": HousingOffer.Kind.HOUSE, "municipality": vilnius, "capacity": 5},
            host_languages=[],
            language_code="en",
            by=sponsor,
        )

    if not SponsorProfile.objects.filter(user=group_lead).exists():
        group = sponsor_profile_save(
            user=group_lead,
            data={
                "kind": SponsorProfile.Kind.COMMUNITY_GROUP,
                "organisation_name": "Žaliakalnio kaimynai",
                "municipality": kaunas,
                "motivation": "Five neighbours who want to welcome a family together.",
            },
            languages=languages,
            consent=True,
            language_code="lt",
        )
        group_member_invite(
            sponsor=group, by=group_lead, full_name="Rūta Demo", email="ruta@example.org", role="mentoring"
        )
