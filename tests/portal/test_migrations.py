"""Migrations apply from the previous release onto populated data, and nothing is lost on the way.

`PREVIOUS_MAIN` is the last migration of each app on main before the architecture work (the tables a
running installation has). The test migrates back there, writes a populated case with the historical
models (an organisation, a caseworker, a verified sponsor, a household with a member, an available offer,
a proposal with its step, a placement with its follow-up), migrates forward to the current leaves and
reads every row back through today's models; the roles, which the previous main made in code, are made
by the migration.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PREVIOUS_MAIN = [
    ("portal", "0004_outboundemail"),
    ("projects", "0003_resource_audiences"),
    ("sponsorship", "0004_household_anonymised"),
    ("training", "0003_certificate_revoked_at"),
    ("housing", "0004_offer_nearness"),
    ("matching", "0003_run_lease"),
]


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def _populate(apps) -> dict[str, int]:
    """A whole mediated case, written with the models as they were at `PREVIOUS_MAIN`."""
    Organisation = apps.get_model("projects", "Organisation")
    Municipality = apps.get_model("projects", "Municipality")
    User = apps.get_model("portal", "User")
    SponsorProfile = apps.get_model("sponsorship", "SponsorProfile")
    Household = apps.get_model("sponsorship", "Household")
    HouseholdMember = apps.get_model("sponsorship", "HouseholdMember")
    HousingOffer = apps.get_model("housing", "HousingOffer")
    MatchProposal = apps.get_model("matching", "MatchProposal")
    ProposalTransition = apps.get_model("matching", "ProposalTransition")
    Placement = apps.get_model("matching", "Placement")
    FollowUp = apps.get_model("matching", "FollowUp")

    organisation = Organisation.objects.create(name="Migration Org", slug="migration-org")
    municipality = Municipality.objects.create(name="Migrationville", slug="migrationville")
    caseworker = User.objects.create(
        email="caseworker.migration@example.org", is_staff=True, organisation=organisation, password="!"
    )
    host = User.objects.create(email="host.migration@example.org", password="!")
    sponsor = SponsorProfile.objects.create(user=host, kind="family", municipality=municipality, status="verified")
    household = Household.objects.create(
        reference="HH-MIGR01",
        head_name="Marta Migration",
        organisation=organisation,
        caseworker=caseworker,
        status="housed",
        protection_status="temporary",
        adults_count=1,
        children_count=1,
        consent_given_on=datetime.date(2026, 1, 5),
    )
    HouseholdMember.objects.create(household=household, kind="child", name="Mykola Migration", age=9)
    offer = HousingOffer.objects.create(
        sponsor=sponsor,
        municipality=municipality,
        kind="room",
        street_address="Migration g. 1",
        capacity=3,
        max_households=1,
        cost="free",
        available_from=datetime.date(2026, 2, 1),
        description="A bright room.",
        status="occupied",
    )
    proposal = MatchProposal.objects.create(
        household=household, offer=offer, status="confirmed", score=0.75, created_by=caseworker
    )
    ProposalTransition.objects.create(proposal=proposal, from_status="meeting", to_status="confirmed", by=caseworker)
    placement = Placement.objects.create(
        proposal=proposal,
        household=household,
        offer=offer,
        slot=1,
        move_in_date=datetime.date(2026, 3, 1),
        agreed_months=6,
        created_by=caseworker,
    )
    FollowUp.objects.create(placement=placement, due_on=datetime.date(2026, 4, 1))
    # A notification written as text in the language of its day (before message codes).
    Notification = apps.get_model("portal", "Notification")
    notification = Notification.objects.create(
        user=host,
        title="Jūsų pasiūlymas patikrintas",
        body="Galite jį redaguoti.",
        link=f"/lt/sponsor/offers/{offer.pk}/",
    )
    Inspection = apps.get_model("housing", "Inspection")
    passed = Inspection.objects.create(
        offer=offer,
        visited_on=datetime.date(2026, 1, 20),
        inspector=caseworker,
        safety=True,
        heating=True,
        water_sanitation=True,
        smoke_detector=True,
        matches_description=True,
        result="pass",
    )
    failed = Inspection.objects.create(
        offer=offer,
        visited_on=datetime.date(2026, 1, 10),
        inspector=caseworker,
        safety=True,
        heating=False,
        water_sanitation=True,
        smoke_detector=False,
        matches_description=True,
        result="fail",
        notes="No heating.",
    )
    return {
        "notification": notification.pk,
        "inspection_passed": passed.pk,
        "inspection_failed": failed.pk,
        "household": household.pk,
        "offer": offer.pk,
        "proposal": proposal.pk,
        "placement": placement.pk,
        "sponsor": sponsor.pk,
        "caseworker": caseworker.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_migrations_apply_from_the_previous_main_onto_populated_data_with_nothing_lost():
    executor = MigrationExecutor(connection)
    latest = _leaves(executor)
    executor.migrate(PREVIOUS_MAIN)
    executor.loader.build_graph()
    old_apps = executor.loader.project_state(PREVIOUS_MAIN).apps
    ids = _populate(old_apps)
    # The previous main made the roles in code; from now on a migration does: start without them.
    old_apps.get_model("auth", "Group").objects.all().delete()

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    executor.loader.build_graph()
    assert not executor.migration_plan(latest), "every migration is applied"

    from django.contrib.auth.models import Group

    from housing.models import HousingOffer, Inspection
    from matching.models import FollowUp, MatchProposal, Placement, ProposalTransition
    from portal.models import User
    from portal.roles import CASEWORKERS_GROUP
    from sponsorship.models import Household, HouseholdMember, SponsorProfile

    household = Household.objects.get(pk=ids["household"])
    assert (household.reference, household.head_name, household.status, household.protection_status) == (
        "HH-MIGR01",
        "Marta Migration",
        "housed",
        "temporary",
    )
    assert (household.adults_count, household.children_count) == (1, 1)
    assert household.organisation.slug == "migration-org"
    assert household.consent_given_on == datetime.date(2026, 1, 5)
    assert list(HouseholdMember.objects.filter(household=household).values_list("name", "age")) == [
        ("Mykola Migration", 9)
    ]
    offer = HousingOffer.objects.get(pk=ids["offer"])
    assert (offer.street_address, offer.status, offer.capacity, offer.description) == (
        "Migration g. 1",
        "occupied",
        3,
        "A bright room.",
    )
    proposal = MatchProposal.objects.get(pk=ids["proposal"])
    assert (proposal.household_id, proposal.offer_id, proposal.status, proposal.score) == (
        ids["household"],
        ids["offer"],
        "confirmed",
        0.75,
    )
    assert ProposalTransition.objects.filter(proposal=proposal, to_status="confirmed").count() == 1
    placement = Placement.objects.get(pk=ids["placement"])
    assert (placement.move_in_date, placement.agreed_months, placement.end_date) == (
        datetime.date(2026, 3, 1),
        6,
        None,
    )
    assert FollowUp.objects.filter(placement=placement).count() == 1
    assert SponsorProfile.objects.get(pk=ids["sponsor"]).status == "verified"
    # The checklist's booleans became typed results: checked is satisfactory, unchecked is not.
    passed = Inspection.objects.get(pk=ids["inspection_passed"])
    assert [getattr(passed, name) for name in Inspection.CHECKLIST] == ["ok"] * 5
    assert (passed.result, passed.reinspect_on, passed.failed_items()) == ("pass", None, [])
    failed = Inspection.objects.get(pk=ids["inspection_failed"])
    assert {name: getattr(failed, name) for name in Inspection.CHECKLIST} == {
        "safety": "ok",
        "heating": "failed",
        "water_sanitation": "ok",
        "smoke_detector": "failed",
        "matches_description": "ok",
    }
    assert (failed.result, failed.notes) == ("fail", "No heating.")
    assert User.objects.get(pk=ids["caseworker"]).organisation.slug == "migration-org"
    caseworkers = Group.objects.get(name=CASEWORKERS_GROUP)
    assert caseworkers.permissions.filter(codename="view_household").exists()
    # The notification keeps its text, shown as it was written, with its link in the reader's language.
    from django.utils import translation

    from portal.models import Notification
    from portal.notifications import notification_render

    notification = Notification.objects.get(pk=ids["notification"])
    assert notification.code == "legacy"
    with translation.override("bg"):
        text = notification_render(notification)
    assert (text.title, text.body, text.link) == (
        "Jūsų pasiūlymas patikrintas",
        "Galite jį redaguoti.",
        f"/bg/sponsor/offers/{ids['offer']}/",
    )
