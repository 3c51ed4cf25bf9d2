"""The caseworkers' admin: every page of a household, proposal, placement or transfer is scoped to the
caseworker's organisation; staff need a second factor; views and changes are in the audit log; admins
merge duplicates; households move between organisations only through an accepted transfer."""

import csv
import datetime
import io
import json
from http import HTTPStatus
from types import SimpleNamespace
from urllib.parse import unquote_plus, urlencode

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing.models import HousingOffer
from matching.models import FollowUp, MatchProposal, MediationNote, Placement, ProposalTransition, SafeguardingConcern
from matching.services.placements import proposal_confirm
from portal.roles import CASEWORKERS_GROUP, roles_ensure
from sponsorship.households.services import household_transfer_request
from sponsorship.models import Household, HouseholdMember, HouseholdTransfer, MunicipalityPreference

pytestmark = pytest.mark.django_db

HEAD_A = "Olena Kovalenko"
HEAD_A_PROPOSED = "Amir Haddad"
HEAD_A_PLACED = "Leila Karimi"
HEAD_B = "Ivan Petrenko"


def _household_ct() -> ContentType:
    return ContentType.objects.get_for_model(Household)


def _household_log(household: Household, action: int):
    return LogEntry.objects.filter(content_type=_household_ct(), object_pk=str(household.pk), action=action)


def _db_state() -> dict:
    """Everything a caseworker's request could change, to compare before and after."""
    models = [
        Household,
        HouseholdMember,
        MunicipalityPreference,
        HouseholdTransfer,
        MatchProposal,
        ProposalTransition,
        Placement,
        FollowUp,
        MediationNote,
        SafeguardingConcern,
        HousingOffer,
    ]
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    state["duplicates"] = list(Household.possible_duplicates.through.objects.order_by("pk").values())
    state["audit log"] = list(LogEntry.objects.order_by("pk").values_list("pk", flat=True))
    return state


