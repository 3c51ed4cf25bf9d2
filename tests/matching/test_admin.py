"""The mediation admin is scoped to the caseworker's organisation: no admin page of a household, proposal,
placement or transfer shows or changes anything of another organisation's households (the household pages
are in the matrix too, as one rule); concerns and the caseworkers' dashboard follow the household.

The households' own admin (search, export, audit log, merging, transfers) is tested in
tests/sponsorship/test_household_admin.py."""

import json
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal, Placement, SafeguardingConcern
from sponsorship.models import Household, HouseholdTransfer
from tests.admin_pages import (
    HEAD_A,
    HEAD_B,
    action,
    assert_shows_nothing_of,
    db_state,
    household_changelist,
)

pytestmark = pytest.mark.django_db


# Each admin page of A's objects: (url, the reference A's caseworker reads there, B's status code).
PAGES = {
    "household changelist": lambda s: (household_changelist(), s.household.reference, HTTPStatus.OK),
    "search by reference": lambda s: (
        household_changelist(q=s.household.reference),
        s.household.reference,
        HTTPStatus.OK,
    ),
    "search by head name": lambda s: (household_changelist(q=HEAD_A), s.household.reference, HTTPStatus.OK),
    "status filter": lambda s: (household_changelist(status="seeking"), s.household.reference, HTTPStatus.OK),
    "household autocomplete": lambda s: (
        reverse("admin:autocomplete")
        + "?"
        + urlencode({"app_label": "matching", "model_name": "matchproposal", "field_name": "household", "term": "HH"}),
        s.household.reference,
        HTTPStatus.OK,
    ),
    "household change": lambda s: (
        reverse("admin:sponsorship_household_change", args=[s.household.pk]),
        s.household.reference,
        HTTPStatus.FOUND,
    ),
    "household history": lambda s: (
        reverse("admin:sponsorship_household_history", args=[s.household.pk]),
        s.household.reference,
        HTTPStatus.FOUND,
    ),
    "proposal changelist": lambda s: (
        reverse("admin:matching_matchproposal_changelist"),
        s.proposal.household.reference,
        HTTPStatus.OK,
    ),
    "proposal search": lambda s: (
        reverse("admin:matching_matchproposal_changelist") + "?" + urlencode({"q": s.proposal.household.reference}),
        s.proposal.household.reference,
        HTTPStatus.OK,
    ),
    "proposal change": lambda s: (
        reverse("admin:matching_matchproposal_change", args=[s.proposal.pk]),
        s.proposal.household.reference,
        HTTPStatus.FOUND,
    ),
    "proposal step": lambda s: (
        reverse("admin:matching_matchproposal_step", args=[s.proposal.pk]),
        s.proposal.household.reference,
        HTTPStatus.NOT_FOUND,
    ),
    "placement changelist": lambda s: (
        reverse("admin:matching_placement_changelist"),
        s.placement.household.reference,
        HTTPStatus.OK,
    ),
    "placement change": lambda s: (
        reverse("admin:matching_placement_change", args=[s.placement.pk]),
        s.placement.household.reference,
        HTTPStatus.FOUND,
    ),
    "placement end": lambda s: (
        reverse("admin:matching_placement_end", args=[s.placement.pk]),
        s.placement.household.reference,
        HTTPStatus.NOT_FOUND,
    ),
    "transfer changelist": lambda s: (
        reverse("admin:sponsorship_householdtransfer_changelist"),
        s.household.reference,
        HTTPStatus.OK,
    ),
    "transfer change": lambda s: (
        reverse("admin:sponsorship_householdtransfer_change", args=[s.transfer.pk]),
        s.household.reference,
        HTTPStatus.FOUND,
    ),
    "transfer decide": lambda s: (
        reverse("admin:sponsorship_householdtransfer_decide", args=[s.transfer.pk]),
        s.household.reference,
        HTTPStatus.NOT_FOUND,
    ),
}


def _organisations_of(obj) -> set[int]:
    if isinstance(obj, HouseholdTransfer):
        return {obj.from_organisation_id, obj.to_organisation_id}
    household = obj if isinstance(obj, Household) else obj.household
    return {household.organisation_id}


