"""A caseworker runs matching from the admin in headless Chromium, reads why a home was proposed and why
another household got none, and follows the notification to the proposals to review."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from housing.services import offer_inspect, offer_submit
from matching.models import MatchingRun, MatchProposal
from portal.roles import CASEWORKERS_GROUP, roles_ensure
from projects.models import Organisation
from sponsorship.households.services import household_save
from sponsorship.models import Household, HouseholdMember, MunicipalityPreference
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _household(caseworker, head: str, members, **fields) -> Household:
    household = household_save(
        household=Household(
            head_name=head,
            protection_status="temporary",
            status="seeking",
            consent_version="2026-11",
            consent_given_on=timezone.localdate(),
            move_in_from=timezone.localdate() + datetime.timedelta(days=15),
            **fields,
        ),
        by=caseworker,
    )
    for kind, age in members:
        HouseholdMember.objects.create(household=household, kind=kind, age=age)
    return household


def test_caseworker_runs_matching_and_reads_the_explanations(
    page, live_server, user_factory, sponsor_factory, offer_factory, municipality
):
    roles_ensure()
    organisation = Organisation.objects.create(slug="iom-lt", name_en="IOM Lithuania", name_lt="IOM Lietuva")
    caseworker = user_factory(email="cw@example.org", is_staff=True, organisation=organisation)
    caseworker.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    caseworker.language = "en"
    caseworker.save(update_fields=["language"])
    sponsor = sponsor_factory(verified=True, email="host@example.org")
    offer = offer_submit(offer=offer_factory(sponsor, capacity=4, children_welcome=True), by=sponsor.user)
    checklist = dict.fromkeys(["safety", "heating", "water_sanitation", "smoke_detector", "matches_description"], True)
    offer_inspect(
        offer=offer, inspector=caseworker, visited_on=timezone.localdate(), checklist=checklist, result="pass"
    )
    family = _household(caseworker, "Olena Kovalenko", [("adult", 34), ("child", 7)])
    MunicipalityPreference.objects.create(household=family, municipality=municipality, rank=1)
    stepfree = _household(caseworker, "Yusuf Haddad", [("adult", 66)], needs_step_free=True)
    base = live_server.url

    sign_in(page, base, caseworker.email, "correct-horse-battery", caseworker.totp_secret)
    page.goto(f"{base}/en/admin/matching/matchingrun/")
    page.get_by_role("button", name="Run matching now").click()
    page.wait_for_url(re.compile(r".*/admin/matching/matchingrun/\d+/change/$"))
    # Eager Celery in the test server: the run is done when the page opens.
    run = MatchingRun.objects.get()
    assert run.status == MatchingRun.Status.DONE
    page.get_by_text("Matching has started.").wait_for()

    proposals = page.locator("#run-proposals")
    assert family.reference in proposals.inner_text()
    assert "Preferred municipality" in proposals.inner_text()
    assert "choice no. 1: Kaunas" in proposals.inner_text()
    assert "Size fit" in proposals.inner_text()
    unmatched = page.locator("#run-unmatched")
    assert stepfree.reference in unmatched.inner_text()
    assert "No step-free access" in unmatched.inner_text()
    # No names of beneficiaries on the run page: references only.
    assert "Olena" not in page.content() and "Yusuf" not in page.content()

    # The caseworker's notification leads to the proposals to review, with the breakdown.
    page.goto(f"{base}/en/notifications/")
    page.get_by_role("link", name=re.compile("New housing proposals to review")).first.click()
    page.get_by_role("link", name=re.compile(family.reference)).first.click()
    page.wait_for_url(re.compile(r".*/admin/matching/matchproposal/\d+/change/.*"))
    page.get_by_text("Why this match").wait_for()
    assert MatchProposal.objects.get(run=run).household == family

    # The same page in Lithuanian.
    page.goto(page.url.replace("/en/", "/lt/"))
    assert "Preferred municipality" not in page.content()
    assert "Kauno m." in page.locator(".matching-explanation").inner_text()
