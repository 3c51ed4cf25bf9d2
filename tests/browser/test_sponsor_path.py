"""The sponsor's path on a phone (390×844): the step indicator fits the screen and says which step is
current and what blocks; the proposal's answer form shows the reason for declining only when declining."""

import pytest
from playwright.sync_api import expect

from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_step_indicator_and_the_answer_form_on_a_phone(chromium, live_server, proposal_at):
    proposal = proposal_at("sent")
    context = chromium.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, proposal.offer.sponsor.user.email, "correct-horse-battery")
        page.goto(f"{live_server.url}/en/sponsor/")

        steps = page.locator("#sponsor-path .path-step")
        expect(steps).to_have_count(9)
        current = page.locator('#sponsor-path [aria-current="step"]')
        expect(current).to_contain_text("Proposal")
        expect(current).to_contain_text("In progress")  # the state in words, not only in colour
        expect(current.get_by_role("link")).to_have_attribute("href", f"/en/sponsor/proposals/{proposal.pk}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        current.get_by_role("link").click()
        expect(page.locator("#answer-by")).to_be_visible()
        reason = page.get_by_label("Reason for declining")
        expect(reason).to_be_hidden()
        page.get_by_label("No, I decline").check()
        expect(reason).to_be_visible()
        page.get_by_label("Yes, I can host this household").check()
        expect(reason).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
