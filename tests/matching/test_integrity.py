"""Mediation stays consistent when offers, households and concerns change around it."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from housing.models import HousingOffer
from housing.services import offer_withdraw
from matching.models import MatchProposal, SafeguardingConcern
from matching.selectors import household_for_sponsor
from matching.services.placements import proposal_confirm
from matching.services.proposals import proposal_create, proposal_transition
from matching.services.safeguarding import concern_raise
from portal.notifications import notification_render
from sponsorship.households.services import HouseholdError, household_save
from sponsorship.models import Household

pytestmark = pytest.mark.django_db


def test_withdrawing_a_reserved_offer_ends_its_proposal_and_hides_the_household(
    proposal_at, django_capture_on_commit_callbacks
):
    proposal = proposal_at("beneficiary_accepted")
    sponsor = proposal.offer.sponsor.user
    with django_capture_on_commit_callbacks(execute=True):
        offer_withdraw(offer=proposal.offer, by=sponsor, note="Sold the flat.")
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.WITHDRAWN
    assert proposal.offer.status == HousingOffer.Status.WITHDRAWN
    assert Household.objects.get(pk=proposal.household_id).status == Household.Status.SEEKING
    assert "name" not in household_for_sponsor(proposal=proposal)
    caseworker = proposal.household.caseworker
    notice = caseworker.notifications.get(code="matching.proposal_step", params__proposal=proposal.pk)
    assert f"/matchproposal/{proposal.pk}/" in notification_render(notice).link
    # The offer went straight to withdrawn: it was never made available again on the way.
    assert list(proposal.offer.transitions.values_list("to_status", flat=True))[-1] == "withdrawn"
    assert not proposal.offer.transitions.filter(from_status="reserved", to_status="available").exists()


def test_a_sponsor_cannot_answer_a_proposal_of_a_withdrawn_offer(client, proposal_at):
    proposal = proposal_at("sent")
    offer_withdraw(offer=proposal.offer, by=proposal.offer.sponsor.user)
    client.force_login(proposal.offer.sponsor.user)
    client.post(f"/en/sponsor/proposals/{proposal.pk}/", {"answer": "accept"})
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.WITHDRAWN


def test_confirming_one_placement_withdraws_the_households_other_proposals(proposal_at, available_offer):
    proposal = proposal_at("meeting")
    other_offer = available_offer()
    other = proposal_create(household=proposal.household, offer=other_offer, by=proposal.household.caseworker)
    for to in ("approved", "sent"):
        other = proposal_transition(proposal=other, to=to, by=proposal.household.caseworker)
    proposal_confirm(
        proposal=proposal,
        by=proposal.household.caseworker,
        move_in_date=timezone.localdate() + datetime.timedelta(days=7),
        agreed_months=6,
    )
    other.refresh_from_db()
    other_offer.refresh_from_db()
    assert other.status == MatchProposal.Status.WITHDRAWN
    assert other_offer.status == HousingOffer.Status.AVAILABLE
    assert Household.objects.get(pk=proposal.household_id).status == Household.Status.HOUSED


def test_ending_another_proposal_never_makes_a_housed_household_seek_again(proposal_at, available_offer):
    proposal = proposal_at("meeting")
    caseworker = proposal.household.caseworker
    other = proposal_create(household=proposal.household, offer=available_offer(), by=caseworker)
    MatchProposal.objects.filter(pk=other.pk).update(status="approved")
    proposal_confirm(proposal=proposal, by=caseworker, move_in_date=timezone.localdate(), agreed_months=3)
    assert Household.objects.get(pk=proposal.household_id).status == Household.Status.HOUSED


@pytest.mark.parametrize("status", ["proposed", "housed"])
def test_automatic_household_statuses_cannot_be_set_by_hand(client, household_factory, status):
    household = household_factory()
    household.status = status
    with pytest.raises(HouseholdError):
        household_save(household=household, by=household.caseworker)
    assert Household.objects.get(pk=household.pk).status == Household.Status.SEEKING


def test_the_admin_refuses_a_hand_made_housed_status_with_a_message(client, household_factory):
    household = household_factory()
    client.force_login(household.caseworker)
    url = f"/en/admin/sponsorship/household/{household.pk}/change/"
    data = {
        "head_name": household.head_name,
        "protection_status": household.protection_status,
        "status": "housed",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "preferences-TOTAL_FORMS": "0",
        "preferences-INITIAL_FORMS": "0",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    messages = [str(m) for m in response.context["messages"]]
    assert any("follow the household" in m for m in messages), messages
    assert Household.objects.get(pk=household.pk).status == Household.Status.SEEKING


def test_proposing_a_household_without_consent_in_the_admin_is_refused_with_a_message(
    client, household_factory, available_offer
):
    household = household_factory(consent_given_on=None)
    offer = available_offer()
    client.force_login(household.caseworker)
    response = client.post(
        "/en/admin/matching/matchproposal/add/", {"household": household.pk, "offer": offer.pk}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert any("consent" in str(m) for m in response.context["messages"])
    assert not MatchProposal.objects.exists()


def test_a_check_recorded_in_the_admin_names_who_checked(client, sponsor_factory, organisation_caseworker):
    from sponsorship.models import SponsorCheck

    person = sponsor_factory().persons.get()
    client.force_login(organisation_caseworker)
    response = client.post(
        "/en/admin/sponsorship/sponsorcheck/add/",
        {"person": person.pk, "kind": "identity", "result": "passed", "checked_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert SponsorCheck.objects.get().checked_by == organisation_caseworker


def test_an_inspected_offer_and_its_sponsor_are_read_only_in_the_admin(
    client, available_offer, organisation_caseworker
):
    offer = available_offer()
    client.force_login(organisation_caseworker)
    html = client.get(f"/en/admin/housing/housingoffer/{offer.pk}/change/").content.decode()
    assert 'name="sponsor"' not in html
    assert 'name="capacity"' not in html
    assert 'name="street_address"' not in html


def test_a_raised_concern_cannot_be_rewritten_only_closed(client, sponsor_factory, organisation_caseworker):
    sponsor = sponsor_factory(verified=True, email="host@example.org")
    concern = concern_raise(sponsor=sponsor, by=organisation_caseworker, severity="high", note="Reported threats.")
    client.force_login(organisation_caseworker)
    url = f"/en/admin/matching/safeguardingconcern/{concern.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="severity"' not in html and 'name="note"' not in html
    client.post(url, {"severity": "low", "note": "nothing", "closing_note": ""})
    concern.refresh_from_db()
    assert (concern.severity, concern.closed_at) == ("high", None)
    client.post(url, {"closing_note": "Police found nothing."})
    concern.refresh_from_db()
    assert concern.closed_at and concern.closed_by == organisation_caseworker
    assert SafeguardingConcern.objects.count() == 1


def test_the_caseworker_dashboard_lists_proposals_waiting_for_an_answer(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.household.caseworker)
    response = client.get("/en/caseworker/")
    assert [p.pk for p in response.context["waiting"]] == [proposal.pk]
    assert not response.context["overdue"] and not response.context["to_review"]
    assert proposal.household.reference in response.content.decode()