@pytest.mark.parametrize("page", list(PAGES))
def test_other_organisations_caseworker_sees_nothing_of_the_household_on_any_admin_page(client, admin_scene, page):
    url, _reference, status = PAGES[page](admin_scene)
    client.force_login(admin_scene.caseworker_b)
    before = db_state()

    response = client.get(url)

    assert response.status_code == status
    assert_shows_nothing_of(response, admin_scene.secrets_of_a, typed=url)
    if response.context and "cl" in response.context:
        for obj in response.context["cl"].result_list:
            assert admin_scene.org_b.pk in _organisations_of(obj)
    if status == HTTPStatus.FOUND:
        # The "does not exist" landing page names no household either.
        landing = client.get(response["Location"])
        assert landing.status_code == HTTPStatus.OK
        assert_shows_nothing_of(landing, admin_scene.secrets_of_a)
    assert db_state() == before


@pytest.mark.parametrize("page", list(PAGES))
def test_own_organisations_caseworker_works_on_every_admin_page(client, admin_scene, page):
    url, reference, _status = PAGES[page](admin_scene)
    client.force_login(admin_scene.caseworker_a)

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert reference in response.content.decode()


def test_household_autocomplete_answers_only_with_the_own_organisations_households(client, admin_scene):
    url = (
        reverse("admin:autocomplete")
        + "?"
        + urlencode({"app_label": "matching", "model_name": "matchproposal", "field_name": "household", "term": ""})
    )
    client.force_login(admin_scene.caseworker_b)

    results = json.loads(client.get(url).content)["results"]

    assert [result["text"] for result in results] == [admin_scene.household_b.reference]


# Changes B's caseworker might try on A's objects: (url, data, B's status code).
POSTS = {
    "household change": lambda s: (
        reverse("admin:sponsorship_household_change", args=[s.household.pk]),
        {"head_name": "Someone Else", "status": "closed", "protection_status": "refugee", "_save": "Save"},
        HTTPStatus.FOUND,  # to the admin index: "does not exist"
    ),
    "proposal step": lambda s: (
        reverse("admin:matching_matchproposal_step", args=[s.proposal.pk]),
        {"to": MatchProposal.Status.WITHDRAWN, "note": "Not ours"},
        HTTPStatus.NOT_FOUND,
    ),
    "placement end": lambda s: (
        reverse("admin:matching_placement_end", args=[s.placement.pk]),
        {"end_date": timezone.localdate().isoformat(), "outcome": Placement.Outcome.OTHER, "note": "x"},
        HTTPStatus.NOT_FOUND,
    ),
    "transfer decide": lambda s: (
        reverse("admin:sponsorship_householdtransfer_decide", args=[s.transfer.pk]),
        {"decision": "accept"},
        HTTPStatus.NOT_FOUND,
    ),
    "transfer request": lambda s: (
        reverse("admin:sponsorship_householdtransfer_add"),
        {"household": s.proposal.household.pk, "to_organisation": s.org_b.pk, "note": "", "_save": "Save"},
        HTTPStatus.FORBIDDEN,
    ),
    "proposal of another organisation's household": lambda s: (
        reverse("admin:matching_matchproposal_add"),
        {"household": s.household.pk, "offer": s.proposal.offer.pk, "_save": "Save"},
        HTTPStatus.FORBIDDEN,
    ),
    "concern on another organisation's placement": lambda s: (
        reverse("admin:matching_safeguardingconcern_add"),
        {"sponsor": s.placement.offer.sponsor.pk, "placement": s.placement.pk, "severity": "low", "note": "x"},
        HTTPStatus.OK,  # the form says the placement is not a valid choice
    ),
    "merge": lambda s: (
        household_changelist(),
        action("merge_selected", s.household, s.proposal.household),
        HTTPStatus.FORBIDDEN,
    ),
}


@pytest.mark.parametrize("change", list(POSTS))
def test_other_organisations_caseworker_changes_nothing_of_the_household(client, admin_scene, change):
    url, data, status = POSTS[change](admin_scene)
    client.force_login(admin_scene.caseworker_b)
    before = db_state()

    response = client.post(url, data)

    assert response.status_code == status
    if response.status_code == HTTPStatus.FOUND:
        response = client.get(response["Location"])
    assert_shows_nothing_of(response, admin_scene.secrets_of_a)
    assert db_state() == before


