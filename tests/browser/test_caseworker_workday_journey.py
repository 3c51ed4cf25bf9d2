"""A caseworker's day in the admin, in Lithuanian and then in Bulgarian, in headless Chromium.

They sign in with the second factor and land on their queues; verify a sponsor; inspect an offer with a
failed item and a photo; review a proposal's explanation table; record a consultation note on a
household and its 1-month follow-up. On every page axe finds no violation, and no visible text is an
English msgid of the catalogues in use (Django's, the libraries' and the project's)."""

import datetime
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from housing.models import Inspection
from housing.services import offer_submit
from matching.models import FollowUp, MatchingRun, MatchProposal
from matching.runs import matching_run_execute
from matching.services.placements import proposal_confirm
from sponsorship.households.models import HouseholdNote
from sponsorship.models import MunicipalityPreference, SponsorProfile
from tests.helpers import totp_code
from tests.i18n import same_in, untranslated_msgids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


class Reader:
    """Checks each page the caseworker reads: axe's violations and English texts, collected per page."""

    def __init__(self, page, lang: str):
        self.page, self.lang, self.axe = page, lang, Axe()
        self.problems: list[str] = []
        self.pages = 0

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        url = self.page.url
        assert f"/{self.lang}/" in url, url
        results = self.axe.run(self.page, options={"resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            for node in violation["nodes"]:
                self.problems.append(f"{url}: axe {violation['id']} at {node['target']}: {node['html'][:120]}")
        english = untranslated_msgids(self.page.content(), same_in(self.lang))
        self.problems += [f"{url}: English {text!r}" for text in sorted(english)]
        self.pages += 1


def _admin(base: str, lang: str, name: str, *args) -> str:
    # The admin's URLs carry the language prefix of the active language: swap it for the journey's.
    return base + re.sub(r"^/[a-z]{2}/", f"/{lang}/", reverse(name, args=args))


@pytest.mark.parametrize("lang", ["lt", "bg"])
def test_a_caseworkers_day_in_the_admin(
    lang,
    page,
    live_server,
    caseworker,
    sponsor_factory,
    offer_factory,
    household_factory,
    available_offer,
    proposal_at,
    municipality,
    media_root,
):
    today = timezone.localdate()
    # Something in each queue the journey works through.
    pending = sponsor_factory(email="new-host@example.org")
    host = sponsor_factory(email="host@example.org", verified=True)
    submitted = offer_submit(offer=offer_factory(host), by=host.user)
    placement = proposal_confirm(
        proposal=proposal_at("meeting"),
        by=caseworker,
        move_in_date=today + datetime.timedelta(days=10),
        agreed_months=6,
    )
    seeking = household_factory(move_in_from=today + datetime.timedelta(days=14))
    MunicipalityPreference.objects.create(household=seeking, municipality=municipality, rank=1)
    available_offer(email="home@example.org", children_welcome=True)
    run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL)
    matching_run_execute(run_id=run.pk)
    proposal = MatchProposal.objects.get(run=run, household=seeking)
    base = live_server.url
    reader = Reader(page, lang)

    # Signing in, in the journey's language, with the authenticator's code: the start page and its queues.
    page.goto(f"{base}/{lang}/accounts/login/")
    reader.check()
    page.locator("input[name=login]").fill(caseworker.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    reader.check()
    page.locator("input[name=code]").fill(totp_code(caseworker.totp_secret))
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(f"{base}/{lang}/admin/")
    for queue in ("sponsors_to_verify", "offers_to_inspect", "proposals_to_review"):
        expect(page.locator(f"#queues tr.queue-{queue} .queue-count")).to_have_text("1")
    reader.check()

    # A sponsor to verify: from the queue to the sponsor, then the decision.
    page.locator("#queues tr.queue-sponsors_to_verify a").click()
    reader.check()
    page.locator("#result_list tbody a").first.click()
    reader.check()
    page.locator("a[href$='/decide/']").click()
    reader.check()
    page.locator("input[name=decision][value=verify]").check()
    page.locator("#content form [type=submit]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    reader.check()
    pending.refresh_from_db()
    assert pending.status == SponsorProfile.Status.VERIFIED

    # An offer to inspect: a failed smoke detector, unsafe, and a photo of it.
    page.goto(f"{base}/{lang}/admin/")
    page.locator("#queues tr.queue-offers_to_inspect a").click()
    reader.check()
    page.locator("#result_list tbody a").first.click()
    reader.check()
    page.locator("a[href$='/inspect/']").click()
    reader.check()
    for item in ("safety", "heating", "water_sanitation", "matches_description"):
        page.locator(f"input[name={item}][value=ok]").check()
    page.locator("input[name=smoke_detector][value=failed]").check()
    page.locator("input[name=result][value=fail]").check()
    page.locator("input[name=reasons][value=unsafe]").check()
    page.locator("input[name=files]").set_input_files(
        [{"name": "detector.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    page.locator("#content form [type=submit]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    reader.check()
    inspection = Inspection.objects.get(offer=submitted)
    assert inspection.result == Inspection.Result.FAIL
    assert inspection.failed_items() and [f.reason for f in inspection.failures.all()] == ["unsafe"]
    assert inspection.files.count() == 1

    # A proposal to review: its explanation is the translated table, never JSON.
    page.goto(f"{base}/{lang}/admin/")
    page.locator("#queues tr.queue-proposals_to_review a").click()
    reader.check()
    page.locator("#result_list tbody a").first.click()
    expect(page.locator(".matching-explanation table tbody tr").first).to_be_visible()
    assert '"criteria"' not in page.content()
    expect(page.locator("textarea[name=explanation]")).to_have_count(0)
    assert f"/matchproposal/{proposal.pk}/change/" in page.url
    reader.check()

    # The placed household: its page, a consultation note on its timeline.
    household = placement.household
    page.goto(_admin(base, lang, "admin:sponsorship_household_overview", household.pk))
    reader.check()
    page.locator("a[href$='/note/']").first.click()
    reader.check()
    page.locator("select[name=kind]").select_option("consultation")
    page.locator("input[name=at]").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("textarea[name=text]").fill("Talked about the school enrolment and the lease.")
    page.locator("#content form [type=submit]").first.click()
    expect(page.locator("body")).to_contain_text("Talked about the school enrolment and the lease.")
    reader.check()
    assert HouseholdNote.objects.get(household=household).kind == "consultation"

    # Its 1-month follow-up, the household's answers.
    follow_up = FollowUp.objects.get(placement=placement, respondent="household", milestone=1)
    page.goto(_admin(base, lang, "admin:matching_followup_change", follow_up.pk))
    reader.check()
    page.locator("select[name=rating]").select_option("4")
    page.locator("select[name=housing_condition]").select_option(index=1)
    page.locator("select[name=relationship]").select_option(index=1)
    page.locator("input[name=integration_steps][value=language_course]").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    reader.check()
    follow_up.refresh_from_db()
    assert follow_up.rating == 4 and follow_up.done_on is not None
    assert "language_course" in follow_up.integration_steps

    assert reader.problems == []
    assert reader.pages == 18  # every page above was read
