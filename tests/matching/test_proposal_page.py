"""The proposal's admin page, as a caseworker reads it: the explanation as the translated table (never
JSON, never a text box), the household's other possible homes in the run and why this one won (kept by
the run), and the next steps as buttons with the fields each needs, posting to the step view."""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from matching.explain import LAYOUT, WITH_ALTERNATIVES, alternatives_lines, explanation_expand
from matching.models import MatchingRun, MatchProposal
from matching.runs import matching_run_execute

pytestmark = pytest.mark.django_db
S = MatchProposal.Status


def _change(proposal) -> str:
    return reverse("admin:matching_matchproposal_change", args=[proposal.pk])


def _step(proposal) -> str:
    return reverse("admin:matching_matchproposal_step", args=[proposal.pk])


@pytest.fixture
def run_proposal(seeker, home, municipality):
    """A run's proposal for a household with three possible homes: the cheapest wins."""
    household = seeker(prefs=[municipality])
    best = home(cost="free", monthly_rent=None)
    others = [home(monthly_rent=150), home(monthly_rent=280)]
    run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL)
    matching_run_execute(run_id=run.pk)
    proposal = MatchProposal.objects.get(run=run, household=household)
    assert proposal.offer_id == best.pk
    return proposal, others


def test_a_run_keeps_the_households_other_possible_homes_best_first(run_proposal):
    proposal, (cheaper, dearer) = run_proposal
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM matching_matchproposal WHERE id = %s", [proposal.pk])
        stored = cursor.fetchone()[0]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored[0] == LAYOUT and LAYOUT in WITH_ALTERNATIVES
    alternatives = proposal.explanation["alternatives"]
    assert [row["offer"] for row in alternatives] == [cheaper.pk, dearer.pk]
    assert alternatives[0]["score"] >= alternatives[1]["score"]
    assert all(row["score"] < proposal.score and not row["full"] for row in alternatives)
    assert set(alternatives[0]["criteria"]) == set(proposal.explanation["criteria"])


def test_older_explanations_without_alternatives_still_read():
    layout_1 = [1, 1, 0.5, [1, 0, 1, 1, 1, 0, 0], [3, 2, 2, 1, 1, 1, 1], 7, 1, [], 0, None, 2, 3, 6, None, 0, 0, 0, 5]
    expanded = explanation_expand(layout_1)
    assert "alternatives" not in expanded and alternatives_lines(expanded) is None
    assert alternatives_lines({}) is None


def test_why_an_offer_that_scored_better_was_not_proposed():
    explanation = {
        "score": 0.6,
        "criteria": {"rent": {"score": 1.0, "weight": 2.0}, "size": {"score": 0.5, "weight": 1.0}},
        "alternatives": [
            {"offer": 1, "score": 0.8, "full": True, "criteria": {"rent": 1.0, "size": 1.0}},
            {"offer": 2, "score": 0.4, "full": False, "criteria": {"rent": 0.2, "size": 0.5}},
        ],
    }
    taken, lower = alternatives_lines(explanation)
    assert "other households" in taken["why"]
    assert "0.20 lower" in lower["why"] and "Rent" in lower["why"]


def test_the_page_shows_the_table_and_the_other_homes_never_json(client, caseworker, run_proposal):
    proposal, (cheaper, dearer) = run_proposal
    client.force_login(caseworker)
    response = client.get("/lt" + _change(proposal)[3:])
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    # The explanation: the translated table, neither a text box nor JSON.
    assert "<table" in page and "Pageidaujama savivaldybė" in page  # "Preferred municipality"
    assert 'name="explanation"' not in page
    for key in ('"criteria":', "&quot;criteria&quot;", '"alternatives":', "&quot;alternatives&quot;", '{"'):
        assert key not in page
    # The other homes, linked, with why this one won.
    alternatives = page[page.index('id="alternatives"') :]
    alternatives = alternatives[: alternatives.index("</fieldset>")]
    for offer in (cheaper, dearer):
        assert reverse("admin:housing_housingoffer_change", args=[offer.pk]) in alternatives
    assert alternatives.count("<tr>") == 3  # the header and two offers


def test_a_proposal_by_hand_says_the_run_kept_no_other_homes(client, caseworker, proposal_at):
    proposal = proposal_at("proposed")
    client.force_login(caseworker)
    page = client.get(_change(proposal)).content.decode()
    assert "Proposed by hand" in page and "did not keep the household's other possible homes" in page


def test_the_next_steps_are_buttons_with_the_fields_they_need(client, caseworker, proposal_at):
    proposed = proposal_at("proposed")
    client.force_login(caseworker)
    page = client.get(_change(proposed)).content.decode()
    steps = page[page.index('id="next-steps"') : page.index('id="matchproposal_form"')]
    assert steps.count(f'action="{_step(proposed)}"') == 2  # approve, withdraw
    assert 'value="Approve"' in steps and 'value="Withdraw"' in steps
    withdraw = steps[steps.index("step-withdrawn") :]
    assert "Reason for withdrawing" in withdraw and "required" in withdraw
    assert "csrfmiddlewaretoken" in steps

    accepted = proposal_at("sponsor_accepted")
    page = client.get(_change(accepted)).content.decode()
    declines = page[page.index("step-beneficiary_declined") :]
    assert "Why the household declines" in declines and 'name="decline_reason"' in declines


def test_a_button_takes_the_step_through_the_service(client, caseworker, proposal_at):
    proposal = proposal_at("proposed")
    client.force_login(caseworker)
    response = client.post(_step(proposal), {"to": S.APPROVED, "note": ""})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == _change(proposal)
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED

    response = client.post(_step(proposal), {"to": S.WITHDRAWN, "note": "The family found a flat."})
    proposal.refresh_from_db()
    assert proposal.status == S.WITHDRAWN and proposal.withdraw_reason == "The family found a flat."


def test_bad_input_is_refused_with_a_translated_message(client, caseworker, proposal_at):
    proposal = proposal_at("proposed")
    client.force_login(caseworker)
    step = "/lt" + _step(proposal)[3:]
    response = client.post(step, {"to": S.WITHDRAWN, "note": "  "})
    assert response.status_code == HTTPStatus.OK
    assert "Nurodykite, kodėl atsiimate pasiūlymą." in response.content.decode()
    response = client.post(step, {"to": S.CONFIRMED})  # not a step from "proposed"
    assert response.status_code == HTTPStatus.OK
    assert "Nurodykite tinkamą reikšmę" in response.content.decode()
    for junk in ({"to": "x" * 5000}, {}, {"to": S.BENEFICIARY_DECLINED, "decline_reason": "nonsense"}):
        assert client.post(step, junk).status_code == HTTPStatus.OK
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_steps_are_refused_to_other_organisations_and_without_csrf(
    caseworker, caseworker_of, organisation_factory, proposal_at
):
    proposal = proposal_at("proposed")
    other = Client()
    other.force_login(caseworker_of(organisation_factory(name="Elsewhere")))
    assert other.post(_step(proposal), {"to": S.APPROVED}).status_code == HTTPStatus.NOT_FOUND
    assert "next-steps" not in other.get(_change(proposal), follow=True).content.decode()
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(caseworker)
    assert forged.post(_step(proposal), {"to": S.APPROVED}).status_code == HTTPStatus.FORBIDDEN
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED
