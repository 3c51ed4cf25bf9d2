"""Household rules (recording, pseudonymous references, duplicates, merging, transfers) and what a
sponsor may read of a household proposed for their offer."""

import datetime
import re
from http import HTTPStatus

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from matching.models import MatchProposal
from sponsorship.access import households_for
from sponsorship.households.services import (
    HouseholdError,
    household_merge,
    household_save,
    household_transfer_decide,
    household_transfer_request,
)
from sponsorship.models import Household, HouseholdTransfer

pytestmark = pytest.mark.django_db


HEAD = "Olena Kovalenko"
PHONE = "+370 611 11111"
EMAIL = "olena@example.org"
BIRTH = datetime.date(1985, 3, 1)


def _new_household(**data) -> Household:
    fields = {"head_name": HEAD, "protection_status": Household.ProtectionStatus.TEMPORARY}
    fields.update(data)
    return Household(**fields)


def _access_log(household: Household):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Household),
        object_pk=str(household.pk),
        action=LogEntry.Action.ACCESS,
    )


# --- Recording ----------------------------------------------------------------------------------------


def test_household_save_gives_a_pseudonymous_reference_and_the_caseworkers_organisation(
    organisation, organisation_caseworker, other_organisation
):
    # Even when the form names another organisation, the household is the caseworker's organisation's.
    household = household_save(
        household=_new_household(organisation=other_organisation, status=Household.Status.SEEKING),
        by=organisation_caseworker,
    )

    assert re.fullmatch(r"HH-[0-9A-F]{6}", household.reference)
    assert household.organisation == organisation
    assert household.caseworker == organisation_caseworker
    assert household.waiting_since is not None


def test_household_references_are_unique(organisation_caseworker):
    references = {household_save(household=_new_household(), by=organisation_caseworker).reference for _ in range(5)}

    assert len(references) == 5


def test_household_save_records_who_recorded_the_consent(organisation_caseworker, caseworker_of, organisation):
    # Whatever the caller names, the one recording the date of consent is its recorder.
    household = household_save(
        household=_new_household(
            consent_version="1", consent_given_on=datetime.date(2026, 1, 5), consent_recorded_by=caseworker_of()
        ),
        by=organisation_caseworker,
    )

    household.refresh_from_db()
    assert household.consent_recorded_by == organisation_caseworker


def test_household_save_keeps_the_consents_recorder_until_the_consent_date_changes(
    household_factory, caseworker_of, organisation
):
    household = household_factory()
    recorder = household.consent_recorded_by
    colleague = caseworker_of(organisation)

    household.phone = "+370 699 99999"
    household_save(household=household, by=colleague)
    household.refresh_from_db()
    assert household.consent_recorded_by == recorder

    household.consent_given_on = household.consent_given_on - datetime.timedelta(days=1)
    household_save(household=household, by=colleague)
    household.refresh_from_db()
    assert household.consent_recorded_by == colleague


def test_household_save_records_no_consent_recorder_without_a_consent(organisation_caseworker):
    household = household_save(household=_new_household(), by=organisation_caseworker)

    household.refresh_from_db()
    assert household.consent_recorded_by is None


def test_household_save_refuses_a_staff_user_without_organisation(user_factory, other_organisation):
    staff = user_factory(email="no.org@example.org", is_staff=True)

    with pytest.raises(HouseholdError):
        household_save(household=_new_household(organisation=other_organisation), by=staff)

    assert not Household.objects.exists()


def test_household_save_refuses_non_staff(user_factory, other_organisation):
    sponsor = user_factory(email="sponsor@example.org", organisation=other_organisation)

    with pytest.raises(PermissionDenied):
        household_save(household=_new_household(organisation=other_organisation), by=sponsor)

    assert not Household.objects.exists()


def test_household_save_refuses_a_caseworker_of_another_organisation_to_edit(
    household_factory, caseworker_of, other_organisation
):
    household = household_factory()
    household.phone = "+370 699 99999"

    with pytest.raises(PermissionDenied):
        household_save(household=household, by=caseworker_of(other_organisation))

    household.refresh_from_db()
    assert household.phone == PHONE


