"""The caseworker's queues on the admin's start page (`portal.queues`): each counted for the reader's
organisation, each linking to the admin list of exactly the rows it counted, all in a fixed number of
queries; the public caseworker dashboard reads the same lists."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing.services import offer_submit
from matching.models import FollowUp, MatchProposal
from matching.services.placements import proposal_confirm
from matching.services.safeguarding import concern_raise
from portal.queues import QUEUE_COUNT_CAP, AdminQueue, admin_queue_register, admin_queues, capped_counts
from sponsorship.households.services import household_meeting_save, household_transfer_request
from sponsorship.models import HouseholdMeeting, SponsorProfile

pytestmark = pytest.mark.django_db

QUEUE_KEYS = [
    "sponsors_to_verify",
    "offers_to_inspect",
    "proposals_to_review",
    "answers_overdue",
    "proposal_next_steps",
    "meetings_to_arrange",
    "follow_ups_due",
    "concerns_open",
    "transfers_to_accept",
]


def _overdue(proposal):
    MatchProposal.objects.filter(pk=proposal.pk).update(awaiting_since=timezone.now() - datetime.timedelta(days=5))
    return proposal


def _cases(*, caseworker, to_organisation, sponsor_factory, offer_factory, household_factory, proposal_at, tag):
    """One row for each queue of `caseworker`'s organisation (the transfer goes to `to_organisation`)."""
    pending = sponsor_factory(email=f"pending-{tag}@example.org")
    offer_submit(offer=offer_factory(pending), by=pending.user)
    household = lambda: household_factory(caseworker=caseworker)  # noqa: E731
    proposal_at("proposed", household=household())
    _overdue(proposal_at("sent", household=household()))
    proposal_at("beneficiary_accepted", household=household())
    placement = proposal_confirm(
        proposal=proposal_at("meeting", household=household()),
        by=caseworker,
        move_in_date=timezone.localdate(),
        agreed_months=6,
    )
    # The household's 1-month questionnaire falls due (the placement created all six).
    FollowUp.objects.filter(placement=placement, respondent="household", milestone=1).update(
        due_on=timezone.localdate()
    )
    concern_raise(sponsor=placement.offer.sponsor, placement=placement, severity="low", note="Noise.", by=caseworker)
    household_transfer_request(household=household(), to_organisation=to_organisation, by=caseworker)
    household_meeting_save(meeting=HouseholdMeeting(household=household(), purpose="Meet the hosts"), by=caseworker)


@pytest.fixture
def scene(
    organisation,
    organisation_factory,
    caseworker,
    caseworker_of,
    sponsor_factory,
    offer_factory,
    household_factory,
    proposal_at,
):
    org_b = organisation_factory(name="Vilnius Welcome Centre")
    caseworker_b = caseworker_of(org_b)
    tools = {
        "sponsor_factory": sponsor_factory,
        "offer_factory": offer_factory,
        "household_factory": household_factory,
        "proposal_at": proposal_at,
    }
    # A's rows (the transfer goes to B), then B's (the transfer comes to A).
    _cases(caseworker=caseworker, to_organisation=org_b, tag="a", **tools)
    _cases(caseworker=caseworker_b, to_organisation=organisation, tag="b", **tools)
    return SimpleNamespace(caseworker_a=caseworker, caseworker_b=caseworker_b, org_b=org_b, tools=tools)


