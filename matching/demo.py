"""Demo households, proposals and a matching run for development, and the demo data of every app composed
for the demo accounts (`demo_data_ensure`, called by `manage.py demo_setup`). Idempotent."""

import datetime

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from housing.demo import demo_offer_available, demo_sponsors_ensure
from housing.models import HousingOffer
from matching.models import FollowUp, MatchingRun, MatchProposal, Placement
from matching.runs import matching_run_execute, policy_current
from matching.services.placements import follow_up_record, proposal_confirm
from matching.services.proposals import proposal_create, proposal_transition
from matching.services.safeguarding import concern_raise
from portal.demo import DEMO_ACCOUNTS
from portal.models import User
from projects.models import Language, Municipality, Organisation
from sponsorship.households.services import (
    household_meeting_save,
    household_mentor_assign,
    household_note_add,
    household_save,
    household_transfer_request,
)
from sponsorship.models import Household, HouseholdMeeting, HouseholdMember, MunicipalityPreference, SponsorProfile
from training.demo import demo_training_ensure


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
    demo_counselling_ensure(household=family, caseworker=caseworker)
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


def demo_counselling_ensure(*, household: Household, caseworker: User) -> None:
    """The household's timeline: its mentor, a consultation and a phone call, a meeting held and one to
    arrange (the caseworker's queue)."""
    now = timezone.now()
    household_mentor_assign(household=household, mentor=caseworker, by=caseworker)
    household_note_add(
        household=household,
        by=caseworker,
        kind="consultation",
        text="Needs: a home near a school in Kaunas; the son starts 3rd grade in September.",
        at=now - datetime.timedelta(days=12),
    )
    household_note_add(
        household=household,
        by=caseworker,
        kind="phone_call",
        text="Asked about the language course at the Kaunas adult education centre.",
        at=now - datetime.timedelta(days=3),
    )
    household_meeting_save(
        meeting=HouseholdMeeting(
            household=household,
            purpose="First mentoring meeting",
            status=HouseholdMeeting.Status.HELD,
            starts_at=now - datetime.timedelta(days=7),
            place="IOM Lithuania, Vilnius office",
            attendees="Olena Demo, an interpreter",
        ),
        by=caseworker,
        staff_attendees=[caseworker],
    )
    household_meeting_save(
        meeting=HouseholdMeeting(household=household, purpose="Meet the sponsor", attendees="Olena Demo, the sponsor"),
        by=caseworker,
    )


@transaction.atomic
def demo_matching_ensure(*, caseworker: User, admin: User) -> None:
    """More homes and households, then one matching run, so the caseworker finds proposals with their
    explanations, a household the run could not help (and why), and the run's figures in the admin."""
    iom = Organisation.objects.filter(slug="iom-lithuania").first()
    profile = SponsorProfile.objects.filter(user__email="sponsor@example.org").first()
    if iom is None or profile is None or MatchingRun.objects.exists():
        return
    today = timezone.localdate()
    vilnius = Municipality.objects.filter(slug="vilnius-city").first()
    kaunas = Municipality.objects.filter(slug="kaunas-city").first()
    languages = {language.code: language for language in Language.objects.all()}
    hosts = [languages[code] for code in ("lt", "en", "ru") if code in languages]
    demo_offer_available(
        profile=profile,
        data={
            "kind": HousingOffer.Kind.FLAT,
            "municipality": vilnius,
            "street_address": "Demo pr. 10-4, Vilnius",
            "capacity": 5,
            "bedrooms": 3,
            "children_welcome": True,
            "near_school": True,
            "near_medical_care": True,
            "cost": HousingOffer.Cost.REDUCED,
            "monthly_rent": 250,
            "available_from": today,
            "description": "A three-bedroom flat next to a primary school and a clinic.",
        },
        host_languages=hosts,
        caseworker=caseworker,
    )
    demo_offer_available(
        profile=profile,
        data={
            "kind": HousingOffer.Kind.ROOM,
            "municipality": kaunas,
            "street_address": "Demo g. 3-1, Kaunas",
            "capacity": 1,
            "near_work": True,
            "cost": HousingOffer.Cost.FREE,
            "available_from": today,
            "minimum_stay_months": 3,
            "description": "A room on the second floor, near the industrial park.",
        },
        host_languages=hosts,
        caseworker=caseworker,
    )
    consent = {"consent_version": "2026-11", "consent_given_on": today, "consent_recorded_by": caseworker}
    family = _household(
        by=caseworker,
        organisation=iom,
        head="Iryna Demo",
        members=[("adult", 39), ("adult", 41), ("child", 12), ("child", 7)],
        protection_status=Household.ProtectionStatus.TEMPORARY,
        status=Household.Status.SEEKING,
        nationalities=["UA"],
        move_in_from=today + datetime.timedelta(days=10),
        stay_months=12,
        max_monthly_rent=300,
        near_school=True,
        **consent,
    )
    if vilnius:
        MunicipalityPreference.objects.create(household=family, municipality=vilnius, rank=1)
    if kaunas:
        MunicipalityPreference.objects.create(household=family, municipality=kaunas, rank=2)
    family.languages.set([languages[code] for code in ("uk", "ru") if code in languages])
    _household(
        by=caseworker,
        organisation=iom,
        head="Yusuf Demo",
        members=[("adult", 63)],
        protection_status=Household.ProtectionStatus.REFUGEE,
        status=Household.Status.SEEKING,
        nationalities=["SY"],
        needs_step_free=True,
        near_medical_care=True,
        **consent,
    )
    policy_current()
    run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL, requested_by=admin)
    matching_run_execute(run_id=run.pk)


