"""A household's data protection rights in the admin: export (JSON and a printable page), erasure with
an anonymised remainder, and no trace of the household's personal data left in the database."""

import datetime
import json
import re
from http import HTTPStatus

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from matching.models import FollowUp, MatchProposal, MediationNote, Placement, SafeguardingConcern
from matching.services.placements import follow_up_record, mediation_note_add, placement_end, proposal_confirm
from matching.services.proposals import proposal_transition
from matching.services.safeguarding import concern_raise
from portal.formatting import date_display
from portal.models import Notification
from sponsorship.households.privacy import ErasureReason, household_audit_entries, household_erase, household_export
from sponsorship.households.services import HouseholdError, household_transfer_request
from sponsorship.models import Household, HouseholdMember
from tests.helpers import pg_dump
from tests.i18n import visible_texts

pytestmark = pytest.mark.django_db


# Unique markers of one household: none may survive its erasure anywhere in the database.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MARKERS = {
    "head": "Zoryana Qwertchuk",
    "member": "Bohdanko Qwertchuk",
    "document": "QX7719305",
    "phone": "+370 699 48213",
    "email": "zoryana.qwert@example.net",
    "accommodation": "Rukla centre room 4471",
    "needs": "needs a quiet room for migraine 58213",
    "decline": "declined because of uncle Vasylqwert",
    "withdraw": "withdrawn as Zoryana moved qwx",
    "follow_up": "follow-up: Bohdanko started school qwz",
    "note": "mediation note: Zoryana prefers mornings qwy",
    "meeting": "meeting at Qwertchuk flat 12",
    "concern": "concern: Qwertchuk reported shouting",
    "outcome": "moved to Zoryana's cousin qwo",
    "transfer": "transfer note for Qwertchuk family",
    "birth": "1983-07-19",
}


def _url(name: str, *args, lang: str = "en") -> str:
    return f"/{lang}" + reverse(f"admin:sponsorship_household_{name}", args=args)[3:]