def _index(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def test_the_start_page_counts_each_queue_of_the_readers_organisation_and_links_to_exactly_those_rows(client, scene):
    client.force_login(scene.caseworker_a)
    response = _index(client)
    queues = {queue.key: queue for queue in response.context["queues"]}
    assert list(queues) == QUEUE_KEYS
    # Sponsors and offers are shared by every organisation (two pending sponsors, each with a submitted
    # offer); everything else is A's own: one row each. B's transfer comes to A; A's to B is not A's to accept.
    expected = dict.fromkeys(QUEUE_KEYS, 1) | {"sponsors_to_verify": 2, "offers_to_inspect": 2}
    assert {key: queue.count for key, queue in queues.items()} == expected
    page = response.content.decode()
    for key, queue in queues.items():
        assert str(queue.label) in page and queue.url in page.replace("&amp;", "&")
        listed = client.get(queue.url)
        assert listed.status_code == 200, key
        assert listed.context["cl"].result_count == queue.count, key
    # The app list stays, below the queues.
    assert page.index('id="queues"') < page.index('class="app-')


def test_each_queue_lists_only_the_readers_rows(client, scene):
    client.force_login(scene.caseworker_a)
    transfers = client.get(reverse("admin:sponsorship_householdtransfer_changelist") + "?queue=transfers_to_accept")
    (transfer,) = transfers.context["cl"].result_list
    assert transfer.to_organisation_id == scene.caseworker_a.organisation_id
    proposals = client.get(reverse("admin:matching_matchproposal_changelist") + "?queue=proposals_to_review")
    (proposal,) = proposals.context["cl"].result_list
    assert proposal.household.organisation_id == scene.caseworker_a.organisation_id
    # An unknown queue lists nothing rather than everything.
    unknown = client.get(reverse("admin:matching_matchproposal_changelist") + "?queue=no-such-queue")
    assert unknown.status_code == 200 and unknown.context["cl"].result_count == 0


def test_an_admin_sees_every_organisations_rows(client, scene, superuser):
    client.force_login(superuser)
    counts = {queue.key: queue.count for queue in _index(client).context["queues"]}
    assert counts == dict.fromkeys(QUEUE_KEYS, 2)


def test_the_start_page_reads_a_fixed_number_of_queries_whatever_the_rows(client, scene, organisation):
    client.force_login(scene.caseworker_a)
    _index(client)
    with CaptureQueriesContext(connection) as few:
        _index(client)
    for tag in ("c", "d", "e"):
        _cases(caseworker=scene.caseworker_a, to_organisation=scene.org_b, tag=tag, **scene.tools)
        _cases(caseworker=scene.caseworker_b, to_organisation=organisation, tag=f"b{tag}", **scene.tools)
    with CaptureQueriesContext(connection) as many:
        response = _index(client)
    assert {queue.key: queue.count for queue in response.context["queues"]}["proposals_to_review"] == 4
    assert len(many) == len(few)
    # All the queues are counted in one query.
    assert sum("capped_0" in query["sql"] for query in many.captured_queries) == 1


def test_counts_stop_at_the_cap(household_factory, proposal_at, caseworker):
    proposals = MatchProposal.objects.all()
    for _ in range(3):
        proposal_at("proposed")
    assert capped_counts([proposals, proposals.none(), proposals.filter(status="sent")], cap=2) == [
        (2, True),
        (0, False),
        (0, False),
    ]
    assert capped_counts([proposals]) == [(3, False)] and QUEUE_COUNT_CAP == 100


def test_a_queue_is_one_registration(client, caseworker, sponsor_factory):
    sponsor_factory(email="pending@example.org")
    try:
        admin_queue_register(
            "all_sponsors",
            label="Every sponsor",
            model=SponsorProfile,
            rows=lambda user: SponsorProfile.objects.all(),
            order=1,
        )
        assert [queue.key for queue in admin_queues(model=SponsorProfile)] == ["all_sponsors", "sponsors_to_verify"]
        client.force_login(caseworker)
        queues = _index(client).context["queues"]
        assert (queues[0].key, queues[0].count) == ("all_sponsors", 1)
        assert queues[0].url == reverse("admin:sponsorship_sponsorprofile_changelist") + "?queue=all_sponsors"
    finally:
        from portal import queues as registry

        registry._QUEUES.pop("all_sponsors")
    assert isinstance(admin_queues()[0], AdminQueue)


def test_a_sponsor_without_staff_rights_never_reaches_the_start_page(client, sponsor_factory):
    sponsor = sponsor_factory(email="someone@example.org")
    client.force_login(sponsor.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


# --- The public caseworker dashboard reads the same lists ----------------------------------------------------


def test_the_dashboard_lists_every_queue_with_its_count(client, scene):
    client.force_login(scene.caseworker_a)
    response = client.get(reverse("matching:caseworker-dashboard"))
    assert response.status_code == 200
    context = response.context
    assert context["counts"] == {
        "sponsors": "2",
        "offers": "2",
        "to_review": "1",
        "overdue": "1",
        "waiting": "0",
        "to_decide": "1",
        "follow_ups": "1",
        "transfers": "1",
        "concerns": "1",
    }
    assert {sponsor.status for sponsor in context["sponsors"]} == {SponsorProfile.Status.PENDING}
    assert {offer.status for offer in context["offers"]} == {"submitted"}
    page = response.content.decode()
    for sponsor in context["sponsors"]:
        assert reverse("admin:sponsorship_sponsorprofile_change", args=[sponsor.pk]) in page


def test_a_proposal_appears_once_on_the_dashboard(client, caseworker, proposal_at):
    """The cause of the duplicate: a proposal the sponsor accepted waits for the household's answer and
    was listed both as "waiting for an answer" (or overdue) and as a "next step". Each proposal is now in
    one list only."""
    accepted = proposal_at("sponsor_accepted")
    late = _overdue(proposal_at("sponsor_accepted"))
    sent = proposal_at("sent")
    client.force_login(caseworker)
    context = client.get(reverse("matching:caseworker-dashboard")).context
    lists = {name: [p.pk for p in context[name]] for name in ("to_review", "overdue", "waiting", "to_decide")}
    assert lists == {"to_review": [], "overdue": [late.pk], "waiting": [sent.pk], "to_decide": [accepted.pk]}
    page = client.get(reverse("matching:caseworker-dashboard")).content.decode()
    for proposal in (accepted, late, sent):
        assert page.count(reverse("admin:matching_matchproposal_change", args=[proposal.pk])) == 1


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_rows(client, scene, organisation):
    client.force_login(scene.caseworker_a)
    url = reverse("matching:caseworker-dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for tag in ("c", "d"):
        _cases(caseworker=scene.caseworker_a, to_organisation=scene.org_b, tag=tag, **scene.tools)
        _cases(caseworker=scene.caseworker_b, to_organisation=organisation, tag=f"b{tag}", **scene.tools)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["counts"]["offers"] == "6" and response.context["counts"]["transfers"] == "3"
    assert len(many) == len(few)
