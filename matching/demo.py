"""Demo households and a proposal for development (called by `manage.py demo_setup`). Idempotent."""

import datetime

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from django.utils import timezone

from housing.models import HousingOffer
from matching.models import MatchProposal
from matching.services import proposal_create, proposal_transition
from portal.models import User
from projects.models import Municipality, Organisation
from sponsorship.households import household_save
from sponsorship.models import Household, HouseholdMember, MunicipalityPreference


def demo_staff_mfa_ensure(*, users: list[User]) -> None:
    """Staff sign in with a second factor; the demo accounts get an authenticator (in development the
    code in MFA_TOTP_INSECURE_BYPASS_CODE is accepted, so no app is needed to try them)."""
    for user in users:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())


def _household(
    *, by: User, organisation: Organisation, head: str, members: list[tuple[str, int]], **fields
) -> Household:
    household = Household(head_name=head, organisation=organisation, **fields)
    household = household_save(household=household, by=by)
    for kind, age in members:
        HouseholdMember.objects.create(household=household, kind=kind, age=age)
    return household


@transaction.atomic
def demo_mediation_ensure(*, caseworker: User, admin: User) -> None:
    """IOM Lithuania's caseworker with two households, one of them proposed to the demo sponsor's
    available offer; and one household of the Refugee Reception Centre that the caseworker cannot see."""
    iom = Organisation.objects.filter(slug="iom-lithuania").first()
    rrc = Organisation.objects.filter(slug="refugee-reception-centre").first()
    if iom is None or rrc is None:
        return  # no seed content
    if caseworker.organisation_id != iom.pk:
        caseworker.organisation = iom
        caseworker.save(update_fields=["organisation"])
    if Household.objects.exists():
        return
    today = timezone.localdate()
    kaunas = Municipality.objects.filter(slug="kaunas-city").first()
    consent = {"consent_version": "2026-11", "consent_given_on": today, "consent_recorded_by": caseworker}
    family = _household(
        by=caseworker,
        organisation=iom,
        head="Olena Demo",
        members=[("adult", 36), ("child", 9), ("child", 5)],
        protection_status=Household.ProtectionStatus.TEMPORARY,
        status=Household.Status.SEEKING,
        nationalities=["UA"],
        arrival_date=today - datetime.timedelta(days=200),
        current_accommodation="Refugee Reception Centre, Rukla",
        move_in_from=today + datetime.timedelta(days=20),
        stay_months=6,
        near_school=True,
        **consent,
    )
    if kaunas:
        MunicipalityPreference.objects.create(household=family, municipality=kaunas, rank=1)
    _household(
        by=caseworker,
        organisation=iom,
        head="Ahmad Demo",
        members=[("adult", 28)],
        protection_status=Household.ProtectionStatus.REFUGEE,
        status=Household.Status.SEEKING,
        nationalities=["AF"],
        near_work=True,
        **consent,
    )
    _household(
        by=admin,
        organisation=rrc,
        head="Maryam Demo",
        members=[("adult", 41), ("adult", 44)],
        protection_status=Household.ProtectionStatus.SUBSIDIARY,
        status=Household.Status.SEEKING,
        **consent,
    )
    offer = HousingOffer.objects.filter(
        sponsor__user__email="sponsor@example.org", status=HousingOffer.Status.AVAILABLE
    ).first()
    if offer is not None:
        proposal = proposal_create(household=family, offer=offer, by=caseworker, score=0.82)
        proposal = proposal_transition(proposal=proposal, to=MatchProposal.Status.APPROVED, by=caseworker)
        proposal_transition(proposal=proposal, to=MatchProposal.Status.SENT, by=caseworker)