def test_households_are_visible_to_their_organisation_and_admins_only(
    household_factory, caseworker_of, other_organisation, superuser, user_factory
):
    household = household_factory()
    other = household_factory(caseworker=caseworker_of(other_organisation))

    assert list(households_for(household.caseworker)) == [household]
    assert list(households_for(other.caseworker)) == [other]
    assert set(households_for(superuser)) == {household, other}
    assert not households_for(user_factory(email="sponsor@example.org")).exists()


def test_household_str_never_contains_the_head_name(household_factory, other_organisation):
    household = household_factory(head_name=HEAD, document_number="FP1234567")
    transfer = household_transfer_request(
        household=household, to_organisation=other_organisation, by=household.caseworker
    )

    for text in (str(household), str(household.members.first()), str(transfer)):
        assert "Olena" not in text
        assert "Kovalenko" not in text
        assert "FP1234567" not in text
    assert str(household) == household.reference


def test_a_proposals_name_shows_the_reference_not_the_head(proposal_at):
    proposal = proposal_at("proposed")

    assert proposal.household.reference in str(proposal)
    assert "Kovalenko" not in str(proposal)


# --- Duplicates -------------------------------------------------------------------------------------------


def test_same_head_name_and_birth_date_is_flagged_whatever_the_case(household_factory):
    first = household_factory(head_name=HEAD, head_birth_date=BIRTH)
    second = household_factory(head_name="  olena KOVALENKO ", head_birth_date=BIRTH)

    assert list(second.possible_duplicates.all()) == [first]
    assert list(first.possible_duplicates.all()) == [second]


def test_same_document_number_is_flagged(household_factory):
    first = household_factory(head_name=HEAD, document_number="FP1234567")
    second = household_factory(head_name="Olena Kovalenko-Shevchenko", document_number="fp1234567")

    assert list(second.possible_duplicates.all()) == [first]


@pytest.mark.parametrize(
    ("first_birth", "second_birth"),
    [(BIRTH, datetime.date(1990, 7, 12)), (None, None), (BIRTH, None)],
    ids=["other birth date", "no birth dates", "one birth date"],
)
def test_same_head_name_alone_is_not_flagged(household_factory, first_birth, second_birth):
    household_factory(head_name=HEAD, head_birth_date=first_birth)
    second = household_factory(head_name=HEAD, head_birth_date=second_birth)

    assert not second.possible_duplicates.exists()


def test_empty_document_numbers_are_no_duplicates(household_factory):
    household_factory(head_name="Amir Haddad", document_number="")
    second = household_factory(head_name="Leila Karimi", document_number="")

    assert not second.possible_duplicates.exists()


# --- Merging -------------------------------------------------------------------------------------------------


def test_household_merge_is_refused_to_caseworkers(duplicates, organisation_caseworker):
    keep, duplicate = duplicates

    with pytest.raises(PermissionDenied):
        household_merge(keep=keep, duplicate=duplicate, by=organisation_caseworker)

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.status == Household.Status.SEEKING


def test_household_merge_moves_proposals_closes_the_duplicate_and_is_logged(duplicates, superuser, proposal_at):
    keep, duplicate = duplicates
    proposal = proposal_at("proposed", household=duplicate)

    household_merge(keep=keep, duplicate=duplicate, by=superuser)

    duplicate.refresh_from_db()
    proposal.refresh_from_db()
    assert duplicate.merged_into == keep
    assert duplicate.status == Household.Status.CLOSED
    assert proposal.household == keep
    assert not keep.possible_duplicates.exists()
    entry = LogEntry.objects.get(object_pk=str(keep.pk), changes__has_key="merged")
    assert entry.actor == superuser
    assert entry.changes_dict["merged"] == [duplicate.reference, keep.reference]


def test_household_merge_refuses_one_household_twice(duplicates, superuser):
    keep, _duplicate = duplicates

    with pytest.raises(HouseholdError):
        household_merge(keep=keep, duplicate=keep, by=superuser)


def test_a_merged_household_is_no_longer_flagged_as_a_duplicate(duplicates, superuser, household_factory):
    keep, duplicate = duplicates
    household_merge(keep=keep, duplicate=duplicate, by=superuser)

    third = household_factory(head_name=HEAD, head_birth_date=BIRTH)

    assert list(third.possible_duplicates.all()) == [keep]