def _change_form_data(response) -> dict:
    """The values of an admin change form (with its inlines) as a browser would post them back."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [getattr(item, "pk", item) for item in value]
            else:
                data[field.html_name] = getattr(value, "pk", value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    data["_save"] = "Save"
    return data


def _action(name: str, *households) -> dict:
    return {"action": name, "_selected_action": [h.pk for h in households], "index": "0"}


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- Two organisations ---------------------------------------------------------------------------------


@pytest.fixture
def scene(organisation, organisation_factory, caseworker_of, organisation_caseworker, household_factory, proposal_at):
    """Organisation A (with a seeking household, a household with a proposal sent to a sponsor, a
    placed household and a transfer to a third organisation C) and organisation B with its own household."""
    org_b = organisation_factory(name="Vilnius Welcome Centre")
    org_c = organisation_factory(name="Klaipeda Support")
    caseworker_b = caseworker_of(org_b)
    household = household_factory(head_name=HEAD_A, document_number="FP1234567")
    proposal = proposal_at("sent", household=household_factory(head_name=HEAD_A_PROPOSED))
    meeting = proposal_at("meeting", household=household_factory(head_name=HEAD_A_PLACED))
    placement = proposal_confirm(
        proposal=meeting,
        by=organisation_caseworker,
        move_in_date=timezone.localdate() + datetime.timedelta(days=10),
        agreed_months=6,
    )
    transfer = household_transfer_request(household=household, to_organisation=org_c, by=organisation_caseworker)
    household_b = household_factory(caseworker=caseworker_b, head_name=HEAD_B)
    return SimpleNamespace(
        org_a=organisation,
        org_b=org_b,
        org_c=org_c,
        caseworker_a=organisation_caseworker,
        caseworker_b=caseworker_b,
        household=household,
        proposal=proposal,
        placement=placement,
        transfer=transfer,
        household_b=household_b,
        # What B's caseworker must never read: A's references and names.
        secrets_of_a=[
            household.reference,
            proposal.household.reference,
            placement.household.reference,
            HEAD_A,
            HEAD_A_PROPOSED,
            HEAD_A_PLACED,
        ],
    )


def _changelist(**query) -> str:
    url = reverse("admin:sponsorship_household_changelist")
    return f"{url}?{urlencode(query)}" if query else url


# Each admin page of A's objects: (url, the reference A's caseworker reads there, B's status code).
PAGES = {
    "household changelist": lambda s: (_changelist(), s.household.reference, HTTPStatus.OK),
    "search by reference": lambda s: (_changelist(q=s.household.reference), s.household.reference, HTTPStatus.OK),
    "search by head name": lambda s: (_changelist(q=HEAD_A), s.household.reference, HTTPStatus.OK),
    "status filter": lambda s: (_changelist(status="seeking"), s.household.reference, HTTPStatus.OK),
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


def _assert_shows_nothing_of(response, secrets: list[str], typed: str = "") -> None:
    """None of `secrets` is on the page (except where the page repeats what the user typed)."""
    content = response.content.decode()
    for secret in secrets:
        if secret not in unquote_plus(typed):
            assert secret not in content


def _organisations_of(obj) -> set[int]:
    if isinstance(obj, HouseholdTransfer):
        return {obj.from_organisation_id, obj.to_organisation_id}
    household = obj if isinstance(obj, Household) else obj.household
    return {household.organisation_id}


@pytest.mark.parametrize("page", list(PAGES))
def test_other_organisations_caseworker_sees_nothing_of_the_household_on_any_admin_page(client, scene, page):
    url, _reference, status = PAGES[page](scene)
    client.force_login(scene.caseworker_b)
    before = _db_state()

    response = client.get(url)

    assert response.status_code == status
    _assert_shows_nothing_of(response, scene.secrets_of_a, typed=url)
    if response.context and "cl" in response.context:
        for obj in response.context["cl"].result_list:
            assert scene.org_b.pk in _organisations_of(obj)
    if status == HTTPStatus.FOUND:
        # The "does not exist" landing page names no household either.
        landing = client.get(response["Location"])
        assert landing.status_code == HTTPStatus.OK
        _assert_shows_nothing_of(landing, scene.secrets_of_a)
    assert _db_state() == before


@pytest.mark.parametrize("page", list(PAGES))
def test_own_organisations_caseworker_works_on_every_admin_page(client, scene, page):
    url, reference, _status = PAGES[page](scene)
    client.force_login(scene.caseworker_a)

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert reference in response.content.decode()


def test_household_autocomplete_answers_only_with_the_own_organisations_households(client, scene):
    url = (
        reverse("admin:autocomplete")
        + "?"
        + urlencode({"app_label": "matching", "model_name": "matchproposal", "field_name": "household", "term": ""})
    )
    client.force_login(scene.caseworker_b)

    results = json.loads(client.get(url).content)["results"]

    assert [result["text"] for result in results] == [scene.household_b.reference]


def test_search_by_document_number_finds_nothing_of_another_organisation(client, scene):
    client.force_login(scene.caseworker_b)

    response = client.get(_changelist(q="FP1234567"))

    assert response.status_code == HTTPStatus.OK
    _assert_shows_nothing_of(response, scene.secrets_of_a)


def test_export_of_another_organisations_household_is_empty(client, scene):
    client.force_login(scene.caseworker_b)
    before = _db_state()

    response = client.post(_changelist(), _action("export_selected", scene.household))

    assert response.status_code == HTTPStatus.OK
    rows = _csv_rows(response)
    assert len(rows) == 1  # the header only
    _assert_shows_nothing_of(response, scene.secrets_of_a)
    assert _db_state() == before


def test_export_of_own_households_contains_their_reference(client, scene):
    client.force_login(scene.caseworker_a)

    response = client.post(_changelist(), _action("export_selected", scene.household))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert [row[0] for row in rows[1:]] == [scene.household.reference]
    assert HEAD_A not in response.content.decode()  # the export is pseudonymous


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
        _changelist(),
        _action("merge_selected", s.household, s.proposal.household),
        HTTPStatus.FORBIDDEN,
    ),
}


@pytest.mark.parametrize("change", list(POSTS))
def test_other_organisations_caseworker_changes_nothing_of_the_household(client, scene, change):
    url, data, status = POSTS[change](scene)
    client.force_login(scene.caseworker_b)
    before = _db_state()

    response = client.post(url, data)

    assert response.status_code == status
    if response.status_code == HTTPStatus.FOUND:
        response = client.get(response["Location"])
    _assert_shows_nothing_of(response, scene.secrets_of_a)
    assert _db_state() == before


def test_other_organisations_caseworker_does_not_read_the_household_on_the_reserved_offer(client, scene):
    client.force_login(scene.caseworker_b)

    response = client.get(reverse("admin:housing_housingoffer_change", args=[scene.proposal.offer.pk]))

    assert response.status_code == HTTPStatus.OK
    _assert_shows_nothing_of(response, scene.secrets_of_a)


def test_duplicate_warning_names_no_household_of_another_organisation(client, scene, household_factory):
    birth = datetime.date(1985, 3, 1)
    Household.objects.filter(pk=scene.household.pk).update(head_birth_date=birth)
    own = household_factory(caseworker=scene.caseworker_b, head_name=HEAD_A, head_birth_date=birth)
    client.force_login(scene.caseworker_b)

    response = client.get(reverse("admin:sponsorship_household_change", args=[own.pk]))

    assert response.status_code == HTTPStatus.OK
    assert scene.household.reference not in response.content.decode()


def test_any_caseworker_can_raise_a_concern_on_another_organisations_sponsor(client, scene):
    sponsor = scene.proposal.offer.sponsor
    client.force_login(scene.caseworker_b)

    response = client.post(
        reverse("admin:matching_safeguardingconcern_add"),
        {"sponsor": sponsor.pk, "severity": "medium", "note": "Reported by a neighbour.", "_save": "Save"},
    )

    assert response.status_code == HTTPStatus.FOUND
    concern = SafeguardingConcern.objects.get(sponsor=sponsor)
    assert concern.raised_by == scene.caseworker_b
    assert concern.placement is None


def test_a_concern_on_a_placement_shows_other_organisations_caseworkers_nothing_of_the_household(
    client, scene, organisation_caseworker
):
    from matching.services.safeguarding import concern_raise

    concern = concern_raise(
        sponsor=scene.placement.offer.sponsor,
        placement=scene.placement,
        severity="low",
        note="Noise at night.",
        by=organisation_caseworker,
    )
    client.force_login(scene.caseworker_b)

    changelist = client.get(reverse("admin:matching_safeguardingconcern_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    _assert_shows_nothing_of(changelist, scene.secrets_of_a)
    assert f"/{concern.pk}/change/" not in changelist.content.decode()
    # The concern belongs to the household's organisation: the other one is sent away.
    change = client.get(reverse("admin:matching_safeguardingconcern_change", args=[concern.pk]), follow=True)
    _assert_shows_nothing_of(change, scene.secrets_of_a)
    assert "Noise at night." not in change.content.decode()


def test_superuser_sees_households_of_every_organisation(client, scene, user_factory):
    client.force_login(user_factory(email="admin@example.org", is_staff=True, is_superuser=True))

    changelist = client.get(_changelist()).content.decode()
    change = client.get(reverse("admin:sponsorship_household_change", args=[scene.household.pk]))

    assert scene.household.reference in changelist
    assert scene.household_b.reference in changelist
    assert change.status_code == HTTPStatus.OK
    assert HEAD_A in change.content.decode()


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


# --- Second factor -----------------------------------------------------------------------------------


@pytest.fixture
def caseworker_without_mfa(user_factory, organisation):
    roles_ensure()
    user = user_factory(email="new.caseworker@example.org", is_staff=True, mfa=False, organisation=organisation)
    user.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/en/admin/",
        "/en/caseworker/",
        "/en/admin/sponsorship/household/",
        "/en/admin/matching/matchproposal/",
    ],
)
def test_caseworker_without_authenticator_is_sent_to_set_one_up(client, caseworker_without_mfa, url):
    client.force_login(caseworker_without_mfa)

    response = client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_caseworker_without_authenticator_who_signs_in_reaches_the_set_up(client, caseworker_without_mfa):
    signed_in = client.post(
        reverse("account_login"), {"login": caseworker_without_mfa.email, "password": "correct-horse-battery"}
    )
    assert signed_in.status_code == HTTPStatus.FOUND

    response = client.get("/en/accounts/2fa/totp/activate/", follow=True)

    # allauth asks for the password once more before showing the set-up; the portal does not loop back.
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_sponsor_is_not_asked_for_a_second_factor(client, proposal_at):
    proposal = proposal_at("sent")
    client.force_login(proposal.offer.sponsor.user)

    assert client.get("/en/sponsor/").status_code == HTTPStatus.OK
    assert client.get(f"/en/sponsor/proposals/{proposal.pk}/").status_code == HTTPStatus.OK


def test_admin_login_form_is_replaced_by_the_portals_sign_in(client, caseworker_without_mfa):
    response = client.get("/en/admin/login/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login") + "?next=")

    posted = client.post(
        "/en/admin/login/", {"username": caseworker_without_mfa.email, "password": "correct-horse-battery"}
    )
    assert posted.status_code == HTTPStatus.FOUND
    assert posted["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


# --- Audit log -----------------------------------------------------------------------------------------


@pytest.fixture
def superuser(user_factory):
    return user_factory(email="admin@example.org", is_staff=True, is_superuser=True)


def test_opening_a_household_logs_the_caseworkers_access(client, organisation_caseworker, household_factory):
    household = household_factory()
    client.force_login(organisation_caseworker)

    response = client.get(reverse("admin:sponsorship_household_change", args=[household.pk]))

    assert response.status_code == HTTPStatus.OK
    entries = list(_household_log(household, LogEntry.Action.ACCESS))
    assert len(entries) == 1
    assert entries[0].actor == organisation_caseworker
    assert HEAD_A not in entries[0].object_repr


def test_changing_a_household_in_the_admin_logs_the_changed_field(client, organisation_caseworker, household_factory):
    household = household_factory()
    url = reverse("admin:sponsorship_household_change", args=[household.pk])
    client.force_login(organisation_caseworker)
    data = _change_form_data(client.get(url))
    data["current_accommodation"] = "Reception centre in Pabrade"

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    assert household.current_accommodation == "Reception centre in Pabrade"
    entry = _household_log(household, LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == organisation_caseworker
    assert "current_accommodation" in entry.changes_dict
    assert entry.changes_dict["current_accommodation"][1] == "Reception centre in Pabrade"


def test_caseworkers_cannot_open_the_audit_log(client, organisation_caseworker):
    client.force_login(organisation_caseworker)

    response = client.get(reverse("admin:auditlog_logentry_changelist"))

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)


def test_superuser_reads_the_audit_log_but_cannot_change_or_delete_entries(
    client, superuser, organisation_caseworker, household_factory
):
    household = household_factory()
    entry = _household_log(household, LogEntry.Action.CREATE).get()
    client.force_login(superuser)

    changelist = client.get(reverse("admin:auditlog_logentry_changelist"))
    change = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    delete_page = client.get(reverse("admin:auditlog_logentry_delete", args=[entry.pk]))
    delete = client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"})
    edit = client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"action": "2", "_save": "Save"})

    assert changelist.status_code == HTTPStatus.OK
    assert household.reference in changelist.content.decode()
    assert change.status_code == HTTPStatus.OK
    assert 'name="_save"' not in change.content.decode()
    assert delete_page.status_code == HTTPStatus.FORBIDDEN
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert edit.status_code == HTTPStatus.FORBIDDEN
    entry_after = LogEntry.objects.get(pk=entry.pk)
    assert entry_after.action == LogEntry.Action.CREATE
    assert entry_after.changes == entry.changes


@pytest.fixture
def duplicates(household_factory):
    """Two households of the same head (same name and date of birth), both recorded by caseworkers."""
    birth = datetime.date(1985, 3, 1)
    first = household_factory(head_name=HEAD_A, head_birth_date=birth)
    second = household_factory(head_name=HEAD_A.upper(), head_birth_date=birth)
    return first, second


def test_merge_action_is_refused_to_caseworkers(client, organisation_caseworker, duplicates):
    first, second = duplicates
    client.force_login(organisation_caseworker)
    before = _db_state()

    response = client.post(_changelist(), _action("merge_selected", first, second))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _db_state() == before


def test_superuser_merges_flagged_duplicates_and_the_merge_is_in_the_audit_log(client, superuser, duplicates):
    first, second = duplicates
    assert list(second.possible_duplicates.all()) == [first]
    client.force_login(superuser)

    response = client.post(_changelist(), _action("merge_selected", first, second))

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into == first
    assert second.status == Household.Status.CLOSED
    assert not first.possible_duplicates.exists()
    entry = _household_log(first, LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == superuser
    assert "merged" in entry.changes_dict
    assert entry.changes_dict["merged"] == [second.reference, first.reference]


# --- Transfers -----------------------------------------------------------------------------------------


@pytest.fixture
def receiving(organisation_factory, caseworker_of):
    org = organisation_factory(name="Vilnius Welcome Centre")
    return SimpleNamespace(organisation=org, caseworker=caseworker_of(org))


def _client_of(user) -> Client:
    """A browser of its own for each caseworker (messages live in a cookie)."""
    client = Client()
    client.force_login(user)
    return client


def _request_transfer_in_admin(caseworker, household, to_organisation) -> HouseholdTransfer:
    client = _client_of(caseworker)
    response = client.post(
        reverse("admin:sponsorship_householdtransfer_add"),
        {"household": household.pk, "to_organisation": to_organisation.pk, "note": "Moving to Vilnius", "_save": "1"},
    )
    assert response.status_code == HTTPStatus.FOUND
    return HouseholdTransfer.objects.get(household=household)


def test_accepted_transfer_hands_the_household_to_the_receiving_organisation(
    organisation, organisation_caseworker, household_factory, receiving
):
    household = household_factory()
    transfer = _request_transfer_in_admin(organisation_caseworker, household, receiving.organisation)
    assert transfer.from_organisation == organisation
    assert transfer.requested_by == organisation_caseworker
    assert transfer.status == HouseholdTransfer.Status.REQUESTED
    decide = reverse("admin:sponsorship_householdtransfer_decide", args=[transfer.pk])
    change = reverse("admin:sponsorship_household_change", args=[household.pk])
    sender, receiver = _client_of(organisation_caseworker), _client_of(receiving.caseworker)
    assert household.reference not in receiver.get(_changelist()).content.decode()
    assert receiver.get(change).status_code == HTTPStatus.FOUND

    assert receiver.get(decide).status_code == HTTPStatus.OK
    response = receiver.post(decide, {"decision": "accept"})

    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == HouseholdTransfer.Status.ACCEPTED
    assert transfer.decided_by == receiving.caseworker
    assert household.organisation == receiving.organisation
    assert household.reference in receiver.get(_changelist()).content.decode()
    assert receiver.get(change).status_code == HTTPStatus.OK
    assert household.reference not in sender.get(_changelist()).content.decode()
    assert sender.get(change).status_code == HTTPStatus.FOUND


def test_refused_transfer_leaves_the_household_with_its_organisation(
    organisation, organisation_caseworker, household_factory, receiving
):
    household = household_factory()
    transfer = _request_transfer_in_admin(organisation_caseworker, household, receiving.organisation)
    receiver = _client_of(receiving.caseworker)

    response = receiver.post(
        reverse("admin:sponsorship_householdtransfer_decide", args=[transfer.pk]), {"decision": "refuse"}
    )

    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == HouseholdTransfer.Status.REFUSED
    assert household.organisation == organisation
    assert household.reference not in receiver.get(_changelist()).content.decode()
    assert household.reference in _client_of(organisation_caseworker).get(_changelist()).content.decode()


def test_sending_organisation_cannot_decide_its_own_transfer(
    organisation, organisation_caseworker, household_factory, receiving
):
    household = household_factory()
    transfer = _request_transfer_in_admin(organisation_caseworker, household, receiving.organisation)

    response = _client_of(organisation_caseworker).post(
        reverse("admin:sponsorship_householdtransfer_decide", args=[transfer.pk]), {"decision": "accept"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == HouseholdTransfer.Status.REQUESTED
    assert household.organisation == organisation
