"""A caseworker opens a placed household's page in Lithuanian, records a consultation note and the
household's 1-month follow-up questionnaire, and finds both on the household's timeline, in headless
Chromium."""

import datetime

import pytest
from django.utils import timezone

from matching.models import FollowUp
from matching.services.placements import proposal_confirm
from sponsorship.models import HouseholdNote
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_caseworker_records_a_consultation_and_a_follow_up_from_the_household_page(
    page, live_server, caseworker, proposal_at
):
    proposal = proposal_at("meeting")
    household = proposal.household
    placement = proposal_confirm(
        proposal=proposal,
        by=caseworker,
        move_in_date=timezone.localdate() - datetime.timedelta(days=35),
        agreed_months=6,
    )
    base = live_server.url
    sign_in(page, base, caseworker.email, "correct-horse-battery", totp_secret=caseworker.totp_secret)

    page.goto(f"{base}/lt/admin/sponsorship/household/{household.pk}/overview/")
    page.get_by_role("heading", name="Laiko juosta").wait_for()
    page.get_by_role("link", name="Įrašyti pastabą").click()
    page.get_by_label("Rūšis").select_option(label="Konsultacija")
    page.get_by_label("Tekstas").fill("Aptarėme vaikų registraciją mokykloje.")
    page.get_by_role("button", name="Išsaugoti").click()
    page.get_by_text("Pastaba įrašyta.").wait_for()
    page.get_by_text("Aptarėme vaikų registraciją mokykloje.").wait_for()

    page.get_by_role("link", name="Įrašyti stebėsenos pokalbį").first.click()
    page.get_by_label("Savijauta ir tinkamumas (1–5)").select_option("4")
    page.get_by_label("Būsto būklė").select_option(label="Gera")
    page.get_by_label("Mokykla ar darželis").check()
    page.get_by_label("Kalbos kursai").check()
    page.get_by_role("button", name="Išsaugoti", exact=True).click()
    page.wait_for_url("**/admin/matching/followup/")

    note = HouseholdNote.objects.get(household=household)
    assert (note.kind, note.author) == ("consultation", caseworker)
    follow_up = FollowUp.objects.get(placement=placement, respondent="household", milestone=1)
    assert (follow_up.rating, follow_up.housing_condition, follow_up.integration_steps, follow_up.done_by) == (
        4,
        "good",
        ["school", "language_course"],
        caseworker,
    )
    page.goto(f"{base}/lt/admin/sponsorship/household/{household.pk}/overview/")
    timeline = page.locator("#timeline")
    timeline.get_by_text("Įvertinimas: 4 iš 5").wait_for()
    assert timeline.get_by_text("Konsultacija").count() == 1