# --- Transfers ---------------------------------------------------------------------------------------------


def test_transfer_to_the_own_organisation_is_refused(household_factory, organisation):
    household = household_factory()

    with pytest.raises(HouseholdError):
        household_transfer_request(household=household, to_organisation=organisation, by=household.caseworker)

    assert not HouseholdTransfer.objects.exists()


def test_second_transfer_while_one_is_open_is_refused(household_factory, other_organisation, organisation_factory):
    household = household_factory()
    household_transfer_request(household=household, to_organisation=other_organisation, by=household.caseworker)

    with pytest.raises(HouseholdError):
        household_transfer_request(
            household=household, to_organisation=organisation_factory(name="Klaipeda Support"), by=household.caseworker
        )

    assert HouseholdTransfer.objects.count() == 1


def test_transfer_request_by_another_organisation_is_refused(household_factory, other_organisation, caseworker_of):
    household = household_factory()

    with pytest.raises(PermissionDenied):
        household_transfer_request(
            household=household, to_organisation=other_organisation, by=caseworker_of(other_organisation)
        )


@pytest.fixture
def open_transfer(household_factory, other_organisation):
    household = household_factory()
    return household_transfer_request(household=household, to_organisation=other_organisation, by=household.caseworker)


def test_transfer_decided_by_the_sending_organisation_is_refused(open_transfer):
    with pytest.raises(PermissionDenied):
        household_transfer_decide(transfer=open_transfer, by=open_transfer.household.caseworker, accept=True)

    open_transfer.refresh_from_db()
    assert open_transfer.status == HouseholdTransfer.Status.REQUESTED


def test_transfer_decided_by_a_third_organisation_is_refused(open_transfer, caseworker_of, organisation_factory):
    with pytest.raises(PermissionDenied):
        household_transfer_decide(
            transfer=open_transfer, by=caseworker_of(organisation_factory(name="Klaipeda Support")), accept=True
        )


def test_transfer_decided_by_a_non_staff_member_of_the_receiving_organisation_is_refused(
    open_transfer, user_factory, other_organisation
):
    member = user_factory(email="volunteer@example.org", organisation=other_organisation)

    with pytest.raises(PermissionDenied):
        household_transfer_decide(transfer=open_transfer, by=member, accept=True)


def test_accepted_transfer_hands_the_household_over(open_transfer, caseworker_of, other_organisation):
    receiver = caseworker_of(other_organisation)

    household_transfer_decide(transfer=open_transfer, by=receiver, accept=True)

    household = Household.objects.get(pk=open_transfer.household_id)
    open_transfer.refresh_from_db()
    assert open_transfer.status == HouseholdTransfer.Status.ACCEPTED
    assert open_transfer.decided_by == receiver
    assert open_transfer.decided_at is not None
    assert household.organisation == other_organisation
    assert household.caseworker == receiver
    assert list(households_for(receiver)) == [household]


def test_refused_transfer_keeps_the_household(open_transfer, caseworker_of, other_organisation, organisation):
    household_transfer_decide(transfer=open_transfer, by=caseworker_of(other_organisation), accept=False)

    open_transfer.refresh_from_db()
    assert open_transfer.status == HouseholdTransfer.Status.REFUSED
    assert Household.objects.get(pk=open_transfer.household_id).organisation == organisation


@pytest.mark.parametrize("first", [True, False], ids=["after accepting", "after refusing"])
def test_transfer_is_decided_only_once(open_transfer, caseworker_of, other_organisation, organisation, first):
    receiver = caseworker_of(other_organisation)
    household_transfer_decide(transfer=open_transfer, by=receiver, accept=first)

    with pytest.raises(HouseholdError):
        household_transfer_decide(transfer=open_transfer, by=receiver, accept=not first)

    open_transfer.refresh_from_db()
    expected = HouseholdTransfer.Status.ACCEPTED if first else HouseholdTransfer.Status.REFUSED
    assert open_transfer.status == expected
    owner = other_organisation if first else organisation
    assert Household.objects.get(pk=open_transfer.household_id).organisation == owner


# --- What a sponsor reads of a proposed household ----------------------------------------------------------


def _proposal_url(proposal: MatchProposal) -> str:
    return reverse("matching:proposal-detail", kwargs={"pk": proposal.pk})


