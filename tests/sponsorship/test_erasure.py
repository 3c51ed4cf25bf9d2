"""A sponsor's erasure (GDPR Art. 17) and data download (Arts. 15, 20), against a full database dump.

The sponsor gets unique markers (email, names, phone, street address, motivation, decline note, event
registration, certificate, a safeguarding concern about them, audit entries made through the admin and
the sponsor's own pages); the account is deleted through its real page; then `pg_dump` of the whole
test database must not hold one of the markers.
"""

import datetime
import json
import re
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry as AuditEntry
from django.contrib.admin.models import LogEntry as AdminEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing.models import Inspection
from housing.photos import offer_photo_add
from housing.services import offer_inspect, offer_save, offer_submit
from matching.models import MatchProposal, MediationNote, ProposalTransition, SafeguardingConcern
from matching.services.placements import mediation_note_add
from matching.services.proposals import proposal_create, proposal_transition
from portal.models import Notification, User
from portal.privacy import audit_pseudonymise, personal_values, pseudonymise_data, pseudonymise_text
from portal.roles import CASEWORKERS_GROUP, roles_ensure
from projects.models import Language, Organisation
from sponsorship.households.services import household_meeting_save, household_note_add, household_save
from sponsorship.models import Household, HouseholdMeeting, HouseholdMember, SponsorProfile
from sponsorship.services import sponsor_export, sponsor_profile_save, sponsor_verify
from tests.helpers import database_text, jpeg_upload, pg_dump
from training.models import Certificate, Enrolment, EventRegistration, Module, Programme, RecruitmentEvent, Session
from training.services import attendance_record, event_register

PASSWORD = "correct-horse-battery"
TODAY = timezone.localdate

# Unique markers of the sponsor to be erased: none may survive anywhere in the database.
MARKERS = {
    "email": "zorvexa.quillbrand@example.org",
    "second email": "zq.events@example.net",
    "first name": "Zorvexa",
    "last name": "Quillbrand",
    "phone": "+370 655 48213",
    "street address": "Vyšnių skg. 77-13",
    "motivation": "Mūsų šeima turi laisvą kambarį ir daug kantrybės Motivxq",
    "offer description": "Šviesus kambarys su vaizdu į upę Descrxq",
    "decline note": "Our roof leaks this winter, sorry Declxq",
    "accept note": "We will meet them at the station Accxq",
    "registration name": "Zorvi Regxq",
}
# Someone else's data: it must survive the erasure, and never be in the sponsor's data download.
OTHERS = {
    "household head": "Olena Householdxq",
    "household email": "olena.householdxq@example.org",
    "caseworker email": "casexq@helping.example.org",
    "caseworker name": "Caseyxq",
    "other sponsor email": "other.sponsorxq@example.org",
}


def _household(caseworker, head_name: str, email: str = "") -> Household:
    household = household_save(
        household=Household(
            head_name=head_name,
            email=email,
            protection_status=Household.ProtectionStatus.TEMPORARY,
            consent_version="1",
            consent_given_on=TODAY(),
            consent_recorded_by=caseworker,
            status=Household.Status.SEEKING,
            organisation=caseworker.organisation,
            caseworker=caseworker,
        ),
        by=caseworker,
    )
    HouseholdMember.objects.create(household=household, kind="adult", age=40)
    HouseholdMember.objects.create(household=household, kind="child", age=7)
    return household


def _sent_proposal(household, offer, caseworker) -> MatchProposal:
    proposal = proposal_create(household=household, offer=offer, by=caseworker)
    proposal = proposal_transition(proposal=proposal, to=MatchProposal.Status.APPROVED, by=caseworker)
    return proposal_transition(proposal=proposal, to=MatchProposal.Status.SENT, by=caseworker)