def test_other_organisations_caseworker_does_not_read_the_household_on_the_reserved_offer(client, admin_scene):
    client.force_login(admin_scene.caseworker_b)

    response = client.get(reverse("admin:housing_housingoffer_change", args=[admin_scene.proposal.offer.pk]))

    assert response.status_code == HTTPStatus.OK
    assert_shows_nothing_of(response, admin_scene.secrets_of_a)


def test_any_caseworker_can_raise_a_concern_on_another_organisations_sponsor(client, admin_scene):
    sponsor = admin_scene.proposal.offer.sponsor
    client.force_login(admin_scene.caseworker_b)

    response = client.post(
        reverse("admin:matching_safeguardingconcern_add"),
        {"sponsor": sponsor.pk, "severity": "medium", "note": "Reported by a neighbour.", "_save": "Save"},
    )

    assert response.status_code == HTTPStatus.FOUND
    concern = SafeguardingConcern.objects.get(sponsor=sponsor)
    assert concern.raised_by == admin_scene.caseworker_b
    assert concern.placement is None


def test_a_concern_on_a_placement_shows_other_organisations_caseworkers_nothing_of_the_household(
    client, admin_scene, caseworker
):
    from matching.services.safeguarding import concern_raise

    concern = concern_raise(
        sponsor=admin_scene.placement.offer.sponsor,
        placement=admin_scene.placement,
        severity="low",
        note="Noise at night.",
        by=caseworker,
    )
    client.force_login(admin_scene.caseworker_b)

    changelist = client.get(reverse("admin:matching_safeguardingconcern_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert_shows_nothing_of(changelist, admin_scene.secrets_of_a)
    assert f"/{concern.pk}/change/" not in changelist.content.decode()
    # The concern belongs to the household's organisation: the other one is sent away.
    change = client.get(reverse("admin:matching_safeguardingconcern_change", args=[concern.pk]), follow=True)
    assert_shows_nothing_of(change, admin_scene.secrets_of_a)
    assert "Noise at night." not in change.content.decode()


def test_caseworker_dashboard_lists_only_the_own_organisations_proposals_to_review(
    client, organisation_factory, caseworker_of, household_factory, proposal_at
):
    org_b = organisation_factory(name="Vilnius Welcome Centre")
    caseworker_b = caseworker_of(org_b)
    proposal_a = proposal_at("proposed")
    proposal_b = proposal_at("proposed", household=household_factory(caseworker=caseworker_b, head_name=HEAD_B))
    client.force_login(caseworker_b)

    response = client.get(reverse("matching:caseworker-dashboard"))

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["to_review"]) == [proposal_b]
    content = response.content.decode()
    assert proposal_b.household.reference in content
    assert proposal_a.household.reference not in content


# --- Queries per admin page, whatever the number of rows ---------------------------------------------------

# Every admin list a caseworker works with (the national-scale benchmark, `matching.bench_admin`, times
# them on 100,000 households): (name, changelist URL name, the scene's object whose change page is read).
CASEWORKER_LISTS = [
    ("households", "sponsorship_household", lambda s: s.household),
    ("transfers", "sponsorship_householdtransfer", lambda s: s.transfer),
    ("proposals", "matching_matchproposal", lambda s: s.proposal),
    ("placements", "matching_placement", lambda s: s.placement),
    ("concerns", "matching_safeguardingconcern", lambda s: s.concern),
    ("offers", "housing_housingoffer", lambda s: s.proposal.offer),
    ("inspections", "housing_inspection", lambda s: s.proposal.offer.inspections.first()),
    ("sponsors", "sponsorship_sponsorprofile", lambda s: s.proposal.offer.sponsor),
    ("sponsors' people", "sponsorship_sponsorperson", lambda s: s.proposal.offer.sponsor.persons.first()),
    ("sponsors' checks", "sponsorship_sponsorcheck", lambda s: s.proposal.offer.sponsor.persons.first().checks.first()),
    ("matching runs", "matching_matchingrun", None),
]


def _page_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (content types, permissions) before counting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(queries)


def _caseworker_pages(scene) -> dict[str, str]:
    pages = {}
    for name, url_name, record in CASEWORKER_LISTS:
        changelist = reverse(f"admin:{url_name}_changelist")
        pages[f"{name} list"] = changelist
        pages[f"{name} search"] = f"{changelist}?{urlencode({'q': 'HH'})}"
        if record is not None:
            pages[f"{name} change"] = reverse(f"admin:{url_name}_change", args=[record(scene).pk])
    return pages


def _more_of_everything(scene, household_factory, proposal_at, count: int) -> None:
    """`count` more households, transfers, proposals (with their offers, inspections and sponsors),
    placements and concerns in organisation A."""
    import datetime

    from matching.models import MatchingRun
    from matching.services.placements import proposal_confirm
    from matching.services.safeguarding import concern_raise
    from sponsorship.households.services import household_transfer_request

    for _ in range(count):
        household = household_factory()
        household_transfer_request(household=household, to_organisation=scene.org_c, by=scene.caseworker_a)
        proposal = proposal_at("sent")
        placed = proposal_confirm(
            proposal=proposal_at("meeting"),
            by=scene.caseworker_a,
            move_in_date=timezone.localdate() + datetime.timedelta(days=10),
            agreed_months=6,
        )
        concern_raise(
            sponsor=proposal.offer.sponsor, placement=placed, by=scene.caseworker_a, severity="low", note="Checked."
        )
        MatchingRun.objects.create(status=MatchingRun.Status.DONE)


def test_each_caseworker_admin_page_runs_the_same_number_of_queries_whatever_its_rows(
    admin_scene, household_factory, proposal_at
):
    from matching.models import MatchingRun
    from matching.services.safeguarding import concern_raise
    from tests.helpers import client_of

    MatchingRun.objects.create(status=MatchingRun.Status.DONE)  # a household's page then reads its result
    admin_scene.concern = concern_raise(
        sponsor=admin_scene.proposal.offer.sponsor,
        placement=admin_scene.placement,
        by=admin_scene.caseworker_a,
        severity="low",
        note="Checked.",
    )
    client = client_of(admin_scene.caseworker_a)
    pages = _caseworker_pages(admin_scene)
    few = {name: _page_queries(client, url) for name, url in pages.items()}

    _more_of_everything(admin_scene, household_factory, proposal_at, count=10)
    many = {name: _page_queries(client, url) for name, url in pages.items()}

    assert many == few


def test_a_household_change_page_reads_the_household_once_and_checks_its_scope_once(admin_scene):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.helpers import client_of

    client = client_of(admin_scene.caseworker_a)
    url = reverse("admin:sponsorship_household_change", args=[admin_scene.household.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    table = '"sponsorship_household"'
    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT") and f"FROM {table}" in query["sql"]]
    # The household itself, and its possible duplicates (a many-to-many to households).
    assert len(reads) == 2, reads


def test_no_admin_form_lists_a_table_that_grows_with_the_country_in_a_drop_down(superuser):
    """Every foreign key and many-to-many field of every admin form (and inline) to a table of national
    size is an autocomplete or a raw id: a drop-down would list each of its rows on every page load."""
    from django import forms
    from django.contrib import admin
    from django.contrib.admin import widgets
    from django.test import RequestFactory

    small_tables = {
        "auth.Group",
        "auth.Permission",
        "projects.FundingProgramme",
        "projects.Language",
        "projects.Project",
        "training.Module",
        "training.Programme",
    }
    request = RequestFactory().get("/")
    request.user = superuser
    listed = set()
    for model, model_admin in admin.site._registry.items():
        form_classes = [(model, model_admin.get_form(request))]
        form_classes += [
            (inline.model, inline.get_formset(request).form)
            for inline in model_admin.get_inline_instances(request, None)
        ]
        for owner, form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                widget = field.widget
                while isinstance(widget, widgets.RelatedFieldWidgetWrapper):
                    widget = widget.widget
                searched = (widgets.AutocompleteMixin, widgets.ForeignKeyRawIdWidget)
                if not isinstance(widget, searched) and field.queryset.model._meta.label not in small_tables:
                    listed.add(f"{owner._meta.label}.{name} -> {field.queryset.model._meta.label}")

    assert not listed
