"""One owner per state in mediation: the proposal workflow answers who may take which step, and the step
form, the admin and the sponsor's page offer exactly its steps; a household's status is derived by one
function from its proposals and placements; an offer that leaves ends its proposals once, through
housing's signal, and stays where it went."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from housing.models import HousingOffer, OfferTransition
from housing.services import offer_transition, offer_withdraw, offers_expire
from housing.signals import offer_leaving
from matching.forms import ProposalStepForm
from matching.models import MatchProposal, Placement, ProposalTransition
from matching.services.households import household_status_derive, household_status_sync, households_status_sync
from matching.services.placements import placement_end, proposal_confirm
from matching.services.proposals import PROPOSAL_WORKFLOW, proposal_create, proposal_transition
from portal.models import QueuedTask
from portal.workflow import Role
from sponsorship.models import Household
from tests.helpers import record_force as _set
from tests.helpers import status_of as _status

S = MatchProposal.Status
Offer = HousingOffer.Status
H = Household.Status
ROLES = [Role.CASEWORKER, Role.SPONSOR, Role.SYSTEM, Role.OTHER]
NOTIFY_TASK = "matching.tasks.proposal_step_notify_task"

# Restated by hand from the README's mediation steps, not read from the table. Anything not listed is
# refused; a caseworker can withdraw at every open stage.
EXPECTED = {
    (S.PROPOSED, Role.CASEWORKER): {S.APPROVED, S.WITHDRAWN},
    (S.APPROVED, Role.CASEWORKER): {S.SENT, S.WITHDRAWN},
    (S.SENT, Role.CASEWORKER): {S.WITHDRAWN},
    (S.SENT, Role.SPONSOR): {S.SPONSOR_ACCEPTED, S.SPONSOR_DECLINED},
    (S.SENT, Role.SYSTEM): {S.EXPIRED},
    (S.SPONSOR_ACCEPTED, Role.CASEWORKER): {S.BENEFICIARY_ACCEPTED, S.BENEFICIARY_DECLINED, S.WITHDRAWN},
    (S.SPONSOR_ACCEPTED, Role.SYSTEM): {S.EXPIRED},
    (S.BENEFICIARY_ACCEPTED, Role.CASEWORKER): {S.MEETING, S.WITHDRAWN},
    (S.MEETING, Role.CASEWORKER): {S.CONFIRMED, S.WITHDRAWN},
}
REACHABLE = [S.PROPOSED, S.APPROVED, S.SENT, S.SPONSOR_ACCEPTED, S.BENEFICIARY_ACCEPTED, S.MEETING]


# --- The table ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", S.values)
def test_the_proposal_workflow_answers_which_steps_each_role_can_take(status, role):
    assert set(PROPOSAL_WORKFLOW.steps_from(status, role)) == EXPECTED.get((status, role), set())
    for to in S.values:
        assert PROPOSAL_WORKFLOW.allowed(status, to, role) == (to in EXPECTED.get((status, role), set()))


@pytest.mark.django_db
def test_the_workflow_knows_who_the_person_is_for_a_proposal(proposal_at, caseworker_of, organisation_factory):
    proposal = proposal_at(S.SENT)
    colleague = caseworker_of()
    outsider = caseworker_of(organisation_factory(name="Elsewhere"))
    sponsor = proposal.offer.sponsor.user

    assert set(PROPOSAL_WORKFLOW.steps_for(proposal, colleague)) == {S.WITHDRAWN}
    assert set(PROPOSAL_WORKFLOW.steps_for(proposal, sponsor)) == {S.SPONSOR_ACCEPTED, S.SPONSOR_DECLINED}
    assert PROPOSAL_WORKFLOW.steps_for(proposal, None) == [S.EXPIRED]
    assert PROPOSAL_WORKFLOW.steps_for(proposal, outsider) == []


# --- The step form, the admin and the sponsor's page ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", REACHABLE)
def test_the_step_form_offers_exactly_the_workflows_steps(proposal_at, organisation_caseworker, status):
    proposal = proposal_at(status)

    form = ProposalStepForm(proposal=proposal, by=organisation_caseworker)

    offered = [value for value, _label in form.fields["to"].choices]
    assert offered == PROPOSAL_WORKFLOW.steps_from(status, Role.CASEWORKER)
    assert set(offered) == EXPECTED[(status, Role.CASEWORKER)]


@pytest.mark.django_db
def test_the_step_form_offers_nothing_to_someone_who_may_not_step(proposal_at, caseworker_of, organisation_factory):
    proposal = proposal_at(S.APPROVED)
    outsider = caseworker_of(organisation_factory(name="Elsewhere"))
    assert ProposalStepForm(proposal=proposal, by=outsider).fields["to"].choices == []
    assert ProposalStepForm(proposal=proposal, by=proposal.offer.sponsor.user).fields["to"].choices == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.APPROVED, S.SPONSOR_ACCEPTED, S.MEETING])
def test_the_admin_step_page_lists_exactly_the_workflows_steps(client, proposal_at, organisation_caseworker, status):
    proposal = proposal_at(status)
    client.force_login(organisation_caseworker)

    response = client.get(f"/en/admin/matching/matchproposal/{proposal.pk}/step/")

    assert response.status_code == HTTPStatus.OK
    offered = [value for value, _label in response.context["form"].fields["to"].choices]
    assert offered == PROPOSAL_WORKFLOW.steps_from(status, Role.CASEWORKER)


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_the_admin_shows_the_next_step_button_exactly_when_the_workflow_has_one(
    client, proposal_at, organisation_caseworker, status
):
    proposal = _set(proposal_at(S.PROPOSED), status=status)
    client.force_login(organisation_caseworker)

    content = client.get(f"/en/admin/matching/matchproposal/{proposal.pk}/change/").content.decode()

    has_steps = bool(PROPOSAL_WORKFLOW.steps_from(status, Role.CASEWORKER))
    assert ("Take the next step" in content) == has_steps
    assert has_steps == (status in MatchProposal.OPEN)


@pytest.mark.django_db
def test_the_sponsor_is_asked_to_answer_exactly_while_the_workflow_lets_them(client, proposal_at):
    proposal = proposal_at(S.SENT)
    sponsor = proposal.offer.sponsor.user
    client.force_login(sponsor)
    url = f"/en/sponsor/proposals/{proposal.pk}/"
    assert client.get(url).context["can_answer"] is True

    proposal_transition(proposal=proposal, to=S.SPONSOR_ACCEPTED, by=sponsor)

    assert client.get(url).context["can_answer"] is False


# --- A household's status, derived ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "housed", "proposed", "closing", "expected"),
    [
        # An active placement: housed, whatever else.
        *[
            (status, True, proposed, closing, H.HOUSED)
            for status in H.values
            for proposed in (0, 1)
            for closing in (0, 1)
        ],
        # An open proposal: proposed.
        *[(status, False, True, closing, H.PROPOSED) for status in H.values for closing in (0, 1)],
        # Neither: a case that closes is closed; a proposed or housed household seeks again.
        *[(status, False, False, True, H.CLOSED) for status in H.values],
        (H.PROPOSED, False, False, False, H.SEEKING),
        (H.HOUSED, False, False, False, H.SEEKING),
        # The caseworker's own statuses stay.
        (H.REGISTERED, False, False, False, H.REGISTERED),
        (H.SEEKING, False, False, False, H.SEEKING),
        (H.CLOSED, False, False, False, H.CLOSED),
    ],
)
def test_household_status_derive(status, housed, proposed, closing, expected):
    derived = household_status_derive(
        status=status, housed=bool(housed), proposed=bool(proposed), closing=bool(closing)
    )
    assert derived == expected


@pytest.mark.django_db
def test_a_proposal_makes_the_household_proposed_and_ending_it_makes_it_seek_again(
    household_factory, available_offer, organisation_caseworker
):
    household = household_factory()
    Household.objects.filter(pk=household.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    before = Household.objects.get(pk=household.pk).updated_at

    proposal = proposal_create(household=household, offer=available_offer(), by=organisation_caseworker)

    household.refresh_from_db()
    assert household.status == H.PROPOSED and household.updated_at > before
    proposal_transition(proposal=proposal, to=S.WITHDRAWN, by=organisation_caseworker, note="Not now.")
    assert _status(household) == H.SEEKING


@pytest.mark.django_db
def test_a_registered_household_proposed_then_declined_seeks_housing(
    household_factory, available_offer, organisation_caseworker
):
    household = household_factory(status=H.REGISTERED)
    proposal = proposal_create(household=household, offer=available_offer(), by=organisation_caseworker)
    assert _status(household) == H.PROPOSED
    proposal_transition(proposal=proposal, to=S.APPROVED, by=organisation_caseworker)
    proposal_transition(proposal=proposal, to=S.SENT, by=organisation_caseworker)
    proposal_transition(
        proposal=proposal, to=S.SPONSOR_DECLINED, by=proposal.offer.sponsor.user, decline_reason="dates"
    )
    assert _status(household) == H.SEEKING


@pytest.mark.django_db
def test_a_household_with_another_open_proposal_stays_proposed(
    household_factory, available_offer, organisation_caseworker
):
    household = household_factory()
    first = proposal_create(household=household, offer=available_offer(), by=organisation_caseworker)
    proposal_create(household=household, offer=available_offer(), by=organisation_caseworker)

    proposal_transition(proposal=first, to=S.WITHDRAWN, by=organisation_caseworker, note="The other one.")

    assert _status(household) == H.PROPOSED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Placement.Outcome.OWN_HOUSING, H.CLOSED),
        (Placement.Outcome.RETURNED, H.CLOSED),
        (Placement.Outcome.CONFLICT, H.SEEKING),
        (Placement.Outcome.OTHER, H.SEEKING),
    ],
)
def test_confirming_houses_the_household_and_the_end_of_the_placement_closes_it_or_lets_it_seek(
    proposal_at, organisation_caseworker, outcome, expected
):
    proposal = proposal_at(S.MEETING)
    move_in = timezone.localdate()
    placement = proposal_confirm(proposal=proposal, by=organisation_caseworker, move_in_date=move_in, agreed_months=6)
    assert _status(proposal.household) == H.HOUSED

    placement_end(placement=placement, by=organisation_caseworker, end_date=move_in, outcome=outcome)

    assert _status(proposal.household) == expected


@pytest.mark.django_db
def test_household_status_sync_repairs_a_stale_status_and_leaves_a_right_one_alone(proposal_at, household_factory):
    proposed = proposal_at(S.SENT).household
    seeking = household_factory(head_name="Stale Proposed")
    closed = household_factory(head_name="Closed Case")
    Household.objects.filter(pk=proposed.pk).update(status=H.SEEKING)
    Household.objects.filter(pk=seeking.pk).update(status=H.PROPOSED)
    Household.objects.filter(pk=closed.pk).update(status=H.CLOSED)
    untouched = Household.objects.get(pk=closed.pk).updated_at

    assert household_status_sync(household_id=proposed.pk) is True
    assert household_status_sync(household_id=closed.pk) is False
    assert households_status_sync(household_ids=[proposed.pk, seeking.pk, closed.pk]) == 1

    assert [_status(h) for h in (proposed, seeking, closed)] == [H.PROPOSED, H.SEEKING, H.CLOSED]
    assert Household.objects.get(pk=closed.pk).updated_at == untouched


# --- An offer that leaves ends its proposals, once ----------------------------------------------------------


def _offer_steps(offer: HousingOffer) -> list[tuple[str, str]]:
    return list(OfferTransition.objects.filter(offer=offer).order_by("pk").values_list("from_status", "to_status"))


def _proposal_steps(proposal: MatchProposal) -> list[tuple[str, str]]:
    return list(
        ProposalTransition.objects.filter(proposal=proposal).order_by("pk").values_list("from_status", "to_status")
    )


@pytest.fixture
def reserved_offer(proposal_at, household_factory, available_offer, organisation_caseworker):
    """An offer for two households: one proposal sent (the offer is reserved), one still proposed."""
    offer = available_offer(max_households=2, capacity=8)
    waiting = proposal_create(
        household=household_factory(head_name="Second Family"), offer=offer, by=organisation_caseworker
    )
    sent = proposal_at(S.SENT, offer=offer)
    offer.refresh_from_db()
    assert offer.status == Offer.RESERVED
    return offer, sent, waiting


@pytest.mark.django_db
def test_a_withdrawn_offer_ends_each_of_its_proposals_once_and_stays_withdrawn(reserved_offer):
    offer, sent, waiting = reserved_offer
    steps_before = {p.pk: _proposal_steps(p) for p in (sent, waiting)}
    offer_steps_before = _offer_steps(offer)
    tasks_before = QueuedTask.objects.filter(task_name=NOTIFY_TASK).count()

    offer_withdraw(offer=offer, by=offer.sponsor.user, note="We sold the flat.")

    assert _status(offer) == Offer.WITHDRAWN
    assert _offer_steps(offer) == [*offer_steps_before, (Offer.RESERVED, Offer.WITHDRAWN)]  # no bounce
    for proposal, previous in ((sent, S.SENT), (waiting, S.PROPOSED)):
        assert _status(proposal) == S.WITHDRAWN
        assert _proposal_steps(proposal) == [*steps_before[proposal.pk], (previous, S.WITHDRAWN)]
        assert _status(proposal.household) == H.SEEKING
        step = ProposalTransition.objects.filter(proposal=proposal).latest("pk")
        assert step.by == offer.sponsor.user
    assert QueuedTask.objects.filter(task_name=NOTIFY_TASK).count() == tasks_before + 2


@pytest.mark.django_db
def test_an_expired_offer_ends_its_proposals_once_and_stays_expired(reserved_offer):
    offer, sent, waiting = reserved_offer
    HousingOffer.objects.filter(pk=offer.pk).update(available_until=offer.available_from)

    assert offers_expire(today=offer.available_from + datetime.timedelta(days=1)) == 1

    assert _status(offer) == Offer.EXPIRED
    assert _offer_steps(offer)[-1] == (Offer.RESERVED, Offer.EXPIRED)
    assert not OfferTransition.objects.filter(
        offer=offer, to_status=Offer.AVAILABLE, from_status=Offer.RESERVED
    ).exists()
    for proposal in (sent, waiting):
        assert _status(proposal) == S.WITHDRAWN
        assert ProposalTransition.objects.filter(proposal=proposal, to_status=S.WITHDRAWN, by=None).count() == 1


@pytest.mark.django_db
def test_the_offer_leaving_signal_is_sent_once_per_leaving_step(available_offer, organisation_caseworker):
    received = []

    def receiver(sender, *, offer, by, **kwargs):
        received.append((offer.pk, offer.status, HousingOffer.objects.get(pk=offer.pk).status, by))

    offer_leaving.connect(receiver, sender=HousingOffer, weak=False)
    try:
        offer = available_offer()
        offer_transition(offer=offer, to=Offer.RESERVED, by=organisation_caseworker)
        offer_transition(offer=offer, to=Offer.AVAILABLE, by=organisation_caseworker)
        offer_withdraw(offer=offer, by=organisation_caseworker)
    finally:
        offer_leaving.disconnect(receiver, sender=HousingOffer)

    # Sent only when it leaves, after its new status is saved (so nothing can make it available again).
    assert received == [(offer.pk, Offer.WITHDRAWN, Offer.WITHDRAWN, organisation_caseworker)]


@pytest.mark.django_db
def test_an_ended_proposal_still_frees_a_reserved_offer(proposal_at, organisation_caseworker):
    proposal = proposal_at(S.SENT)

    proposal_transition(proposal=proposal, to=S.WITHDRAWN, by=organisation_caseworker, note="Changed plans.")

    assert _status(proposal.offer) == Offer.AVAILABLE
    assert _offer_steps(proposal.offer)[-1] == (Offer.RESERVED, Offer.AVAILABLE)


@pytest.mark.django_db
def test_sponsor_erasure_withdraws_the_offer_and_ends_its_proposal_once(proposal_at):
    from sponsorship.services import sponsor_erase

    proposal = proposal_at(S.SPONSOR_ACCEPTED)
    offer = proposal.offer

    sponsor_erase(user=offer.sponsor.user)

    assert _status(offer) == Offer.WITHDRAWN
    assert _offer_steps(offer)[-1] == (Offer.RESERVED, Offer.WITHDRAWN)
    assert _proposal_steps(proposal)[-1] == (S.SPONSOR_ACCEPTED, S.WITHDRAWN)
    assert ProposalTransition.objects.filter(proposal=proposal, to_status=S.WITHDRAWN).count() == 1
    assert _status(proposal.household) == H.SEEKING
