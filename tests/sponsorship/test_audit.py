"""One audit story: steps in the transition tables, field history and access in django-auditlog. The
sponsor's data download reads the audit log only (never the admin's own log), and a sponsor's records
are logged with their personal values masked."""

import ast
import json
from http import HTTPStatus
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminEntry
from django.urls import reverse

from housing.models import HousingOffer
from portal.privacy import AUDIT_MASKED
from sponsorship.models import SponsorCheck, SponsorPerson, SponsorProfile
from sponsorship.services import sponsor_export

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "projects", "sponsorship", "training", "housing", "matching"]
ADMIN_LOG = "django.contrib.admin.models"
STAFF_NOTE = "Seen the passport of Quorvinth"
PHONE = "+370 699 12345"


def _entries(instance) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(instance).order_by("pk"))


def _text(entries) -> str:
    return json.dumps([[entry.object_repr, entry.changes] for entry in entries], ensure_ascii=False)


@pytest.fixture
def sponsor(sponsor_factory):
    return sponsor_factory(email="audited@example.org", phone=PHONE, motivation="We have a spare room Motivqx.")


@pytest.fixture
def staff_check(client, caseworker, sponsor):
    """A caseworker records a check of the sponsor in the admin, with a note of their own."""
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:sponsorship_sponsorcheck_add"),
        {
            "person": sponsor.persons.get().pk,
            "kind": "identity",
            "result": "passed",
            "checked_on": "2026-01-05",
            "notes": STAFF_NOTE,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    return SponsorCheck.objects.get(person__sponsor=sponsor)


@pytest.mark.django_db
def test_a_sponsors_records_are_logged_with_their_personal_values_masked(sponsor, staff_check, offer_factory):
    offer = offer_factory(sponsor, street_address="Slaptoji g. 7", description="Quiet room Descqx.")
    person = sponsor.persons.get()

    profile_entries = _entries(SponsorProfile.objects.get(pk=sponsor.pk))
    assert profile_entries and profile_entries[0].changes["phone"][1] == AUDIT_MASKED
    assert _entries(staff_check)[0].changes["notes"][1] == AUDIT_MASKED
    assert _entries(staff_check)[0].actor == staff_check.checked_by
    assert _entries(person)[0].changes["full_name"][1] == AUDIT_MASKED
    assert "invitation_token" not in _entries(person)[0].changes
    assert _entries(HousingOffer.objects.get(pk=offer.pk))[0].changes["street_address"][1] == AUDIT_MASKED
    text = _text([*profile_entries, *_entries(staff_check), *_entries(person), *_entries(offer)])
    for value in (PHONE, "Motivqx", STAFF_NOTE, "Slaptoji", "Descqx", "audited@example.org"):
        assert value not in text, value


@pytest.mark.django_db
def test_account_changes_are_logged_without_passwords_or_sign_in_times(sponsor):
    user = sponsor.user
    user.set_password("another-secret-9")
    user.save()
    user.is_active = False
    user.save()

    changes = [entry.changes for entry in _entries(user)]
    assert {"is_active": ["True", "False"]} in changes
    assert not any("password" in change or "last_login" in change for change in changes)


@pytest.mark.django_db
def test_the_data_download_takes_staff_changes_from_the_audit_log_not_the_admins_log(
    client, sponsor, staff_check, caseworker
):
    AdminEntry.objects.all().delete()  # nothing may depend on the admin's own log
    client.force_login(sponsor.user)

    data = json.loads(client.get(reverse("sponsorship:export")).content)

    [entry] = [item for item in data["audit_trail"] if item["record"] == "sponsorship.sponsorcheck"]
    assert entry["by"] == {"role": "staff", "organisation": caseworker.organisation.name}
    assert entry["action"] == "create"
    assert {"kind", "notes", "result"} <= set(entry["fields"])
    assert STAFF_NOTE not in json.dumps(data, ensure_ascii=False)  # staff notes are not the sponsor's
    assert caseworker.email not in json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_the_data_download_names_other_group_members_by_role_only(sponsor_factory, user_factory):
    from sponsorship.services import group_member_invite

    group = sponsor_factory(email="group@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    group_member_invite(
        sponsor=group,
        by=group.user,
        full_name="Vaidaqx Member",
        email="member@example.org",
        role=SponsorPerson.Role.MENTORING,
    )
    member = SponsorPerson.objects.get(email="member@example.org")
    member.full_name = "Vaidaqx Renamed"
    member.save()

    text = json.dumps(sponsor_export(user=group.user)["audit_trail"], ensure_ascii=False)

    assert "Vaidaqx" not in text and "member@example.org" not in text
    assert "sponsorship.sponsorperson" in text


def _admin_log_users() -> set[str]:
    """App modules that import the admin's LogEntry (function-local imports included)."""
    found = set()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.ImportFrom):
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                if ADMIN_LOG in modules:
                    found.add(str(path.relative_to(ROOT)))
    return found


def test_no_app_code_reads_the_admins_log_except_to_erase_from_it():
    """The audit trail is django-auditlog's. The admin's own LogEntry is written by Django for its pages;
    the only code that touches it is the erasure, which pseudonymises it."""
    assert _admin_log_users() == {"portal/privacy.py"}