def _build_world(user_factory, municipality, media_root) -> SimpleNamespace:
    """The sponsor's life on the portal, through the real services, the admin and the sponsor's pages."""
    roles_ensure()
    organisation = Organisation.objects.create(slug="helping-xq", name="Helping Hands XQ", kind="ngo", country="LT")
    caseworker = user_factory(
        email=OTHERS["caseworker email"], is_staff=True, is_superuser=True, first_name=OTHERS["caseworker name"]
    )
    caseworker.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    caseworker.organisation = organisation
    caseworker.save()
    other = user_factory(email=OTHERS["other sponsor email"], first_name="Other", last_name="Host")
    sponsor_profile_save(
        user=other,
        data={"kind": "host_family", "municipality": municipality, "phone": "+370 600 11111"},
        languages=[],
        consent=True,
        language_code="en",
    )

    # Before signing up, the person registered for an information meeting with a second address.
    event = RecruitmentEvent.objects.create(
        slug="info-xq",
        kind="information",
        title="Information meeting",
        description="About hosting.",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        ends_at=timezone.now() + datetime.timedelta(days=5, hours=2),
        place="Kaunas",
    )
    event_register(
        event=event,
        name=MARKERS["registration name"],
        email=MARKERS["second email"],
        municipality=municipality,
        consent=True,
        language="en",
    )

    user = user_factory(
        email=MARKERS["email"], password=PASSWORD, first_name=MARKERS["first name"], last_name=MARKERS["last name"]
    )
    user.emailaddress_set.create(email=MARKERS["second email"], verified=True, primary=False)
    sponsor = sponsor_profile_save(
        user=user,
        data={
            "kind": "host_family",
            "municipality": municipality,
            "phone": MARKERS["phone"],
            "motivation": MARKERS["motivation"],
        },
        languages=[],
        consent=True,
        language_code="lt",
    )
    sponsor_verify(sponsor=sponsor, by=caseworker, notes=f"Phoned {MARKERS['phone']}.")

    admin = Client()
    admin.force_login(caseworker)
    person = sponsor.persons.get()
    for kind in ["identity", "criminal_record", "references"]:
        response = admin.post(
            reverse("admin:sponsorship_sponsorcheck_add"),
            {
                "person": person.pk,
                "kind": kind,
                "result": "passed",
                "checked_on": TODAY().isoformat(),
                "expires_on": (TODAY() + datetime.timedelta(days=365)).isoformat(),
                "notes": f"Seen {MARKERS['first name']}'s passport.",
            },
        )
        assert response.status_code == HTTPStatus.FOUND, response.content[:2000]

    # Training: attended, certified.
    language, _created = Language.objects.get_or_create(code="en", defaults={"name": "English"})
    programme = Programme.objects.create(
        slug="hosting-xq", title="Hosting", description="Hosting basics.", audience="sponsors"
    )
    module = Module.objects.create(programme=programme, title="Basics", duration_minutes=60)
    session = Session.objects.create(
        programme=programme,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
        place="Kaunas",
        language=language,
        capacity=10,
        registration_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    session.modules.add(module)
    enrolment = Enrolment.objects.create(session=session, user=user, status=Enrolment.Status.ENROLLED)
    attendance_record(enrolment=enrolment, attended=True, by=caseworker)
    certificate = Certificate.objects.get(user=user)
    assert certificate.holder_name == f"{MARKERS['first name']} {MARKERS['last name']}"

    # An offer, with a photo, inspected by the caseworker.
    offer = offer_save(
        sponsor=sponsor,
        data={
            "kind": "flat",
            "municipality": municipality,
            "street_address": MARKERS["street address"],
            "capacity": 4,
            "bedrooms": 2,
            "cost": "free",
            "available_from": TODAY() + datetime.timedelta(days=3),
            "description": MARKERS["offer description"],
        },
        host_languages=[],
        language_code="lt",
        by=user,
    )
    offer_photo_add(offer=offer, upload=jpeg_upload(), by=user)
    offer = offer_submit(offer=offer, by=user)
    offer_inspect(
        offer=offer,
        inspector=caseworker,
        visited_on=TODAY(),
        checklist=dict.fromkeys(Inspection.CHECKLIST, True),
        result=Inspection.Result.PASS,
        notes=f"Visited {MARKERS['street address']}, met {MARKERS['first name']}.",
    )

    # The caseworker raises a safeguarding concern about the sponsor in the admin.
    response = admin.post(
        reverse("admin:matching_safeguardingconcern_add"),
        {"sponsor": sponsor.pk, "placement": "", "severity": "low", "note": f"{MARKERS['last name']} was curt."},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]

    # Two households are proposed; the sponsor declines one and accepts the other on their own pages.
    household = _household(caseworker, OTHERS["household head"], OTHERS["household email"])
    second = _household(caseworker, "Second Householdxq")
    declined = _sent_proposal(household, offer, caseworker)
    browser = Client()
    browser.force_login(user)
    page = reverse("matching:proposal-detail", kwargs={"pk": declined.pk})
    assert browser.get(page).status_code == HTTPStatus.OK
    response = browser.post(
        page, {"answer": "decline", "decline_reason": "dates", "note": MARKERS["decline note"]}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    accepted = _sent_proposal(second, offer, caseworker)
    page = reverse("matching:proposal-detail", kwargs={"pk": accepted.pk})
    response = browser.post(page, {"answer": "accept", "note": MARKERS["accept note"]}, follow=True)
    assert response.status_code == HTTPStatus.OK
    mediation_note_add(
        proposal=MatchProposal.objects.get(pk=accepted.pk),
        by=caseworker,
        kind=MediationNote.Kind.NOTE,
        text=f"{MARKERS['first name']} {MARKERS['last name']} called back.",
    )
    # The caseworker's own record of the household names the sponsor too: a mediation and a meeting.
    household_note_add(
        household=second,
        by=caseworker,
        kind="mediation",
        text=f"Met {MARKERS['first name']} {MARKERS['last name']} at {MARKERS['street address']}.",
    )
    household_meeting_save(
        meeting=HouseholdMeeting(
            household=second,
            purpose=f"Introductions with {MARKERS['last name']}",
            place=MARKERS["street address"],
            attendees=f"{MARKERS['first name']} {MARKERS['last name']}, the family",
        ),
        by=caseworker,
    )
    # The caseworker looks at the sponsor in the admin (an admin change on the person, too).
    assert admin.get(reverse("admin:sponsorship_sponsorprofile_change", args=[sponsor.pk])).status_code == 200

    declined.refresh_from_db()
    assert declined.status == MatchProposal.Status.SPONSOR_DECLINED
    assert declined.decline_note == MARKERS["decline note"]
    return SimpleNamespace(
        user=user,
        sponsor=sponsor,
        offer=offer,
        certificate=certificate,
        caseworker=caseworker,
        other=other,
        household=household,
        declined=declined,
        accepted=accepted,
        browser=browser,
        media_root=media_root,
        event=event,
    )


@pytest.fixture
def world(user_factory, municipality, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _build_world(user_factory, municipality, media_root)


def _delete_account(browser: Client) -> None:
    response = browser.post(reverse("sponsorship:delete"), {"confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND


def _forms(marker: str) -> set[str]:
    """A marker as typed, and as JSON text stores it."""
    return {marker.lower(), json.dumps(marker)[1:-1].lower(), json.dumps(marker, ensure_ascii=False)[1:-1].lower()}


def _count(text: str, markers: dict[str, str]) -> dict[str, int]:
    text = text.lower()
    return {name: sum(text.count(form) for form in _forms(marker)) for name, marker in markers.items()}


# --- (1) The full database dump ---------------------------------------------------------------------------


@pytest.mark.reliability
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_erased_sponsor_leaves_no_marker_in_a_full_database_dump(user_factory, municipality, media_root, figure):
    world = _build_world(user_factory, municipality, media_root)
    before = _count(pg_dump(), MARKERS)
    assert all(before.values()), {name: n for name, n in before.items() if not n}  # the test can see them
    assert list(media_root.rglob("*.jpg"))
    assert AuditEntry.objects.filter(actor=world.user).exists()

    _delete_account(world.browser)

    dump = pg_dump()
    after = _count(dump, MARKERS)
    markers = sum(after.values())
    figure("Erasure (sponsor): markers in the database dump", markers)
    assert markers == 0, {name: n for name, n in after.items() if n}
    assert not list(media_root.rglob("*.jpg")), "a photo file is still in storage"
    # Other people's data is untouched, and the facts are kept (anonymised statistics).
    assert all(_count(dump, {k: OTHERS[k] for k in ("household head", "other sponsor email")}).values())
    pseudonym = f"erased-sponsor-{world.sponsor.pk}"
    assert AuditEntry.objects.filter(actor=world.user, actor_email=pseudonym).exists()
    assert not AuditEntry.objects.filter(actor=world.user).exclude(actor_email=pseudonym).exists()
    concern = SafeguardingConcern.objects.get(sponsor=world.sponsor)
    assert concern.note == f"{pseudonym} was curt."
    assert AuditEntry.objects.get_for_object(concern).first().object_repr == f"Low: {pseudonym}"
    assert AdminEntry.objects.filter(object_repr=f"Low: {pseudonym}").exists()
    declined = MatchProposal.objects.get(pk=world.declined.pk)
    assert (declined.status, declined.decline_reason, declined.decline_note) == ("sponsor_declined", "dates", "")
    registration = EventRegistration.objects.get(event=world.event)
    assert registration.name == "" and registration.email.endswith("@invalid.invalid")
    assert registration.municipality == municipality


# --- The records after erasure (transactional tests are slow: the rest run in one transaction) ----------


@pytest.mark.django_db
def test_erasure_keeps_the_audit_entries_and_their_facts(world):
    before = dict(AuditEntry.objects.filter(actor=world.user).values_list("pk", "action"))
    _delete_account(world.browser)
    after = dict(AuditEntry.objects.filter(actor=world.user).values_list("pk", "action"))
    assert before.items() <= after.items()  # every entry kept, with its action (the erasure adds its own)
    change = AuditEntry.objects.get_for_object(MatchProposal.objects.get(pk=world.declined.pk)).filter(actor=world.user)
    assert change.exists()
    assert change.first().changes["status"] == ["sent", "sponsor_declined"]
    assert change.first().changes["decline_note"][1] == f"erased-sponsor-{world.sponsor.pk}"


@pytest.mark.django_db
def test_erasure_withdraws_the_open_proposal_and_erases_the_sponsors_own_notes(world):
    _delete_account(world.browser)
    accepted = MatchProposal.objects.get(pk=world.accepted.pk)
    assert accepted.status == MatchProposal.Status.WITHDRAWN
    assert not ProposalTransition.objects.filter(by=world.user).exclude(note="").exists()
    note = MediationNote.objects.get(proposal=accepted)
    assert note.text == f"erased-sponsor-{world.sponsor.pk} called back."  # the full name as one value
    Household.objects.get(pk=world.household.pk)  # the households' records stay


@pytest.mark.django_db
def test_erasure_signs_out_and_the_account_cannot_sign_in_again(world, client):
    assert world.browser.get(reverse("sponsorship:dashboard")).status_code == HTTPStatus.OK
    _delete_account(world.browser)
    assert world.browser.get(reverse("sponsorship:dashboard")).status_code == HTTPStatus.FOUND
    assert not client.login(email=MARKERS["email"], password=PASSWORD)
    user = User.objects.get(pk=world.user.pk)
    assert not user.is_active and user.email == f"erased-{user.pk}@invalid.invalid"
    assert not Notification.objects.filter(user=user).exists()
    sponsor = SponsorProfile.objects.get(pk=world.sponsor.pk)
    assert sponsor.erased_at and sponsor.user is None and sponsor.status == "verified"


@pytest.mark.django_db
def test_erasure_discards_the_unsent_emails_to_the_person_and_keeps_the_others(world):
    from portal.models import OutboundEmail

    mine = OutboundEmail.objects.create(to=[f"Sam <{MARKERS['email'].upper()}>"], subject="x", body="reset link")
    copied = OutboundEmail.objects.create(to=["other@example.org"], bcc=[MARKERS["email"]], body="x")
    other = OutboundEmail.objects.create(to=["other@example.org"], body="x")
    _delete_account(world.browser)
    assert not OutboundEmail.objects.filter(pk__in=[mine.pk, copied.pk]).exists()
    assert OutboundEmail.objects.filter(pk=other.pk).exists()


# --- (3) The public certificate page ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["lt", "en", "bg"])
def test_certificate_page_says_revoked_after_erasure(world, client, language):
    url = f"/{language}/training/certificates/{world.certificate.code}/"
    before = client.get(url)
    assert before.status_code == HTTPStatus.OK
    assert MARKERS["last name"] in before.content.decode()

    _delete_account(world.browser)

    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.GONE
    assert MARKERS["last name"] not in page and MARKERS["first name"] not in page
    assert world.certificate.code in page
    revoked = {"lt": "Pažymėjimas atšauktas", "en": "Certificate revoked", "bg": "Сертификатът е отменен"}[language]
    assert revoked in page
    certificate = Certificate.objects.get(pk=world.certificate.pk)
    assert certificate.revoked_at and certificate.holder_name == "" and certificate.user is None


@pytest.mark.django_db
def test_unknown_certificate_code_is_still_not_found(client):
    assert client.get("/en/training/certificates/NOPE/").status_code == HTTPStatus.NOT_FOUND


# --- (2) The data download ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_data_download_holds_everything_about_the_sponsor(world):
    response = world.browser.get(reverse("sponsorship:export"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    for name in ["email", "second email", "phone", "street address", "motivation", "offer description"]:
        assert MARKERS[name] in text, name
    assert data["account"]["first_name"] == MARKERS["first name"]
    assert data["sponsor"]["consent_version"]
    [person] = data["sponsor"]["people"]
    assert len(person["checks"]) == 3
    assert person["checks"][0]["checked_by"] == {"role": "staff", "organisation": "Helping Hands XQ"}
    [offer] = data["offers"]
    assert offer["inspections"][0]["result"] == "pass"
    assert [step["to"] for step in offer["history"]][:3] == ["submitted", "inspected", "available"]
    proposals = {p["id"]: p for p in data["proposals"]}
    assert set(proposals) == {world.declined.pk, world.accepted.pk}
    answer = proposals[world.declined.pk]["your_answer"]
    assert answer == {"declined": True, "decline_reason": "dates", "decline_note": MARKERS["decline note"]}
    assert MARKERS["accept note"] in [s["note"] for s in proposals[world.accepted.pk]["steps"]]
    assert proposals[world.declined.pk]["household"] == {"reference": world.household.reference, "size": 2}
    [certificate] = data["certificates"]
    assert certificate["code"] == world.certificate.code and certificate["revoked"] is False
    assert [e["attended"] for e in data["enrolments"]] == [True]
    [registration] = data["event_registrations"]
    assert registration["name"] == MARKERS["registration name"]
    assert data["notifications"]
    trail = data["audit_trail"]
    assert any(item["by"] == "you" and item["record"] == "matching.matchproposal" for item in trail)
    assert any(item["by"] == "you" and item["action"] == "access" for item in trail)
    assert any(item["record"] == "sponsorship.sponsorcheck" and item["by"]["role"] == "staff" for item in trail)


@pytest.mark.django_db
def test_data_download_holds_nothing_about_anyone_else(world):
    text = world.browser.get(reverse("sponsorship:export")).content.decode()
    found = {name: value for name, value in OTHERS.items() if value.lower() in text.lower()}
    assert not found
    assert "Second Householdxq" not in text


@pytest.mark.django_db
def test_data_download_of_an_erased_account_is_refused_or_empty(world, client):
    _delete_account(world.browser)
    response = world.browser.get(reverse("sponsorship:export"))
    assert response.status_code == HTTPStatus.FOUND  # signed out


@pytest.mark.django_db
def test_data_download_of_another_sponsor_does_not_mix(world):
    data = sponsor_export(user=world.other)
    text = json.dumps(data, ensure_ascii=False)
    assert not [name for name, marker in MARKERS.items() if marker.lower() in text.lower()]
    assert data["proposals"] == [] and data["certificates"] == []


# --- portal.privacy ----------------------------------------------------------------------------------------


def test_pseudonymise_text_replaces_whole_words_only_case_insensitively():
    text = "Ann met ANN at the Annual fair; ann@example.org wrote."
    result = pseudonymise_text(text, values=["Ann", "ann@example.org"], pseudonym="P-1")
    assert result == "P-1 met P-1 at the Annual fair; P-1 wrote."


def test_pseudonymise_data_walks_json():
    data = {"note": ["", "Call Zorvexa"], "Zorvexa": 1, "n": 3}
    assert pseudonymise_data(data, values=["Zorvexa"], pseudonym="P") == {"note": ["", "Call P"], "P": 1, "n": 3}


def test_personal_values_drop_empty_and_short_values_and_sort_longest_first():
    assert personal_values("", None, "a", "Jo", " jo ", "Jonas") == ["Jonas", "Jo"]


@pytest.mark.django_db
def test_audit_pseudonymise_by_content_type_and_pks_of_deleted_records(world):
    from django.contrib.contenttypes.models import ContentType

    concern = SafeguardingConcern.objects.get(sponsor=world.sponsor)
    changed = audit_pseudonymise(
        pseudonym="P-9",
        values=[MARKERS["last name"]],
        content_type=ContentType.objects.get_for_model(SafeguardingConcern),
        pks=[concern.pk],
        relabel=True,
    )
    assert changed >= 2  # the auditlog entry and the admin's
    entry = AuditEntry.objects.get_for_object(concern).first()
    assert entry.object_repr == "P-9"
    assert not re.search(MARKERS["last name"], json.dumps(entry.changes))


@pytest.mark.django_db
def test_erasing_a_group_deletes_its_members_invitations_and_their_names_everywhere(
    sponsor_factory, caseworker, django_capture_on_commit_callbacks
):
    from sponsorship.services import group_member_invite, sponsor_erase

    group = sponsor_factory(email="lead.groupxq@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        invited = group_member_invite(
            sponsor=group, by=group.user, full_name="Memberxq Narytė", email="memberxq@example.org", role="mentoring"
        )
    admin = Client()
    admin.force_login(caseworker)
    response = admin.post(
        reverse("admin:sponsorship_sponsorcheck_add"),
        {"person": invited.pk, "kind": "identity", "result": "passed", "checked_on": TODAY().isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Memberxq" in database_text()

    sponsor_erase(user=group.user)

    text = database_text()
    for marker in ["Memberxq", "memberxq@example.org", "lead.groupxq@example.org", "Kaunas Neighbours"]:
        assert marker.lower() not in text.lower(), marker
    assert not group.persons.exists()
