"""Sponsor rules: profile and consent, verification, group members, matching blockers, export and erasure."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from housing.models import HousingOffer, Inspection
from housing.photos import offer_photo_add
from housing.services import offer_inspect, offer_submit
from portal.models import Notification, User
from portal.notifications import notification_render
from sponsorship.models import ConsentText, SponsorCheck, SponsorPerson, SponsorProfile
from sponsorship.selectors import consent_current, sponsor_matching_blockers
from sponsorship.services import (
    SponsorError,
    consent_text_publish,
    group_invitation_accept,
    group_member_invite,
    sponsor_check_record,
    sponsor_decision_notify,
    sponsor_erase,
    sponsor_export,
    sponsor_profile_save,
    sponsor_reject,
    sponsor_verify,
)
from tests.helpers import database_text, jpeg_upload

TODAY = timezone.localdate
PASSWORD = "correct-horse-battery"


def _profile_data(municipality, **extra):
    return {"kind": SponsorProfile.Kind.HOST_FAMILY, "municipality": municipality, "phone": "+370 611 11111", **extra}


def _save(user, municipality, consent=True, language_code="en", **data):
    return sponsor_profile_save(
        user=user, data=_profile_data(municipality, **data), languages=[], consent=consent, language_code=language_code
    )


def _english(user: User) -> User:
    User.objects.filter(pk=user.pk).update(language="en")
    user.refresh_from_db()
    return user


# --- Profile and consent ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sponsor_profile_save_refuses_to_create_a_profile_without_consent(user_factory, municipality):
    user = user_factory()
    with pytest.raises(SponsorError):
        _save(user, municipality, consent=False)
    assert not SponsorProfile.objects.exists()
    assert not SponsorPerson.objects.exists()


@pytest.mark.django_db
def test_sponsor_profile_save_stores_the_consent_version_and_time(user_factory, municipality):
    before = timezone.now()
    profile = _save(user_factory(), municipality)
    assert profile.consent_text == consent_current()
    assert profile.consent_text.version == "2026-11"
    assert before <= profile.consented_at <= timezone.now()


@pytest.mark.django_db
def test_sponsor_profile_save_makes_the_account_holder_the_main_person(user_factory, municipality):
    user = user_factory(email="host@example.org", first_name="Rasa", last_name="Host")
    profile = _save(user, municipality)
    person = SponsorPerson.objects.get(sponsor=profile)
    assert person.role == SponsorPerson.Role.MAIN
    assert person.user == user
    assert person.full_name == "Rasa Host"
    assert person.email == "host@example.org"
    assert person.accepted_at is not None


@pytest.mark.django_db
def test_sponsor_profile_save_does_not_add_a_second_main_person_on_update(user_factory, municipality):
    user = user_factory()
    _save(user, municipality)
    _save(user, municipality, phone="+370 622 22222")
    assert SponsorPerson.objects.filter(role=SponsorPerson.Role.MAIN).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SponsorProfile.ORGANISATION_KINDS))
def test_sponsor_profile_save_requires_an_organisation_name_for_organisation_kinds(user_factory, municipality, kind):
    user = user_factory()
    with pytest.raises(ValidationError) as error:
        _save(user, municipality, kind=kind, organisation_name="  ")
    assert "organisation_name" in error.value.message_dict
    assert not SponsorProfile.objects.exists()
    profile = _save(user, municipality, kind=kind, organisation_name="Kaunas Neighbours")
    assert profile.organisation_name == "Kaunas Neighbours"


@pytest.mark.django_db
def test_sponsor_profile_save_lets_a_host_family_go_without_an_organisation_name(user_factory, municipality):
    profile = _save(user_factory(), municipality, kind=SponsorProfile.Kind.HOST_FAMILY)
    assert profile.organisation_name == ""


@pytest.mark.django_db
def test_sponsor_profile_save_asks_for_consent_again_after_a_new_version_is_published(user_factory, municipality):
    user = user_factory()
    profile = _save(user, municipality)
    first_version = profile.consent_text
    newer = consent_text_publish(
        version="2027-01", texts={"lt": "Nauja versija.", "en": "A new version.", "bg": "Нова версия."}
    )
    assert consent_current() == newer

    with pytest.raises(SponsorError):
        _save(user, municipality, consent=False, phone="+370 699 99999")
    profile.refresh_from_db()
    assert profile.consent_text == first_version
    assert profile.phone == "+370 611 11111"

    before = timezone.now()
    profile = _save(user, municipality, consent=True, phone="+370 699 99999")
    assert profile.consent_text == newer
    assert profile.consented_at >= before
    assert profile.phone == "+370 699 99999"


@pytest.mark.django_db
def test_sponsor_profile_save_needs_no_new_consent_while_the_version_is_unchanged(user_factory, municipality):
    user = user_factory()
    profile = _save(user, municipality)
    consented_at = profile.consented_at
    profile = _save(user, municipality, consent=False, phone="+370 633 33333")
    assert profile.phone == "+370 633 33333"
    assert profile.consented_at == consented_at


@pytest.mark.django_db
def test_sponsor_profile_save_starts_pending(user_factory, municipality):
    profile = _save(user_factory(), municipality)
    assert profile.status == SponsorProfile.Status.PENDING
    assert profile.decided_by is None
    assert profile.decided_at is None


@pytest.mark.django_db
def test_sponsor_profile_save_stores_the_language_of_the_motivation(user_factory, municipality):
    user = user_factory()
    profile = _save(user, municipality, language_code="bg", motivation="Можем да помогнем.")
    assert profile.motivation_language == "bg"
    profile = _save(user, municipality, language_code="lt")  # the motivation is not changed
    assert profile.motivation_language == "bg"


@pytest.mark.django_db
def test_consent_text_publish_refuses_a_version_that_exists():
    with pytest.raises(ValidationError):
        consent_text_publish(version="2026-11", texts={"en": "Again."})
    assert ConsentText.objects.count() == 1


# --- Verification -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sponsor_verify_records_the_decision_and_notifies_the_sponsor_once(
    sponsor_factory, caseworker, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory()
    user = _english(sponsor.user)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sponsor_verify(sponsor=sponsor, by=caseworker, notes="Passport seen.")
    sponsor.refresh_from_db()
    assert sponsor.status == SponsorProfile.Status.VERIFIED
    assert sponsor.decided_by == caseworker
    assert sponsor.decided_at >= before
    assert sponsor.verification_notes == "Passport seen."
    assert sponsor.decision_notified_at is not None

    notification = Notification.objects.get()
    assert notification.user == user
    assert notification.code == "sponsorship.sponsor_verified"
    assert notification_render(notification).title == "You are now a verified sponsor"
    assert notification_render(notification).link == "/en/sponsor/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "You are now a verified sponsor" in mail.outbox[0].subject


@pytest.mark.django_db
def test_sponsor_reject_requires_a_reason(sponsor_factory, caseworker, django_capture_on_commit_callbacks):
    sponsor = sponsor_factory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SponsorError):
        sponsor_reject(sponsor=sponsor, by=caseworker, reason="   ")
    sponsor.refresh_from_db()
    assert sponsor.status == SponsorProfile.Status.PENDING
    assert sponsor.decided_by is None
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sponsor_reject_records_the_reason_and_tells_the_sponsor(
    sponsor_factory, caseworker, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory()
    user = _english(sponsor.user)
    with django_capture_on_commit_callbacks(execute=True):
        sponsor_reject(sponsor=sponsor, by=caseworker, reason="  The references could not be reached. ")
    sponsor.refresh_from_db()
    assert sponsor.status == SponsorProfile.Status.REJECTED
    assert sponsor.decided_by == caseworker
    assert sponsor.decided_at is not None
    assert sponsor.rejection_reason == "The references could not be reached."

    notification = Notification.objects.get()
    assert notification.user == user
    assert notification.params == {"reason": "The references could not be reached."}
    assert notification_render(notification).title == "Your sponsor profile was not verified"
    assert "The references could not be reached." in notification_render(notification).body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "The references could not be reached." in mail.outbox[0].body


@pytest.mark.django_db
def test_sponsor_decision_notify_is_idempotent(sponsor_factory, caseworker, django_capture_on_commit_callbacks):
    sponsor = sponsor_factory()
    _english(sponsor.user)
    with django_capture_on_commit_callbacks(execute=True):
        sponsor_verify(sponsor=sponsor, by=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        assert sponsor_decision_notify(sponsor_id=sponsor.pk) is False
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sponsor_decision_notify_sends_nothing_while_pending(sponsor_factory, django_capture_on_commit_callbacks):
    sponsor = sponsor_factory()
    with django_capture_on_commit_callbacks(execute=True):
        assert sponsor_decision_notify(sponsor_id=sponsor.pk) is False
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_decision_twice_is_refused(sponsor_factory, caseworker, django_capture_on_commit_callbacks):
    sponsor = sponsor_factory()
    with django_capture_on_commit_callbacks(execute=True):
        sponsor_verify(sponsor=sponsor, by=caseworker)
    decided_at = SponsorProfile.objects.get(pk=sponsor.pk).decided_at
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SponsorError):
        sponsor_verify(sponsor=sponsor, by=caseworker)
    assert SponsorProfile.objects.get(pk=sponsor.pk).decided_at == decided_at
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        sponsor_reject(sponsor=sponsor, by=caseworker, reason="A check failed.")
    with pytest.raises(SponsorError):
        sponsor_reject(sponsor=sponsor, by=caseworker, reason="Again.")
    assert Notification.objects.count() == 2


# --- Community groups -------------------------------------------------------------------------------


@pytest.fixture
def group(sponsor_factory):
    sponsor = sponsor_factory(email="lead@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    _english(sponsor.user)
    return sponsor


def _invite(group, email="member@example.org", role=SponsorPerson.Role.HOUSING, by=None):
    return group_member_invite(sponsor=group, by=by or group.user, full_name="Mia Member", email=email, role=role)


@pytest.mark.django_db
def test_group_member_invite_is_only_for_community_groups(sponsor_factory):
    host = sponsor_factory(kind=SponsorProfile.Kind.HOST_FAMILY)
    with pytest.raises(SponsorError):
        _invite(host)
    assert host.persons.count() == 1


@pytest.mark.django_db
def test_group_member_invite_is_only_for_the_account_holder(group, user_factory):
    stranger = user_factory(email="stranger@example.org")
    with pytest.raises(PermissionDenied):
        _invite(group, by=stranger)
    assert group.persons.count() == 1


@pytest.mark.django_db
def test_group_member_invite_refuses_an_email_already_in_the_group(group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(group, email="member@example.org")
    with pytest.raises(SponsorError):
        _invite(group, email="  MEMBER@example.org ")
    with pytest.raises(SponsorError):
        _invite(group, email="lead@example.org")  # the account holder
    assert group.persons.count() == 2


@pytest.mark.django_db
def test_group_member_invite_sends_an_invitation_with_the_link(group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person = _invite(group)
    assert person.invitation_token
    assert person.accepted_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert f"/sponsor/invitations/{person.invitation_token}/" in message.body
    assert "Kaunas Neighbours" in message.body


@pytest.mark.django_db
def test_group_invitation_accept_links_the_user_and_the_token_works_once(
    group, user_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = _invite(group)
    token = person.invitation_token
    member = user_factory(email="member@example.org")
    accepted = group_invitation_accept(token=token, user=member)
    assert accepted.pk == person.pk
    person.refresh_from_db()
    assert person.user == member
    assert person.accepted_at is not None
    assert person.invitation_token is None

    other = user_factory(email="other@example.org")
    with pytest.raises(SponsorError):
        group_invitation_accept(token=token, user=other)
    person.refresh_from_db()
    assert person.user == member


@pytest.mark.django_db
def test_group_invitation_accept_refuses_an_unknown_token(user_factory):
    with pytest.raises(SponsorError):
        group_invitation_accept(token="no-such-token", user=user_factory())


# --- Matching blockers ------------------------------------------------------------------------------


def _record(person, kind, result, days_ago=0, expires_in=365):
    caseworker = User.objects.get_or_create(email="checker@example.org", defaults={"is_staff": True})[0]
    return sponsor_check_record(
        person=person,
        kind=kind,
        result=result,
        checked_on=TODAY() - datetime.timedelta(days=days_ago),
        expires_on=TODAY() + datetime.timedelta(days=expires_in),
        by=caseworker,
    )


def _verified_without_checks(sponsor_factory, **kwargs):
    sponsor = sponsor_factory(**kwargs)
    SponsorProfile.objects.filter(pk=sponsor.pk).update(status=SponsorProfile.Status.VERIFIED)
    sponsor.refresh_from_db()
    return sponsor


def _pass_all_but(person, skip=None):
    for kind in SponsorCheck.Kind:
        if kind != skip:
            _record(person, kind, SponsorCheck.Result.PASSED)


@pytest.mark.django_db
def test_sponsor_matching_blockers_are_empty_for_a_verified_sponsor_with_valid_checks(sponsor_factory):
    assert sponsor_matching_blockers(sponsor=sponsor_factory(verified=True)) == []


@pytest.mark.django_db
def test_sponsor_matching_blockers_list_an_unverified_sponsor(sponsor_factory):
    sponsor = sponsor_factory(verified=True)
    SponsorProfile.objects.filter(pk=sponsor.pk).update(status=SponsorProfile.Status.PENDING)
    sponsor.refresh_from_db()
    assert sponsor_matching_blockers(sponsor=sponsor) == ["The sponsor is not verified."]


@pytest.mark.django_db
def test_sponsor_matching_blockers_list_missing_checks(sponsor_factory):
    sponsor = _verified_without_checks(sponsor_factory)
    blockers = sponsor_matching_blockers(sponsor=sponsor)
    assert len(blockers) == len(SponsorCheck.Kind)
    assert all("is missing" in blocker for blocker in blockers)


@pytest.mark.django_db
def test_an_expired_check_blocks_matching(sponsor_factory):
    sponsor = _verified_without_checks(sponsor_factory)
    person = sponsor.persons.get()
    _pass_all_but(person, skip=SponsorCheck.Kind.CRIMINAL_RECORD)
    _record(person, SponsorCheck.Kind.CRIMINAL_RECORD, SponsorCheck.Result.PASSED, days_ago=400, expires_in=-1)
    assert sponsor_matching_blockers(sponsor=sponsor) == ["Sam Sponsor: Certificate of no criminal record expired."]


@pytest.mark.django_db
def test_a_check_expiring_today_still_counts(sponsor_factory):
    sponsor = _verified_without_checks(sponsor_factory)
    person = sponsor.persons.get()
    _pass_all_but(person, skip=SponsorCheck.Kind.IDENTITY)
    _record(person, SponsorCheck.Kind.IDENTITY, SponsorCheck.Result.PASSED, days_ago=30, expires_in=0)
    assert sponsor_matching_blockers(sponsor=sponsor) == []


@pytest.mark.django_db
def test_a_failed_latest_check_blocks_matching(sponsor_factory):
    sponsor = _verified_without_checks(sponsor_factory)
    person = sponsor.persons.get()
    _pass_all_but(person, skip=SponsorCheck.Kind.REFERENCES)
    _record(person, SponsorCheck.Kind.REFERENCES, SponsorCheck.Result.PASSED, days_ago=10)
    _record(person, SponsorCheck.Kind.REFERENCES, SponsorCheck.Result.FAILED, days_ago=0)
    assert sponsor_matching_blockers(sponsor=sponsor) == ["Sam Sponsor: References failed."]


@pytest.mark.django_db
def test_a_newer_passed_check_after_a_failed_one_unblocks_matching(sponsor_factory):
    sponsor = _verified_without_checks(sponsor_factory)
    person = sponsor.persons.get()
    _pass_all_but(person, skip=SponsorCheck.Kind.REFERENCES)
    _record(person, SponsorCheck.Kind.REFERENCES, SponsorCheck.Result.FAILED, days_ago=10)
    _record(person, SponsorCheck.Kind.REFERENCES, SponsorCheck.Result.PASSED, days_ago=0)
    assert sponsor_matching_blockers(sponsor=sponsor) == []


@pytest.mark.django_db
def test_an_invited_member_who_has_not_accepted_does_not_block_matching(
    sponsor_factory, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory(kind=SponsorProfile.Kind.COMMUNITY_GROUP, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(sponsor)
    assert sponsor_matching_blockers(sponsor=sponsor) == []


@pytest.mark.django_db
def test_an_accepted_member_without_checks_blocks_matching(
    sponsor_factory, user_factory, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory(kind=SponsorProfile.Kind.COMMUNITY_GROUP, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        person = _invite(sponsor)
    group_invitation_accept(token=person.invitation_token, user=user_factory(email="member@example.org"))
    blockers = sponsor_matching_blockers(sponsor=sponsor)
    assert len(blockers) == len(SponsorCheck.Kind)
    assert all(blocker.startswith("Mia Member:") for blocker in blockers)

    _pass_all_but(person)
    assert sponsor_matching_blockers(sponsor=sponsor) == []


# --- Export -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sponsor_export_contains_everything_about_the_sponsor_and_is_json(
    sponsor_factory, offer_factory, media_root, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory(email="export@example.org", verified=True, motivation="We have a spare room.")
    draft = offer_factory(sponsor, street_address="Vilniaus g. 1", description="A quiet room.")
    offer_photo_add(offer=draft, upload=jpeg_upload(), by=sponsor.user)
    submitted = offer_factory(sponsor, street_address="Kauno g. 2")
    with django_capture_on_commit_callbacks(execute=True):
        offer_submit(offer=submitted, by=sponsor.user)

    data = sponsor_export(user=sponsor.user)
    text = json.dumps(data)  # JSON-serialisable as it is

    assert data["account"]["email"] == "export@example.org"
    assert data["sponsor"]["phone"] == "+370 600 00000"
    assert data["sponsor"]["motivation"] == "We have a spare room."
    assert data["sponsor"]["consent_version"] == "2026-11"
    assert data["sponsor"]["consented_at"]
    [person] = data["sponsor"]["people"]
    assert person["email"] == "export@example.org"
    assert person["role"] == "main"
    assert sorted(check["kind"] for check in person["checks"]) == sorted(SponsorCheck.Kind.values)
    assert all(check["result"] == "passed" for check in person["checks"])

    offers = {offer["id"]: offer for offer in data["offers"]}
    assert set(offers) == {draft.pk, submitted.pk}
    assert offers[draft.pk]["street_address"] == "Vilniaus g. 1"
    assert offers[draft.pk]["description"] == "A quiet room."
    assert len(offers[draft.pk]["photos"]) == 1
    assert offers[draft.pk]["photos"][0].endswith(".jpg")
    assert offers[submitted.pk]["street_address"] == "Kauno g. 2"
    assert offers[submitted.pk]["history"] == [
        {"from": "draft", "to": "submitted", "at": offers[submitted.pk]["history"][0]["at"], "by": "you", "note": ""}
    ]
    assert json.loads(text)["account"]["email"] == "export@example.org"


@pytest.mark.django_db
def test_sponsor_export_of_a_user_without_profile_has_the_account_only(user_factory):
    data = sponsor_export(user=user_factory(email="plain@example.org"))
    json.dumps(data)
    assert data["account"]["email"] == "plain@example.org"
    assert data["sponsor"] is None
    assert data["offers"] == []


# --- Erasure ----------------------------------------------------------------------------------------


@pytest.fixture
def erased_world(sponsor_factory, offer_factory, caseworker, media_root, django_capture_on_commit_callbacks):
    """A group sponsor with an inspected (available) offer, a draft with a photo and notifications."""
    personal = {
        "email": "ingrida.erase@example.org",
        "first_name": "Ingridėlė",
        "last_name": "Zuikauskaitė",
        "phone": "+370 698 76543",
        "motivation": "Our grandparents were refugees in 1944.",
        "organisation_name": "Žaliakalnio kaimynų būrelis",
        "street_address": "Savanorių pr. 321-7",
        "description": "Sunny attic room overlooking the Nemunas.",
    }
    sponsor = sponsor_factory(
        email=personal["email"],
        kind=SponsorProfile.Kind.COMMUNITY_GROUP,
        verified=True,
        phone=personal["phone"],
        motivation=personal["motivation"],
        organisation_name=personal["organisation_name"],
    )
    user = sponsor.user
    User.objects.filter(pk=user.pk).update(
        first_name=personal["first_name"], last_name=personal["last_name"], language="en"
    )
    user.refresh_from_db()
    SponsorPerson.objects.filter(sponsor=sponsor, role=SponsorPerson.Role.MAIN).update(
        full_name=f"{personal['first_name']} {personal['last_name']}"
    )
    available = offer_factory(sponsor, street_address=personal["street_address"], description=personal["description"])
    draft = offer_factory(sponsor, street_address=personal["street_address"], description=personal["description"])
    offer_photo_add(offer=draft, upload=jpeg_upload(), by=user)
    with django_capture_on_commit_callbacks(execute=True):
        SponsorProfile.objects.filter(pk=sponsor.pk).update(status=SponsorProfile.Status.PENDING)
        sponsor_verify(sponsor=sponsor, by=caseworker, notes=f"Called {personal['phone']}.")
        available = offer_submit(offer=available, by=user)
        offer_inspect(
            offer=available,
            inspector=caseworker,
            visited_on=TODAY(),
            checklist=dict.fromkeys(Inspection.CHECKLIST, True),
            result=Inspection.Result.PASS,
            notes=f"Visited {personal['street_address']}, met {personal['first_name']}.",
        )
    assert HousingOffer.objects.get(pk=available.pk).status == HousingOffer.Status.AVAILABLE
    assert Notification.objects.filter(user=user).count() == 2
    return {"sponsor": sponsor, "user": user, "personal": personal, "offers": [available, draft]}


@pytest.mark.django_db
def test_erased_world_holds_the_personal_data_before_erasure(erased_world):
    text = database_text()
    for value in erased_world["personal"].values():
        assert value in text, value


@pytest.mark.django_db
def test_sponsor_erase_leaves_no_personal_data_in_any_row(erased_world, media_root):
    sponsor_erase(user=erased_world["user"])
    text = database_text()
    for name, value in erased_world["personal"].items():
        assert value not in text, f"{name} is still stored"
    assert not list(media_root.rglob("*.jpg")), "a photo file is still stored"


@pytest.mark.django_db
def test_sponsor_erase_withdraws_the_open_offers_and_keeps_anonymous_statistics(erased_world, municipality):
    sponsor = erased_world["sponsor"]
    sponsor_erase(user=erased_world["user"])

    sponsor.refresh_from_db()
    assert sponsor.user is None
    assert sponsor.erased_at is not None
    assert sponsor.kind == SponsorProfile.Kind.COMMUNITY_GROUP
    assert sponsor.municipality == municipality
    assert sponsor.status == SponsorProfile.Status.VERIFIED
    assert not sponsor.persons.exists()

    for offer in erased_world["offers"]:
        offer.refresh_from_db()
        assert offer.status == HousingOffer.Status.WITHDRAWN
        assert offer.kind == "flat"
        assert offer.capacity == 3
        assert offer.municipality == municipality
        assert offer.street_address == ""
        assert offer.description == ""
        assert not offer.photos.exists()
        assert offer.transitions.last().to_status == HousingOffer.Status.WITHDRAWN


@pytest.mark.django_db
def test_sponsor_erase_means_the_user_cannot_log_in(erased_world, client):
    user = erased_world["user"]
    email = erased_world["personal"]["email"]
    assert client.login(email=email, password=PASSWORD)
    client.logout()
    sponsor_erase(user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert not client.login(email=email, password=PASSWORD)
    assert not client.login(email=user.email, password=PASSWORD)
    assert not Notification.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_sponsor_erase_of_a_group_member_leaves_no_personal_data(
    sponsor_factory, user_factory, django_capture_on_commit_callbacks
):
    """A member who joined someone else's group deletes their account: their name and email go too."""
    group = sponsor_factory(email="lead@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        person = group_member_invite(
            sponsor=group,
            by=group.user,
            full_name="Vytautė Narytė",
            email="vytaute.member@example.org",
            role=SponsorPerson.Role.MENTORING,
        )
    member = user_factory(email="vytaute.member@example.org", first_name="Vytautė", last_name="Narytė")
    group_invitation_accept(token=person.invitation_token, user=member)

    sponsor_erase(user=member)

    text = database_text()
    assert "vytaute.member@example.org" not in text
    assert "Narytė" not in text
    assert "lead@example.org" in text  # the group itself is untouched
