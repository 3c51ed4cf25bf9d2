"""The households' admin: search and export stay within the caseworker's organisation, views and changes
are in the audit log, the one recording the consent is its recorder, admins merge duplicates, and households
move between organisations only through an accepted transfer.

Which admin page of a household, proposal, placement or transfer another organisation's caseworker may open
is in tests/matching/test_admin.py (the same `admin_scene`)."""

import datetime
from http import HTTPStatus

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from sponsorship.models import Household, HouseholdTransfer
from tests.admin_pages import (
    HEAD_A,
    action,
    assert_shows_nothing_of,
    csv_rows,
    db_state,
    household_changelist,
    household_log,
)
from tests.helpers import client_of

pytestmark = pytest.mark.django_db


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


# --- Search and export stay within the organisation ------------------------------------------------


def test_search_by_document_number_finds_nothing_of_another_organisation(client, admin_scene):
    client.force_login(admin_scene.caseworker_b)

    response = client.get(household_changelist(q="FP1234567"))

    assert response.status_code == HTTPStatus.OK
    assert_shows_nothing_of(response, admin_scene.secrets_of_a)


def test_export_of_another_organisations_household_is_empty(client, admin_scene):
    client.force_login(admin_scene.caseworker_b)
    before = db_state()

    response = client.post(household_changelist(), action("export_selected", admin_scene.household))

    assert response.status_code == HTTPStatus.OK
    rows = csv_rows(response)
    assert len(rows) == 1  # the header only
    assert_shows_nothing_of(response, admin_scene.secrets_of_a)
    assert db_state() == before


def test_export_of_own_households_contains_their_reference(client, admin_scene):
    client.force_login(admin_scene.caseworker_a)

    response = client.post(household_changelist(), action("export_selected", admin_scene.household))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert [row[0] for row in rows[1:]] == [admin_scene.household.reference]
    assert HEAD_A not in response.content.decode()  # the export is pseudonymous


def test_duplicate_warning_names_no_household_of_another_organisation(client, admin_scene, household_factory):
    birth = datetime.date(1985, 3, 1)
    Household.objects.filter(pk=admin_scene.household.pk).update(head_birth_date=birth)
    own = household_factory(caseworker=admin_scene.caseworker_b, head_name=HEAD_A, head_birth_date=birth)
    client.force_login(admin_scene.caseworker_b)

    response = client.get(reverse("admin:sponsorship_household_change", args=[own.pk]))

    assert response.status_code == HTTPStatus.OK
    assert admin_scene.household.reference not in response.content.decode()


def test_superuser_sees_households_of_every_organisation(client, admin_scene, superuser):
    client.force_login(superuser)

    changelist = client.get(household_changelist()).content.decode()
    change = client.get(reverse("admin:sponsorship_household_change", args=[admin_scene.household.pk]))

    assert admin_scene.household.reference in changelist
    assert admin_scene.household_b.reference in changelist
    assert change.status_code == HTTPStatus.OK
    assert HEAD_A in change.content.decode()


# --- Audit log -----------------------------------------------------------------------------------------


def test_opening_a_household_logs_the_caseworkers_access(client, caseworker, household_factory):
    household = household_factory()
    client.force_login(caseworker)

    response = client.get(reverse("admin:sponsorship_household_change", args=[household.pk]))

    assert response.status_code == HTTPStatus.OK
    entries = list(household_log(household, LogEntry.Action.ACCESS))
    assert len(entries) == 1
    assert entries[0].actor == caseworker
    assert HEAD_A not in entries[0].object_repr


def test_changing_a_household_in_the_admin_logs_the_changed_field(client, caseworker, household_factory):
    household = household_factory()
    url = reverse("admin:sponsorship_household_change", args=[household.pk])
    client.force_login(caseworker)
    data = _change_form_data(client.get(url))
    data["current_accommodation"] = "Reception centre in Pabrade"

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    assert household.current_accommodation == "Reception centre in Pabrade"
    entry = household_log(household, LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == caseworker
    assert "current_accommodation" in entry.changes_dict
    assert entry.changes_dict["current_accommodation"][1] == "Reception centre in Pabrade"


def test_caseworkers_cannot_open_the_audit_log(client, caseworker):
    client.force_login(caseworker)

    response = client.get(reverse("admin:auditlog_logentry_changelist"))

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)


def test_superuser_reads_the_audit_log_but_cannot_change_or_delete_entries(
    client, superuser, caseworker, household_factory
):
    household = household_factory()
    entry = household_log(household, LogEntry.Action.CREATE).get()
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


