"""Synthetic, realistic matching data for the benchmark and the load tests, with a fixed seed.

Households and offers follow plausible shares (sizes, children, pets, step-free needs, rents, dates,
languages, preferred municipalities concentrated in the cities) so that a household has on the order of
fifty feasible offers. Rows are written with bulk inserts; callers usually roll them back afterwards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from housing.models import HousingOffer
from portal.models import User
from projects.models import Language, Municipality, Organisation
from sponsorship.models import (
    Household,
    HouseholdMember,
    MunicipalityPreference,
    SponsorCheck,
    SponsorPerson,
    SponsorProfile,
)
from sponsorship.selectors import REQUIRED_CHECKS
from training.models import Certificate
from training.selectors import missing_required_training

# Places grow with the data (60 Lithuanian municipalities for a thousand offers; across the three RISE
# countries for more), so that a household keeps about fifty feasible offers at any size.
OFFERS_PER_PLACE = 16
BASE_LANGUAGES = ["lt", "en", "ru", "uk"]  # from the seed content; created when missing
EXTRA_LANGUAGES = ["ar", "fa", "ps", "tr", "so", "ti", "fr", "de", "pl", "be", "ka", "hy"]


@dataclass
class SyntheticData:
    households: int
    offers: int
    sponsors: int
    eligible_sponsors: int


def _choice(rng: np.random.Generator, values, shares, n: int) -> np.ndarray:
    shares = np.asarray(shares, dtype=np.float64)
    return rng.choice(np.asarray(values), size=n, p=shares / shares.sum())


def synthetic_data_create(
    *, households: int, offers: int, seed: int = 1, today: datetime.date | None = None, tag: str = "bench"
) -> SyntheticData:
    rng = np.random.default_rng(seed)
    today = today or timezone.localdate()
    now = timezone.now()

    # Places and languages -------------------------------------------------------------------------
    places = max(60, offers // OFFERS_PER_PLACE)
    municipalities = list(Municipality.objects.order_by("pk"))
    missing = places - len(municipalities)
    if missing > 0:
        Municipality.objects.bulk_create(
            Municipality(slug=f"{tag}-{seed}-place-{i}", name=f"Place {i}", country="LT", kind="district")
            for i in range(missing)
        )
        municipalities = list(Municipality.objects.order_by("pk"))
    municipalities = municipalities[:places]
    # A few large cities draw most preferences and offers (a Zipf-like share).
    place_share = 1.0 / np.arange(1, len(municipalities) + 1) ** 0.7
    for code in BASE_LANGUAGES + EXTRA_LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": code})
    languages = {language.code: language for language in Language.objects.all()}
    refugee_languages = [
        code for code in ["uk", "ru", "ar", "fa", "ps", "tr", "so", "ti", "be", "ka"] if code in languages
    ]
    host_languages = [code for code in ["lt", "en", "ru", "uk", "pl", "de", "fr"] if code in languages]

    organisation, _created = Organisation.objects.get_or_create(
        slug=f"{tag}-organisation", defaults={"name": "Benchmark organisation"}
    )

    # Sponsors: some own several offers (landlords, agencies); about 95 % are eligible ----------------
    n_sponsors = max(1, offers * 2 // 3)
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"{tag}-{seed}-sponsor-{i}@example.invalid", password=password, is_active=True)
        for i in range(n_sponsors)
    )
    status = _choice(rng, ["verified", "pending"], [0.97, 0.03], n_sponsors)
    sponsors = SponsorProfile.objects.bulk_create(
        SponsorProfile(
            user=user,
            kind="host_family",
            municipality=municipalities[int(m)],
            status=str(st),
            consented_at=now,
        )
        for user, st, m in zip(
            users, status, _choice(rng, range(len(municipalities)), place_share, n_sponsors), strict=True
        )
    )
    persons = SponsorPerson.objects.bulk_create(
        SponsorPerson(sponsor=sponsor, full_name=f"Sponsor {i}", role=SponsorPerson.Role.MAIN)
        for i, sponsor in enumerate(sponsors)
    )
    expired = rng.random(n_sponsors) < 0.02
    SponsorCheck.objects.bulk_create(
        SponsorCheck(
            person=person,
            kind=kind,
            result=SponsorCheck.Result.PASSED,
            checked_on=today - datetime.timedelta(days=400),
            expires_on=today - datetime.timedelta(days=1) if bad and kind == REQUIRED_CHECKS[1] else None,
        )
        for person, bad in zip(persons, expired, strict=True)
        for kind in REQUIRED_CHECKS
    )
    trained = rng.random(n_sponsors) < 0.98
    Certificate.objects.bulk_create(
        Certificate(
            user=user, holder_name="Sponsor", programme=programme, code=f"B{seed}{i:07d}{programme.pk:03d}"[:20]
        )
        for i, (user, ok) in enumerate(zip(users, trained, strict=True))
        if ok
        for programme in missing_required_training(user=None)
    )
    eligible = int(((status == "verified") & ~expired & trained).sum())

    # Offers ------------------------------------------------------------------------------------------
    capacity = _choice(rng, [1, 2, 3, 4, 5, 6, 8], [12, 26, 20, 18, 12, 8, 4], offers)
    free = rng.random(offers) < 0.4
    rent = np.round(rng.uniform(120, 650, offers), -1)
    available_from = rng.integers(-30, 45, offers)
    open_ended = rng.random(offers) < 0.5
    months = rng.integers(3, 25, offers)
    offer_place = _choice(rng, range(len(municipalities)), place_share, offers)
    offer_sponsor = rng.integers(0, n_sponsors, offers)
    created = HousingOffer.objects.bulk_create(
        HousingOffer(
            sponsor=sponsors[int(offer_sponsor[i])],
            status=HousingOffer.Status.AVAILABLE,
            kind="flat",
            municipality=municipalities[int(offer_place[i])],
            street_address=f"Street {i}",
            capacity=int(capacity[i]),
            max_households=2 if capacity[i] >= 6 and rng.random() < 0.3 else 1,
            step_free=bool(rng.random() < 0.3),
            children_welcome=bool(rng.random() < 0.75),
            pets_allowed=bool(rng.random() < 0.35),
            near_school=bool(rng.random() < 0.45),
            near_work=bool(rng.random() < 0.45),
            near_medical_care=bool(rng.random() < 0.45),
            cost=HousingOffer.Cost.FREE if free[i] else HousingOffer.Cost.REDUCED,
            monthly_rent=None if free[i] else float(rent[i]),
            available_from=today + datetime.timedelta(days=int(available_from[i])),
            available_until=None
            if open_ended[i]
            else today + datetime.timedelta(days=int(available_from[i]) + int(months[i]) * 31 + 30),
            minimum_stay_months=int(rng.choice([0, 1, 3, 6])),
            confirmed_at=now,
        )
        for i in range(offers)
    )
    through = HousingOffer.host_languages.through
    offer_links = []
    for offer in created:
        picked = {"lt"} | {code for code in host_languages[1:] if rng.random() < 0.25}
        offer_links += [through(housingoffer_id=offer.pk, language_id=languages[code].pk) for code in picked]
    through.objects.bulk_create(offer_links)

    # Households --------------------------------------------------------------------------------------
    size = _choice(rng, [1, 2, 3, 4, 5, 6, 7], [30, 24, 18, 13, 8, 5, 2], households)
    waiting = rng.integers(0, 365, households)
    rows = Household.objects.bulk_create(
        Household(
            reference=f"{tag[:4].upper()}{seed}-{i:06d}"[:20],
            head_name=f"Household {i}",
            protection_status="temporary",
            organisation=organisation,
            status=Household.Status.SEEKING,
            consent_version="1",
            consent_given_on=None if rng.random() < 0.01 else today,
            needs_step_free=bool(rng.random() < 0.08),
            has_pets=bool(rng.random() < 0.1),
            max_monthly_rent=None if rng.random() < 0.5 else float(np.round(rng.uniform(150, 700), -1)),
            move_in_from=today + datetime.timedelta(days=int(rng.integers(0, 60))),
            stay_months=None if rng.random() < 0.2 else int(rng.integers(3, 25)),
            near_school=bool(rng.random() < 0.3),
            near_work=bool(rng.random() < 0.4),
            near_medical_care=bool(rng.random() < 0.15),
            waiting_since=today - datetime.timedelta(days=int(waiting[i])),
        )
        for i in range(households)
    )
    members = []
    for household, n in zip(rows, size.tolist(), strict=True):
        adults = 1 if n == 1 else (2 if n >= 3 and rng.random() < 0.6 else 1 if n >= 3 else 2)
        adults = min(adults, n)
        members += [
            HouseholdMember(household=household, kind="adult", age=int(rng.integers(18, 70))) for _ in range(adults)
        ]
        members += [
            HouseholdMember(household=household, kind="child", age=int(rng.integers(0, 17))) for _ in range(n - adults)
        ]
    HouseholdMember.objects.bulk_create(members, batch_size=5000)
    preferences, spoken = [], []
    language_through = Household.languages.through
    for household in rows:
        count = int(rng.choice([1, 2, 3], p=[0.35, 0.4, 0.25]))
        places = _choice(rng, range(len(municipalities)), place_share, 8)
        picked = list(dict.fromkeys(places.tolist()))[:count]
        preferences += [
            MunicipalityPreference(household=household, municipality=municipalities[p], rank=rank)
            for rank, p in enumerate(picked, start=1)
        ]
        codes = {refugee_languages[int(rng.integers(0, len(refugee_languages)))]}
        if rng.random() < 0.5:
            codes.add("ru" if "ru" in languages else refugee_languages[0])
        if rng.random() < 0.25:
            codes.add("en")
        spoken += [
            language_through(household_id=household.pk, language_id=languages[c].pk) for c in codes if c in languages
        ]
    MunicipalityPreference.objects.bulk_create(preferences, batch_size=5000)
    language_through.objects.bulk_create(spoken, batch_size=5000)
    return SyntheticData(households=households, offers=offers, sponsors=n_sponsors, eligible_sponsors=eligible)