@transaction.atomic
def demo_queues_ensure(*, caseworker: User, admin: User) -> None:
    """What the other demo data leaves empty in the caseworker's queues (the admin's start page): an
    answer overdue, a proposal with a next step, a placed household whose 1-month follow-up is due (its
    sponsor's is recorded), an open safeguarding concern and a transfer to accept."""
    iom = Organisation.objects.filter(slug="iom-lithuania").first()
    rrc = Organisation.objects.filter(slug="refugee-reception-centre").first()
    profile = SponsorProfile.objects.filter(user__email="sponsor@example.org").first()
    kaunas = Municipality.objects.filter(slug="kaunas-city").first()
    if None in (iom, rrc, profile, kaunas) or Household.objects.filter(head_name="Nadia Demo").exists():
        return
    today = timezone.localdate()
    # The proposal sent to the demo sponsor (demo_mediation_ensure) has waited past the reminder.
    MatchProposal.objects.filter(household__head_name="Olena Demo", status=MatchProposal.Status.SENT).update(
        awaiting_since=timezone.now() - datetime.timedelta(hours=settings.PROPOSAL_REMINDER_HOURS + 24)
    )
    # One of the run's proposals approved: its next step (sending it) waits.
    run_proposal = MatchProposal.objects.filter(run__isnull=False, status=MatchProposal.Status.PROPOSED).first()
    if run_proposal is not None:
        proposal_transition(proposal=run_proposal, to=MatchProposal.Status.APPROVED, by=caseworker)
    # A household that moved in five weeks ago.
    offer = demo_offer_available(
        profile=profile,
        data={
            "kind": HousingOffer.Kind.HOUSE,
            "municipality": kaunas,
            "street_address": "Demo g. 21, Kaunas",
            "capacity": 3,
            "bedrooms": 2,
            "children_welcome": True,
            "cost": HousingOffer.Cost.FREE,
            "available_from": today,
            "description": "A small house with a garden, ten minutes from a school.",
        },
        host_languages=[],
        caseworker=caseworker,
    )
    consent = {"consent_version": "2026-11", "consent_given_on": today, "consent_recorded_by": caseworker}
    placed = _household(
        by=caseworker,
        organisation=iom,
        head="Nadia Demo",
        members=[("adult", 31), ("child", 6)],
        protection_status=Household.ProtectionStatus.TEMPORARY,
        status=Household.Status.SEEKING,
        nationalities=["UA"],
        **consent,
    )
    proposal = proposal_create(household=placed, offer=offer, by=caseworker, score=0.9)
    for status, by in [
        (MatchProposal.Status.APPROVED, caseworker),
        (MatchProposal.Status.SENT, caseworker),
        (MatchProposal.Status.SPONSOR_ACCEPTED, profile.user),
        (MatchProposal.Status.BENEFICIARY_ACCEPTED, caseworker),
        (MatchProposal.Status.MEETING, caseworker),
    ]:
        proposal = proposal_transition(proposal=proposal, to=status, by=by)
    placement = proposal_confirm(
        proposal=proposal, by=caseworker, move_in_date=today - datetime.timedelta(days=35), agreed_months=6
    )
    household_note_add(
        household=placed,
        by=caseworker,
        kind="home_visit",
        text="Visited the family at home: settled in, the daughter goes to the school nearby.",
        at=timezone.now() - datetime.timedelta(days=20),
    )
    household_meeting_save(
        meeting=HouseholdMeeting(
            household=placed,
            purpose="Move-in meeting with the hosts",
            status=HouseholdMeeting.Status.HELD,
            starts_at=timezone.now() - datetime.timedelta(days=36),
            place="Demo g. 21, Kaunas",
            attendees="Nadia Demo, the hosts",
        ),
        by=caseworker,
        staff_attendees=[caseworker],
    )
    sponsors_answers = FollowUp.objects.get(placement=placement, respondent=FollowUp.Respondent.SPONSOR, milestone=1)
    follow_up_record(
        follow_up=sponsors_answers,
        by=caseworker,
        note="The hosts are glad; they would like help with the utility bills.",
        rating=4,
        housing_condition="good",
        relationship="good",
        integration_steps=["school"],
    )
    concern_raise(
        sponsor=profile,
        by=caseworker,
        severity="low",
        note="The family says the heating is turned off at night; to be checked at the next visit.",
        placement=Placement.objects.get(pk=placement.pk),
    )
    # The Refugee Reception Centre asks IOM Lithuania to take over one of its households.
    maryam = Household.objects.filter(head_name="Maryam Demo").first()
    if maryam is not None:
        household_transfer_request(household=maryam, to_organisation=iom, by=admin)


def demo_data_ensure() -> None:
    """Each app's demo data, for the demo accounts (after `portal.demo.demo_accounts_ensure`). This top
    layer composes them: the lower apps never import the higher ones' demo."""
    users = {user.email: user for user in User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS])}
    demo_sponsors_ensure(
        sponsor=users["sponsor@example.org"],
        group_lead=users["group@example.org"],
        caseworker=users["caseworker@example.org"],
    )
    demo_staff_mfa_ensure(users=[users["admin@example.org"], users["caseworker@example.org"]])
    demo_training_ensure(
        sponsor=users["sponsor@example.org"],
        group_lead=users["group@example.org"],
        caseworker=users["caseworker@example.org"],
    )
    demo_mediation_ensure(caseworker=users["caseworker@example.org"], admin=users["admin@example.org"])
    demo_matching_ensure(caseworker=users["caseworker@example.org"], admin=users["admin@example.org"])
    demo_queues_ensure(caseworker=users["caseworker@example.org"], admin=users["admin@example.org"])
