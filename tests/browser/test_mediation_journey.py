"""A caseworker takes a proposal to a placement in the admin, the sponsor answers in their dashboard,
and the placement is followed up and ended, in headless Chromium."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from housing.services import offer_inspect, offer_submit
from matching.models import MatchProposal, Placement
from matching.services.proposals import proposal_create
from portal.roles import CASEWORKERS_GROUP, roles_ensure
from projects.models import Organisation
from sponsorship.households.services import household_save
from sponsorship.models import Household, HouseholdMember
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _step(page, to_label: str, **fields) -> None:
    page.get_by_role("link", name="Take the next step").click()
    page.get_by_label("Next step:").select_option(label=to_label)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The step is recorded").wait_for()


def test_proposal_to_placement_to_follow_up_and_end(
    page, chromium, live_server, user_factory, sponsor_factory, offer_factory
):
    roles_ensure()
    organisation = Organisation.objects.create(slug="iom-lt", name_en="IOM Lithuania", name_lt="IOM Lietuva")
    caseworker = user_factory(email="cw@example.org", is_staff=True, organisation=organisation)
    caseworker.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    sponsor = sponsor_factory(verified=True, email="host@example.org")
    offer = offer_submit(offer=offer_factory(sponsor), by=sponsor.user)
    checklist = dict.fromkeys(["safety", "heating", "water_sanitation", "smoke_detector", "matches_description"], True)
    offer_inspect(
        offer=offer, inspector=caseworker, visited_on=timezone.localdate(), checklist=checklist, result="pass"
    )
    household = household_save(
        household=Household(
            head_name="Olena Kovalenko",
            phone="+370 611 11111",
            protection_status="temporary",
            status="seeking",
            consent_version="2026-11",
            consent_given_on=timezone.localdate(),
        ),
        by=caseworker,
    )
    HouseholdMember.objects.create(household=household, kind="adult", age=34)
    HouseholdMember.objects.create(household=household, kind="child", age=7)
    proposal = proposal_create(household=household, offer=offer, by=caseworker)
    base = live_server.url

    # The caseworker reviews, approves and sends the proposal.
    staff = chromium.new_context(locale="en-US")
    cw = staff.new_page()
    sign_in(cw, base, caseworker.email, "correct-horse-battery", caseworker.totp_secret)
    cw.goto(f"{base}/en/caseworker/")
    cw.get_by_role("link", name=re.compile(household.reference)).first.click()
    _step(cw, "Approved by the caseworker")
    _step(cw, "Sent to the sponsor")

    # The sponsor sees the household's size and needs, not its name, and accepts.
    sign_in(page, base, sponsor.user.email, "correct-horse-battery")
    page.goto(f"{base}/en/sponsor/")
    page.get_by_role("link", name=re.compile(household.reference)).click()
    page.get_by_text("Adults (ages)").wait_for()
    assert "Olena" not in page.content()
    page.get_by_label("Yes, I can host this household").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("#proposal-status")).to_have_text("Accepted by the sponsor")

    # The caseworker records the household's answer, the meeting, and confirms the placement.
    cw.reload()
    _step(cw, "Accepted by the household")
    page.reload()
    assert page.get_by_text("Olena Kovalenko").is_visible()  # consent given and both accepted
    _step(cw, "Meeting arranged")
    move_in = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    _step(
        cw,
        "Confirmed: placement",
        **{"Move-in date (to confirm):": move_in, "Agreed duration in months (to confirm):": "6"},
    )
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.CONFIRMED
    placement = Placement.objects.get(proposal=proposal)
    offer.refresh_from_db()
    assert offer.status == "occupied"

    # Follow-up after a month, then the end of the placement.
    cw.goto(f"{base}/en/admin/matching/placement/{placement.pk}/change/")
    cw.locator("input[name='follow_ups-0-rating']").fill("4")
    cw.locator("textarea[name='follow_ups-0-note']").fill("Settled in well.")
    cw.get_by_role("button", name="Save", exact=True).click()
    first = placement.follow_ups.order_by("due_on").first()
    assert (first.rating, first.note, first.done_by_id) == (4, "Settled in well.", caseworker.pk)
    cw.goto(f"{base}/en/admin/matching/placement/{placement.pk}/change/")
    cw.get_by_role("link", name="End the placement").click()
    cw.get_by_label("End date:").fill(move_in)
    cw.get_by_label("Outcome:", exact=True).select_option("own_housing")
    cw.get_by_role("button", name="Save").click()
    cw.get_by_text("The placement has ended.").wait_for()
    placement.refresh_from_db()
    household.refresh_from_db()
    offer.refresh_from_db()
    assert (placement.outcome, household.status, offer.status) == ("own_housing", "closed", "available")
    staff.close()