def _add_household_through_admin(client, *, status="seeking") -> Household:
    """Record a household through the real admin add form (the audit log records it)."""
    data = {
        "head_name": MARKERS["head"],
        "head_birth_date": MARKERS["birth"],
        "document_number": MARKERS["document"],
        "phone": MARKERS["phone"],
        "email": MARKERS["email"],
        "nationalities": ["UA"],
        "protection_status": "temporary",
        "status": status,
        "arrival_date": "2026-03-17",
        "current_accommodation": MARKERS["accommodation"],
        "move_in_from": "",
        "stay_months": "12",
        "max_monthly_rent": "400",
        "other_needs": MARKERS["needs"],
        "consent_version": "2026-11",
        "consent_given_on": timezone.localdate().isoformat(),
        "caseworker": "",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-kind": "adult",
        "members-0-age": "42",
        "members-0-name": MARKERS["head"],
        "members-1-kind": "child",
        "members-1-age": "8",
        "members-1-name": MARKERS["member"],
        "preferences-TOTAL_FORMS": "0",
        "preferences-INITIAL_FORMS": "0",
        "preferences-MIN_NUM_FORMS": "0",
        "preferences-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    response = client.post("/en/admin/sponsorship/household/add/", data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    return Household.objects.get(document_number=MARKERS["document"])


def _change_through_admin(client, household: Household, **changes) -> None:
    """Change the household through the real admin change form (view and change are audit-logged)."""
    assert client.get(f"/en/admin/sponsorship/household/{household.pk}/change/").status_code == HTTPStatus.OK
    household.refresh_from_db()
    members = list(household.members.order_by("pk"))
    data = {
        "head_name": household.head_name,
        "head_birth_date": household.head_birth_date.isoformat() if household.head_birth_date else "",
        "document_number": household.document_number,
        "phone": household.phone,
        "email": household.email,
        "nationalities": [c.code for c in household.nationalities],
        "protection_status": household.protection_status,
        "status": household.status,
        "arrival_date": household.arrival_date.isoformat() if household.arrival_date else "",
        "current_accommodation": household.current_accommodation,
        "stay_months": household.stay_months or "",
        "max_monthly_rent": household.max_monthly_rent or "",
        "other_needs": household.other_needs,
        "consent_version": household.consent_version,
        "consent_given_on": household.consent_given_on.isoformat() if household.consent_given_on else "",
        "caseworker": household.caseworker_id or "",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "preferences-TOTAL_FORMS": "0",
        "preferences-INITIAL_FORMS": "0",
        "preferences-MIN_NUM_FORMS": "0",
        "preferences-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, member in enumerate(members):
        data.update(
            {
                f"members-{index}-id": member.pk,
                f"members-{index}-household": household.pk,
                f"members-{index}-kind": member.kind,
                f"members-{index}-age": member.age,
                f"members-{index}-name": member.name,
            }
        )
    data.update(changes)
    response = client.post(f"/en/admin/sponsorship/household/{household.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]


@pytest.fixture
def full_case(client, organisation_caseworker, available_offer, other_caseworker, django_capture_on_commit_callbacks):
    """A household recorded and changed in the admin, with every kind of record about it: a proposal
    declined by the sponsor, a placement with follow-up, notes, a meeting, a safeguarding concern and its
    end, a transfer request, and an open proposal."""
    caseworker = organisation_caseworker
    client.force_login(caseworker)
    household = _add_household_through_admin(client)
    _change_through_admin(client, household, other_needs=MARKERS["needs"] + " and a lift")
    household.refresh_from_db()

    from matching.services.proposals import proposal_create

    with django_capture_on_commit_callbacks(execute=True):
        declined_offer = available_offer()
        declined = proposal_create(household=household, offer=declined_offer, by=caseworker)
        for to in ("approved", "sent"):
            declined = proposal_transition(proposal=declined, to=to, by=caseworker)
        proposal_transition(
            proposal=declined,
            to="sponsor_declined",
            by=declined_offer.sponsor.user,
            decline_reason="other",
            note=MARKERS["decline"],
        )
        offer = available_offer()
        placed = proposal_create(household=household, offer=offer, by=caseworker)
        for to, by in [
            ("approved", caseworker),
            ("sent", caseworker),
            ("sponsor_accepted", offer.sponsor.user),
            ("beneficiary_accepted", caseworker),
        ]:
            placed = proposal_transition(proposal=placed, to=to, by=by)
        mediation_note_add(by=caseworker, proposal=placed, text=MARKERS["note"])
        mediation_note_add(
            by=caseworker, proposal=placed, kind="meeting", meeting_at=timezone.now(), text=MARKERS["meeting"]
        )
        placed = proposal_transition(proposal=placed, to="meeting", by=caseworker)
        placement = proposal_confirm(
            proposal=placed,
            by=caseworker,
            move_in_date=timezone.localdate() - datetime.timedelta(days=40),
            agreed_months=6,
        )
        follow_up = placement.follow_ups.order_by("due_on").first()
        follow_up_record(follow_up=follow_up, by=caseworker, note=MARKERS["follow_up"], rating=4)
        concern_raise(
            sponsor=offer.sponsor, by=caseworker, severity="low", note=MARKERS["concern"], placement=placement
        )
        placement_end(
            placement=placement,
            by=caseworker,
            end_date=timezone.localdate() - datetime.timedelta(days=3),
            outcome="other",
            note=MARKERS["outcome"],
        )
        household_transfer_request(
            household=household, to_organisation=other_caseworker.organisation, by=caseworker, note=MARKERS["transfer"]
        )
        withdrawn = proposal_create(household=household, offer=available_offer(), by=caseworker)
        proposal_transition(proposal=withdrawn, to="withdrawn", by=caseworker, note=MARKERS["withdraw"])
        open_offer = available_offer()
        open_proposal = proposal_create(household=household, offer=open_offer, by=caseworker)
        for to in ("approved", "sent"):
            open_proposal = proposal_transition(proposal=open_proposal, to=to, by=caseworker)
    household.refresh_from_db()
    return household, open_proposal


def _markers_in(text: str) -> dict[str, int]:
    lowered = text.lower()
    return {name: lowered.count(value.lower()) for name, value in MARKERS.items() if value.lower() in lowered}


# --- Export -------------------------------------------------------------------------------------------


def test_json_export_holds_everything_about_the_household_and_is_logged(client, full_case, organisation_caseworker):
    household, _open = full_case
    response = client.get(_url("export", household.pk))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="{household.reference}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    # Every marker the household was given is in its export, each in its section.
    assert set(_markers_in(response.content.decode())) == set(MARKERS)
    assert data["household"]["head_of_household"]["document_number"] == MARKERS["document"]
    assert data["household"]["head_of_household"]["date_of_birth"] == MARKERS["birth"]
    assert [m["name"] for m in data["household"]["members"]] == [MARKERS["head"], MARKERS["member"]]
    assert data["household"]["needs"]["other_needs"] == MARKERS["needs"] + " and a lift"
    assert data["household"]["consent"]["version"] == "2026-11"
    assert len(data["proposals"]) == 4
    assert {p["decline_note"] for p in data["proposals"]} >= {MARKERS["decline"]}
    assert all(p["steps"] for p in data["proposals"])
    [placement] = data["placements"]
    assert placement["follow_ups"][0]["note"] == MARKERS["follow_up"]
    assert placement["outcome_note"] == MARKERS["outcome"]
    assert {n["text"] for p in data["proposals"] for n in p["notes_and_meetings"]} == {
        MARKERS["note"],
        MARKERS["meeting"],
    }
    assert [c["note"] for c in data["safeguarding_concerns"]] == [MARKERS["concern"]]
    assert [t["note"] for t in data["transfers"]] == [MARKERS["transfer"]]
    records = {entry["record"] for entry in data["audit_trail"]}
    assert {"household", "household member", "match proposal", "placement", "follow-up"} <= records
    # Nothing about other people: no sponsor's name or email, no staff email.
    assert "sponsor1@example.org" not in response.content.decode()
    assert organisation_caseworker.email not in response.content.decode()
    export_log = LogEntry.objects.filter(object_pk=str(household.pk), changes__export__1="json")
    assert export_log.get().actor == organisation_caseworker


def test_caseworker_of_another_organisation_gets_no_export_print_or_erasure(client, full_case, other_caseworker):
    household, _open = full_case
    client.force_login(other_caseworker)
    logs_before = LogEntry.objects.count()

    for name in ("export", "print", "erase"):
        response = client.get(_url(name, household.pk))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert MARKERS["head"] not in response.content.decode()
    response = client.post(_url("erase", household.pk), {"reason": "request", "confirm": "on"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(PermissionDenied):
        household_export(household=household, by=other_caseworker)
    with pytest.raises(PermissionDenied):
        household_erase(household=household, by=other_caseworker, reason=ErasureReason.REQUEST)

    assert LogEntry.objects.count() == logs_before
    household.refresh_from_db()
    assert household.head_name == MARKERS["head"]


def test_sponsor_and_anonymous_visitor_cannot_export(client, full_case):
    household, open_proposal = full_case
    client.logout()
    assert client.get(_url("export", household.pk)).status_code == HTTPStatus.FOUND  # to the login page
    client.force_login(open_proposal.offer.sponsor.user)
    response = client.get(_url("export", household.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert MARKERS["head"] not in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Audit trail"), ("lt", "Audito įrašai"), ("bg", "Одитна следа")],
)
def test_print_page_renders_translated_for_print(client, full_case, lang, heading):
    household, _open = full_case
    response = client.get(_url("print", household.pk, lang=lang))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert heading in html
    assert MARKERS["head"] in html and MARKERS["follow_up"] in html
    assert "household_print.css" in html
    assert "<script" not in html
    assert "no-store" in response["Cache-Control"]
    if lang != "en":
        for english in ("Back to the household", "Use your browser", ">Household<", ">Audit trail<", ">Fields<"):
            assert english not in html
        assert ">viewed<" not in html and ">changed<" not in html  # the audit log's actions are translated too
    assert LogEntry.objects.filter(object_pk=str(household.pk), changes__export__1="print").exists()
    # Dates and times as the language writes them, never ISO in what a person reads.
    assert [text for text in visible_texts(html) if ISO_DATE.search(text)] == []
    with translation.override(lang):
        assert date_display(household.consent_given_on) in html


def test_change_page_links_to_export_print_and_erasure(client, full_case):
    household, _open = full_case
    html = client.get(f"/en/admin/sponsorship/household/{household.pk}/change/").content.decode()
    for name in ("export", "print", "erase"):
        assert _url(name, household.pk) in html


# --- Erasure ------------------------------------------------------------------------------------------


def test_erase_page_states_what_happens_and_needs_confirmation(client, full_case):
    household, _open = full_case
    page = client.get(_url("erase", household.pk))
    assert page.status_code == HTTPStatus.OK
    assert "Open proposals are withdrawn first" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = client.post(_url("erase", household.pk), {"reason": "request"})  # not confirmed
    assert response.status_code == HTTPStatus.OK
    household.refresh_from_db()
    assert household.anonymised_at is None and household.head_name == MARKERS["head"]


def test_erasure_withdraws_open_proposals_first_and_keeps_an_anonymised_record(
    client, full_case, organisation_caseworker, django_capture_on_commit_callbacks
):
    household, open_proposal = full_case
    sponsor_user = open_proposal.offer.sponsor.user
    told_before = Notification.objects.filter(user=sponsor_user).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("erase", household.pk), {"reason": "request", "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND

    open_proposal.refresh_from_db()
    assert open_proposal.status == MatchProposal.Status.WITHDRAWN
    # The sponsor is told (in their language) that the proposal was withdrawn.
    assert Notification.objects.filter(user=sponsor_user).count() == told_before + 1
    open_proposal.offer.refresh_from_db()
    assert open_proposal.offer.status == "available"

    household.refresh_from_db()
    assert household.anonymised_at is not None
    assert (household.adults_count, household.children_count) == (1, 1)
    assert household.status == Household.Status.CLOSED
    assert household.head_name == household.document_number == household.phone == household.email == ""
    assert household.head_birth_date is None and household.other_needs == ""
    assert household.arrival_date == datetime.date(2026, 3, 1)  # truncated to the month
    assert not HouseholdMember.objects.filter(household=household).exists()
    placement = Placement.objects.get(household=household)
    assert placement.outcome == "other" and placement.outcome_note == "" and placement.move_in_date.day == 1
    assert list(FollowUp.objects.filter(placement=placement, rating__isnull=False).values_list("rating", "note")) == [
        (4, "")
    ]
    assert set(MediationNote.objects.filter(proposal__household=household).values_list("text", flat=True)) == {""}
    assert SafeguardingConcern.objects.get(placement=placement).note == ""
    assert MatchProposal.objects.filter(household=household).count() == 4
    assert list(household.transfers.values_list("status", "note")) == [("refused", "")]

    erasure = LogEntry.objects.filter(object_pk=str(household.pk), changes__erased__1="request").get()
    assert erasure.actor == organisation_caseworker
    assert erasure.object_repr == household.reference
    # The audit trail stays, without personal values.
    entries = household_audit_entries(household=household)
    assert entries.count() > 10
    assert not _markers_in(json.dumps([[e.object_repr, e.changes, e.changes_text] for e in entries]))

    # The list shows the reference, the anonymised record opens read-only, and cannot be erased twice.
    listing = client.get("/en/admin/sponsorship/household/").content.decode()
    assert household.reference in listing and MARKERS["head"] not in listing
    detail = client.get(f"/en/admin/sponsorship/household/{household.pk}/change/")
    assert detail.status_code == HTTPStatus.OK
    assert _url("erase", household.pk) not in detail.content.decode()
    assert client.get(_url("erase", household.pk)).status_code == HTTPStatus.FORBIDDEN
    with pytest.raises(HouseholdError):
        household_erase(household=household, by=organisation_caseworker, reason=ErasureReason.REQUEST)


def test_erasure_is_refused_while_the_household_is_housed(client, proposal_at, organisation_caseworker):
    proposal = proposal_at("meeting")
    proposal_confirm(proposal=proposal, by=organisation_caseworker, move_in_date=timezone.localdate(), agreed_months=3)
    client.force_login(organisation_caseworker)

    response = client.post(_url("erase", proposal.household_id), {"reason": "request", "confirm": "on"})

    assert response.status_code == HTTPStatus.OK
    assert "end its placement" in response.content.decode()
    household = Household.objects.get(pk=proposal.household_id)
    assert household.anonymised_at is None and household.head_name


def test_admin_can_erase_any_organisations_household(client, household_factory, superuser):
    household = household_factory()
    client.force_login(superuser)
    response = client.post(_url("erase", household.pk), {"reason": "consent_withdrawn", "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    assert household.anonymised_at and household.head_name == ""
    assert LogEntry.objects.filter(object_pk=str(household.pk), changes__erased__1="consent_withdrawn").exists()


def test_erasure_refuses_an_unknown_reason(household_factory, organisation_caseworker):
    household = household_factory()
    with pytest.raises(HouseholdError):
        household_erase(household=household, by=organisation_caseworker, reason="because")


@pytest.mark.reliability
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_no_marker_of_an_erased_household_is_left_in_a_database_dump(
    client, full_case, figure, django_capture_on_commit_callbacks
):
    household, _open = full_case
    # Everything is about the household: the export and a print too (both logged).
    assert client.get(_url("export", household.pk)).status_code == HTTPStatus.OK
    assert client.get(_url("print", household.pk)).status_code == HTTPStatus.OK
    before = _markers_in(pg_dump())
    assert set(before) == set(MARKERS)  # the dump does see the household's data

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("erase", household.pk), {"reason": "request", "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND

    after = _markers_in(pg_dump())
    markers = sum(after.values())
    figure("Erasure (household): markers in the database dump", markers)
    assert markers == 0, after