def test_sponsor_reads_size_and_ages_of_a_sent_proposal_but_not_name_or_contacts(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)

    response = client.get(_proposal_url(proposal))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert proposal.household.reference in content
    assert response.context["household"]["size"] == 3
    assert "38, 35" in content
    assert response.context["household"]["children"] == [9]
    for secret in (HEAD, PHONE, EMAIL):
        assert secret not in content


@pytest.mark.parametrize("status", ["beneficiary_accepted", "meeting"])
def test_sponsor_reads_name_and_contacts_once_the_household_accepted(client, proposal_at, status):
    proposal = proposal_at(status)
    assert proposal.household.has_consent
    client.force_login(proposal.offer.sponsor.user)

    content = client.get(_proposal_url(proposal)).content.decode()

    for detail in (HEAD, PHONE, EMAIL):
        assert detail in content


def test_sponsor_does_not_read_the_name_without_the_households_consent(client, proposal_at):
    proposal = proposal_at("beneficiary_accepted")
    Household.objects.filter(pk=proposal.household_id).update(consent_given_on=None)
    client.force_login(proposal.offer.sponsor.user)

    content = client.get(_proposal_url(proposal)).content.decode()

    for secret in (HEAD, PHONE, EMAIL):
        assert secret not in content


def test_sponsor_accepted_proposal_still_hides_the_name(client, proposal_at):
    proposal = proposal_at("sponsor_accepted")
    client.force_login(proposal.offer.sponsor.user)

    content = client.get(_proposal_url(proposal)).content.decode()

    assert HEAD not in content


def test_another_sponsor_gets_404(client, proposal_at, sponsor_factory):
    proposal = proposal_at("sent")
    client.force_login(sponsor_factory(email="other.sponsor@example.org").user)

    assert client.get(_proposal_url(proposal)).status_code == HTTPStatus.NOT_FOUND
    assert not _access_log(proposal.household).exists()


@pytest.mark.parametrize("status", ["proposed", "approved"])
def test_proposal_not_yet_sent_is_404_for_the_sponsor(client, proposal_at, status):
    proposal = proposal_at(status)
    client.force_login(proposal.offer.sponsor.user)

    assert client.get(_proposal_url(proposal)).status_code == HTTPStatus.NOT_FOUND
    assert not _access_log(proposal.household).exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, proposal_at):
    proposal = proposal_at("sent")

    response = client.get(_proposal_url(proposal))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_each_sponsor_view_is_in_the_access_log(client, proposal_at):
    proposal = proposal_at("sent")
    sponsor_user = proposal.offer.sponsor.user
    client.force_login(sponsor_user)

    client.get(_proposal_url(proposal))
    client.get(_proposal_url(proposal))

    entries = list(_access_log(proposal.household))
    assert len(entries) == 2
    assert {entry.actor for entry in entries} == {sponsor_user}


def test_sponsor_accepts_a_sent_proposal(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)

    response = client.post(_proposal_url(proposal), {"answer": "accept", "note": "Welcome!"})

    assert response.status_code == HTTPStatus.FOUND
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.SPONSOR_ACCEPTED
    step = proposal.transitions.latest("at")
    assert step.by == proposal.offer.sponsor.user
    assert step.note == "Welcome!"


def test_sponsor_decline_needs_a_reason(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)
    steps = proposal.transitions.count()

    response = client.post(_proposal_url(proposal), {"answer": "decline", "decline_reason": ""})

    assert response.status_code == HTTPStatus.OK
    assert "decline_reason" in response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.SENT
    assert proposal.transitions.count() == steps


def test_sponsor_declines_with_a_reason(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)

    response = client.post(_proposal_url(proposal), {"answer": "decline", "decline_reason": "dates"})

    assert response.status_code == HTTPStatus.FOUND
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.SPONSOR_DECLINED
    assert proposal.decline_reason == MatchProposal.DeclineReason.DATES


def test_sponsor_cannot_answer_twice(client, proposal_at):
    proposal = proposal_at("sponsor_accepted")
    client.force_login(proposal.offer.sponsor.user)

    response = client.post(_proposal_url(proposal), {"answer": "decline", "decline_reason": "dates"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors()
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.SPONSOR_ACCEPTED