def test_the_caseworker_changing_the_consent_date_in_the_admin_becomes_its_recorder(
    client, caseworker_of, household_factory
):
    household = household_factory()
    colleague = caseworker_of()
    url = reverse("admin:sponsorship_household_change", args=[household.pk])
    client.force_login(colleague)
    data = _change_form_data(client.get(url))
    data["current_accommodation"] = "Reception centre in Pabrade"

    assert client.post(url, data).status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    assert household.consent_recorded_by == household.caseworker  # the consent did not change

    data["consent_given_on"] = (household.consent_given_on - datetime.timedelta(days=2)).isoformat()
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    assert household.consent_recorded_by == colleague


# --- Merging duplicates ---------------------------------------------------------------------------------


def test_merge_action_is_refused_to_caseworkers(client, caseworker, duplicates):
    first, second = duplicates
    client.force_login(caseworker)
    before = db_state()

    response = client.post(household_changelist(), action("merge_selected", first, second))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert db_state() == before


def test_superuser_merges_flagged_duplicates_and_the_merge_is_in_the_audit_log(client, superuser, duplicates):
    first, second = duplicates
    assert list(second.possible_duplicates.all()) == [first]
    client.force_login(superuser)

    response = client.post(household_changelist(), action("merge_selected", first, second))

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into == first
    assert second.status == Household.Status.CLOSED
    assert not first.possible_duplicates.exists()
    entry = household_log(first, LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == superuser
    assert "merged" in entry.changes_dict
    assert entry.changes_dict["merged"] == [second.reference, first.reference]


# --- Transfers -----------------------------------------------------------------------------------------


def _request_transfer_in_admin(caseworker, household, to_organisation) -> HouseholdTransfer:
    client = client_of(caseworker)
    response = client.post(
        reverse("admin:sponsorship_householdtransfer_add"),
        {"household": household.pk, "to_organisation": to_organisation.pk, "note": "Moving to Vilnius", "_save": "1"},
    )
    assert response.status_code == HTTPStatus.FOUND
    return HouseholdTransfer.objects.get(household=household)


def test_accepted_transfer_hands_the_household_to_the_receiving_organisation(
    organisation, caseworker, household_factory, other_organisation, other_caseworker
):
    household = household_factory()
    transfer = _request_transfer_in_admin(caseworker, household, other_organisation)
    assert transfer.from_organisation == organisation
    assert transfer.requested_by == caseworker
    assert transfer.status == HouseholdTransfer.Status.REQUESTED
    decide = reverse("admin:sponsorship_householdtransfer_decide", args=[transfer.pk])
    change = reverse("admin:sponsorship_household_change", args=[household.pk])
    sender, receiver = client_of(caseworker), client_of(other_caseworker)
    assert household.reference not in receiver.get(household_changelist()).content.decode()
    assert receiver.get(change).status_code == HTTPStatus.FOUND

    assert receiver.get(decide).status_code == HTTPStatus.OK
    response = receiver.post(decide, {"decision": "accept"})

    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == HouseholdTransfer.Status.ACCEPTED
    assert transfer.decided_by == other_caseworker
    assert household.organisation == other_organisation
    assert household.reference in receiver.get(household_changelist()).content.decode()
    assert receiver.get(change).status_code == HTTPStatus.OK
    assert household.reference not in sender.get(household_changelist()).content.decode()
    assert sender.get(change).status_code == HTTPStatus.FOUND


def test_refused_transfer_leaves_the_household_with_its_organisation(
    organisation, caseworker, household_factory, other_organisation, other_caseworker
):
    household = household_factory()
    transfer = _request_transfer_in_admin(caseworker, household, other_organisation)
    receiver = client_of(other_caseworker)

    response = receiver.post(
        reverse("admin:sponsorship_householdtransfer_decide", args=[transfer.pk]), {"decision": "refuse"}
    )

    assert response.status_code == HTTPStatus.FOUND
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == HouseholdTransfer.Status.REFUSED
    assert household.organisation == organisation
    assert household.reference not in receiver.get(household_changelist()).content.decode()
    assert household.reference in client_of(caseworker).get(household_changelist()).content.decode()


def test_sending_organisation_cannot_decide_its_own_transfer(
    organisation, caseworker, household_factory, other_organisation, other_caseworker
):
    household = household_factory()
    transfer = _request_transfer_in_admin(caseworker, household, other_organisation)

    response = client_of(caseworker).post(
        reverse("admin:sponsorship_householdtransfer_decide", args=[transfer.pk]), {"decision": "accept"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    household.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == HouseholdTransfer.Status.REQUESTED
    assert household.organisation == organisation
