"""A caseworker signs in with the second factor, lands on their queues, opens the proposals to review,
reads a proposal's explanation and approves it with the page's button, in headless Chromium."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from matching.models import MatchProposal
from matching.services.proposals import proposal_create
from portal.roles import CASEWORKERS_GROUP, roles_ensure
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_caseworker_lands_on_the_queues_and_approves_a_proposal(
    page, live_server, user_factory, organisation, household_factory, available_offer
):
    roles_ensure()
    caseworker = user_factory(email="cw@example.org", is_staff=True, organisation=organisation)
    caseworker.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    household = household_factory(caseworker=caseworker)
    proposal = proposal_create(household=household, offer=available_offer(), by=caseworker, score=0.7)
    base = live_server.url

    sign_in(page, base, caseworker.email, "correct-horse-battery", totp_secret=caseworker.totp_secret)
    expect(page).to_have_url(f"{base}/en/admin/")
    queue = page.locator("#queues tr.queue-proposals_to_review")
    expect(queue.locator(".queue-count")).to_have_text("1")
    queue.get_by_role("link", name="Proposals to review").click()
    expect(page).to_have_url(re.compile(r".*/admin/matching/matchproposal/\?queue=proposals_to_review$"))
    page.get_by_role("link", name=str(proposal)).click()

    expect(page.locator("#alternatives")).to_contain_text("made by hand")
    steps = page.locator("#next-steps")
    expect(steps.get_by_label("Reason for withdrawing")).to_be_visible()
    steps.get_by_role("button", name="Approve").click()
    expect(page.locator(".messagelist")).to_contain_text("The step is recorded")
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.APPROVED
