"""The signed-in pages (a sponsor's page, a sponsor's offer page, the caseworker dashboard) read the
database a fixed number of times, whatever the number of offers, proposals, households and follow-ups.

Each test measures a page with few rows, adds rows, and measures it again: the counts must be equal, and
stay under a ceiling so that a new query per request is a decision, not an accident. Speed itself is
measured by the benchmark, never here.
"""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(captured), response.content.decode()


def _required_programme(slug: str):
    """A published programme required before matching, with an open session in ten days."""
    from projects.models import Language
    from training.models import Programme, Session

    programme = Programme.objects.create(
        slug=slug,
        title=f"Course {slug}",
        description="Before hosting.",
        audience=Programme.Audience.SPONSORS,
        required_for_matching=True,
    )
    starts_at = timezone.now() + datetime.timedelta(days=10)
    Session.objects.create(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        registration_deadline=starts_at - datetime.timedelta(days=1),
        capacity=10,
        place="Kaunas",
        language=Language.objects.get_or_create(code="lt", defaults={"name_en": "Lithuanian"})[0],
    )


def test_the_sponsor_page_reads_a_fixed_number_of_queries(
    client, sponsor_factory, offer_factory, available_offer, proposal_at, django_assert_max_num_queries
):
    sponsor = sponsor_factory(email="constant@example.org", verified=True)
    from training.models import Programme

    proposal_at("sent", offer=available_offer(sponsor))
    _required_programme("first")
    client.force_login(sponsor.user)
    few, _page = _queries(client, "/en/sponsor/")

    # Five more offers, two more proposals (made while no training is required: it blocks proposals) and
    # one more required programme.
    for number in range(3):
        offer_factory(sponsor, street_address=f"Constant g. {number}")
    Programme.objects.update(required_for_matching=False)
    for _ in range(2):
        proposal_at("sponsor_accepted", offer=available_offer(sponsor))
    Programme.objects.update(required_for_matching=True)
    _required_programme("second")
    many, page = _queries(client, "/en/sponsor/")

    assert page.count('class="card item-card"') == 6 + 3  # the offers and the proposals
    assert "Course first" in page and "Course second" in page
    assert many == few
    # One more than before the sponsor's path: its panel (matching) reads the sponsor again, as the page's
    # view (sponsorship) cannot hand it over.
    with django_assert_max_num_queries(15):
        client.get("/en/sponsor/")


def test_a_sponsors_offer_page_reads_a_fixed_number_of_queries(
    client, sponsor_factory, offer_factory, available_offer, django_assert_max_num_queries
):
    sponsor = sponsor_factory(email="constant@example.org", verified=True)
    draft = offer_factory(sponsor)  # one step, no inspection
    inspected = available_offer(sponsor)  # submitted, inspected, available: more steps and an inspection
    client.force_login(sponsor.user)

    few, _page = _queries(client, draft.get_absolute_url())
    many, _page = _queries(client, inspected.get_absolute_url())

    assert many == few
    # The sponsor's path (matching's panel) says where the offer stands, and so what still blocks the
    # sponsor's matching: the sponsor, their people and checks, the required training, a safeguarding
    # suspension, the offers and the proposals, seven queries whatever their number.
    with django_assert_max_num_queries(15):
        client.get(inspected.get_absolute_url())


def test_the_caseworker_dashboard_reads_a_fixed_number_of_queries(
    client, caseworker, proposal_at, django_assert_max_num_queries
):
    from matching.models import FollowUp, Placement

    def placement_due_soon(proposal):
        """A placement of `proposal`'s household, with a follow-up due tomorrow."""
        placement = Placement.objects.create(
            proposal=proposal,
            household=proposal.household,
            offer=proposal.offer,
            move_in_date=timezone.localdate(),
            agreed_months=6,
            created_by=caseworker,
        )
        FollowUp.objects.create(
            placement=placement, milestone=1, due_on=timezone.localdate() + datetime.timedelta(days=1)
        )

    statuses = ["proposed", "sent"]
    for status in statuses:
        proposal_at(status)
    placement_due_soon(proposal_at("meeting"))
    client.force_login(caseworker)
    few, _page = _queries(client, "/en/caseworker/")

    for status in ["proposed", "sent", "sponsor_accepted", "beneficiary_accepted"] * 2 + ["proposed", "sent"]:
        proposal_at(status)
    placement_due_soon(proposal_at("meeting"))
    many, page = _queries(client, "/en/caseworker/")

    assert page.count("/matching/matchproposal/") >= 12
    assert many == few
    # The session and the user, whether staff have a sponsor page (the header), then one query per list
    # (nine) and one for all their counts.
    with django_assert_max_num_queries(15):
        client.get("/en/caseworker/")


def test_the_caseworker_dashboard_shows_the_oldest_of_a_long_list_and_links_to_all(
    client, caseworker, proposal_at, monkeypatch
):
    from matching import selectors

    monkeypatch.setattr(selectors, "AGENDA_LIMIT", 2)
    oldest = [proposal_at("proposed") for _ in range(3)]
    accepted = proposal_at("sponsor_accepted")  # the household's answer is the caseworker's next step
    client.force_login(caseworker)

    agenda = selectors.caseworker_agenda(user=caseworker)
    assert [p.pk for p in agenda["to_review"]] == [p.pk for p in oldest[:2]]
    assert agenda["more"]["to_review"] and not agenda["more"]["to_decide"]
    assert [p.pk for p in agenda["to_decide"]] == [accepted.pk]
    assert agenda["overdue"] + agenda["waiting"] == []  # each proposal in one list only

    page = client.get("/lt/caseworker/").content.decode()
    assert page.count("Žiūrėti visus") == 1  # "See them all", for the one long list
    assert '<span class="count">3</span>' in page  # the whole list's count
    assert f"/matchproposal/{oldest[2].pk}/" not in page
