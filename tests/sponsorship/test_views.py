"""Sponsor pages: sign-in required, the profile form, data export, account deletion and the decision admin."""

import json
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils.html import escape

from portal.models import Notification, User
from sponsorship.models import SponsorCheck, SponsorPerson, SponsorProfile

PASSWORD = "correct-horse-battery"

SPONSOR_PAGES = [
    "/en/sponsor/",
    "/en/sponsor/profile/",
    "/en/sponsor/group/",
    "/en/sponsor/my-data.json",
    "/en/sponsor/delete/",
    "/en/sponsor/invitations/some-token/",
    "/en/notifications/",
    "/en/sponsor/offers/new/",
]


def _profile_post(**overrides):
    data = {
        "first_name": "Rūta",
        "last_name": "Rėmėja",
        "kind": SponsorProfile.Kind.HOST_FAMILY,
        "organisation_name": "",
        "municipality": "kaunas-city",
        "country": "LT",
        "phone": "+370 612 34567",
        "motivation": "We have a spare room.",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def member(user_factory, municipality):
    """A signed-up user without a sponsor profile yet (the municipality exists)."""
    return user_factory(email="new.sponsor@example.org")


# --- Sign-in required -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", SPONSOR_PAGES)
def test_sponsor_pages_send_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/sponsor/delete/", "/en/notifications/read/", "/en/sponsor/profile/"])
def test_sponsor_posts_from_anonymous_visitors_go_to_the_login_page(client, url):
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
def test_sponsor_pages_render_in_each_language(client, sponsor_factory, lang):
    sponsor = sponsor_factory(kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    client.force_login(sponsor.user)
    for page in ["sponsor/", "sponsor/profile/", "sponsor/group/", "sponsor/delete/", "notifications/"]:
        response = client.get(f"/{lang}/{page}")
        assert response.status_code == HTTPStatus.OK, page
        assert f'<html lang="{lang}">' in response.content.decode(), page


# --- Dashboard and profile --------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_without_a_profile_leads_to_the_profile_form(client, member):
    client.force_login(member)
    response = client.get("/en/sponsor/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/sponsor/profile/"


@pytest.mark.django_db
def test_profile_page_shows_the_consent_text(client, member):
    client.force_login(member)
    response = client.get("/en/sponsor/profile/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "I agree that the RISE community sponsorship portal" in content
    assert "version 2026-11" in content
    assert 'name="consent"' in content


@pytest.mark.django_db
def test_profile_post_without_consent_shows_an_error_and_saves_nothing(client, member):
    client.force_login(member)
    response = client.post("/en/sponsor/profile/", _profile_post(consent=None))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["consent"] == ["This field is required."]
    assert "This field is required." in response.content.decode()
    assert not SponsorProfile.objects.exists()
    assert not SponsorPerson.objects.exists()


@pytest.mark.django_db
def test_profile_post_without_consent_shows_the_error_in_the_page_language(client, member):
    client.force_login(member)
    response = client.post("/bg/sponsor/profile/", _profile_post(consent=None))
    assert response.status_code == HTTPStatus.OK
    [error] = response.context["form"].errors["consent"]
    assert error != "This field is required."
    assert escape(error) in response.content.decode()
    assert not SponsorProfile.objects.exists()


@pytest.mark.django_db
def test_profile_post_with_an_unknown_municipality_gives_a_field_error(client, member):
    client.force_login(member)
    response = client.post("/en/sponsor/profile/", _profile_post(municipality="atlantis"))
    assert response.status_code == HTTPStatus.OK
    assert "municipality" in response.context["form"].errors
    assert not SponsorProfile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["call me", "12", "+370 600 <b>1</b>"])
def test_profile_post_with_a_bad_phone_gives_a_field_error(client, member, phone):
    client.force_login(member)
    response = client.post("/en/sponsor/profile/", _profile_post(phone=phone))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["phone"] == [
        "Enter a phone number with digits, spaces and an optional leading +."
    ]
    assert not SponsorProfile.objects.exists()


@pytest.mark.django_db
def test_profile_post_of_a_group_without_its_name_gives_a_field_error(client, member):
    client.force_login(member)
    response = client.post("/en/sponsor/profile/", _profile_post(kind=SponsorProfile.Kind.COMMUNITY_GROUP))
    assert response.status_code == HTTPStatus.OK
    assert "organisation_name" in response.context["form"].errors
    assert not SponsorProfile.objects.exists()


@pytest.mark.django_db
def test_profile_post_saves_a_pending_profile_and_shows_it_on_the_dashboard(client, member):
    client.force_login(member)
    response = client.post("/en/sponsor/profile/", _profile_post())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/sponsor/"
    profile = SponsorProfile.objects.get(user=member)
    assert profile.status == SponsorProfile.Status.PENDING
    assert profile.phone == "+370 612 34567"
    assert profile.motivation_language == "en"
    assert profile.consent_text.version == "2026-11"

    dashboard = client.get("/en/sponsor/")
    assert dashboard.status_code == HTTPStatus.OK
    assert "Pending verification" in dashboard.content.decode()


@pytest.mark.django_db
def test_profile_edit_needs_no_consent_again_for_the_same_version(client, sponsor_factory):
    sponsor = sponsor_factory()
    client.force_login(sponsor.user)
    page = client.get("/en/sponsor/profile/").content.decode()
    assert 'name="consent"' not in page
    response = client.post("/en/sponsor/profile/", _profile_post(consent=None, phone="+370 655 55555"))
    assert response.status_code == HTTPStatus.FOUND
    sponsor.refresh_from_db()
    assert sponsor.phone == "+370 655 55555"


# --- Group page -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_group_page_is_forbidden_to_a_host_family(client, sponsor_factory):
    client.force_login(sponsor_factory().user)
    assert client.get("/en/sponsor/group/").status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_group_page_invites_a_member_and_the_member_joins_by_the_link(
    client, sponsor_factory, user_factory, django_capture_on_commit_callbacks
):
    group = sponsor_factory(email="lead@example.org", kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    client.force_login(group.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/sponsor/group/", {"full_name": "Mia Member", "email": "mia@example.org", "role": "housing"}
        )
    assert response.status_code == HTTPStatus.FOUND
    person = SponsorPerson.objects.get(email="mia@example.org")
    assert len(mail.outbox) == 1
    link = f"/sponsor/invitations/{person.invitation_token}/"
    assert link in mail.outbox[0].body

    duplicate = client.post(
        "/en/sponsor/group/", {"full_name": "Mia Again", "email": "MIA@example.org", "role": "housing"}
    )
    assert duplicate.status_code == HTTPStatus.OK
    assert "This person is already a member or has been invited." in duplicate.content.decode()

    client.force_login(user_factory(email="mia@example.org"))
    assert client.get(f"/en{link}").status_code == HTTPStatus.OK
    assert client.post(f"/en{link}").status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.user.email == "mia@example.org"
    assert person.accepted_at is not None


# --- Data export and account deletion ---------------------------------------------------------------


@pytest.mark.django_db
def test_data_export_is_a_json_attachment_with_the_users_data(client, sponsor_factory, offer_factory):
    sponsor = sponsor_factory(email="export@example.org")
    offer_factory(sponsor, street_address="Vilniaus g. 1")
    client.force_login(sponsor.user)
    response = client.get("/en/sponsor/my-data.json")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "export@example.org"
    assert data["sponsor"]["phone"] == "+370 600 00000"
    assert data["offers"][0]["street_address"] == "Vilniaus g. 1"


@pytest.mark.django_db
def test_data_export_holds_only_the_signed_in_users_data(client, sponsor_factory, offer_factory):
    other = sponsor_factory(email="other@example.org")
    offer_factory(other, street_address="Secret g. 9")
    sponsor = sponsor_factory(email="me@example.org")
    client.force_login(sponsor.user)
    content = client.get("/en/sponsor/my-data.json").content.decode()
    assert "me@example.org" in content
    assert "other@example.org" not in content
    assert "Secret g. 9" not in content


@pytest.mark.django_db
def test_account_delete_requires_the_confirm_checkbox(client, sponsor_factory):
    sponsor = sponsor_factory()
    client.force_login(sponsor.user)
    response = client.post("/en/sponsor/delete/", {"confirm": ""})
    assert response.status_code == HTTPStatus.OK
    assert "confirm" in response.context["form"].errors
    user = User.objects.get(pk=sponsor.user_id)
    assert user.is_active
    assert user.email == "sponsor@example.org"
    sponsor.refresh_from_db()
    assert sponsor.erased_at is None
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_account_delete_erases_logs_out_and_the_login_fails_afterwards(client, sponsor_factory, offer_factory):
    sponsor = sponsor_factory()
    offer = offer_factory(sponsor)
    client.force_login(sponsor.user)
    response = client.post("/en/sponsor/delete/", {"confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/"
    assert "_auth_user_id" not in client.session

    sponsor.refresh_from_db()
    assert sponsor.erased_at is not None
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert not client.login(email="sponsor@example.org", password=PASSWORD)
    response = client.post("/en/accounts/login/", {"login": "sponsor@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/en/sponsor/").status_code == HTTPStatus.FOUND


# --- Notifications ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notifications_page_shows_only_the_users_notifications_and_marks_them_read(client, sponsor_factory):
    sponsor = sponsor_factory()
    other = sponsor_factory(email="other@example.org")
    Notification.objects.create(user=sponsor.user, code="legacy", params={"title": "Mine to read"})
    Notification.objects.create(user=other.user, code="legacy", params={"title": "Someone else's"})
    client.force_login(sponsor.user)
    content = client.get("/en/notifications/").content.decode()
    assert "Mine to read" in content
    assert "Someone else" not in content
    assert client.post("/en/notifications/read/").status_code == HTTPStatus.FOUND
    assert Notification.objects.get(user=sponsor.user).read_at is not None
    assert Notification.objects.get(user=other.user).read_at is None


# --- Admin: verification decision -------------------------------------------------------------------


@pytest.mark.django_db
def test_caseworker_sees_the_sponsor_in_the_admin(client, caseworker, sponsor_factory):
    sponsor = sponsor_factory(kind=SponsorProfile.Kind.COMMUNITY_GROUP)
    client.force_login(caseworker)
    listing = client.get("/en/admin/sponsorship/sponsorprofile/?status=pending")
    assert listing.status_code == HTTPStatus.OK
    assert "Kaunas Neighbours" in listing.content.decode()
    change = client.get(f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/change/")
    assert change.status_code == HTTPStatus.OK
    assert f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/decide/" in change.content.decode()


@pytest.mark.django_db
def test_admin_decide_reject_without_a_reason_shows_an_error_and_changes_nothing(
    client, caseworker, sponsor_factory, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory()
    client.force_login(caseworker)
    url = f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/decide/"
    assert client.get(url).status_code == HTTPStatus.OK
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "reject", "reason": "", "notes": "Checked."})
    assert response.status_code == HTTPStatus.OK
    assert "Give the reason for the rejection" in response.content.decode()
    sponsor.refresh_from_db()
    assert sponsor.status == SponsorProfile.Status.PENDING
    assert sponsor.decided_by is None
    assert sponsor.verification_notes == ""
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_admin_decide_verify_records_the_decision_and_notifies(
    client, caseworker, sponsor_factory, django_capture_on_commit_callbacks
):
    sponsor = sponsor_factory()
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/decide/", {"decision": "verify", "notes": "ID seen."}
        )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/change/"
    sponsor.refresh_from_db()
    assert sponsor.status == SponsorProfile.Status.VERIFIED
    assert sponsor.decided_by == caseworker
    assert Notification.objects.filter(user=sponsor.user).count() == 1
    assert [message.to for message in mail.outbox] == [["sponsor@example.org"]]


@pytest.mark.django_db
def test_a_sponsor_cannot_open_the_decide_view(client, sponsor_factory):
    sponsor = sponsor_factory()
    client.force_login(sponsor.user)
    response = client.post(f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/decide/", {"decision": "verify"})
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    sponsor.refresh_from_db()
    assert sponsor.status == SponsorProfile.Status.PENDING


def _person_change_data(sponsor, person, **check):
    data = {
        "sponsor": sponsor.pk,
        "user": person.user_id or "",
        "full_name": person.full_name,
        "email": person.email,
        "role": person.role,
        "checks-TOTAL_FORMS": "1",
        "checks-INITIAL_FORMS": "0",
        "checks-MIN_NUM_FORMS": "0",
        "checks-MAX_NUM_FORMS": "1000",
        "checks-0-kind": "identity",
        "checks-0-result": "passed",
        "checks-0-checked_on": "2026-01-05",
        "checks-0-expires_on": "",
        "checks-0-notes": "",
    }
    data.update({f"checks-0-{name}": value for name, value in check.items()})
    return data


@pytest.mark.django_db
def test_caseworker_records_a_check_in_the_person_admin(client, caseworker, sponsor_factory):
    sponsor = sponsor_factory()
    person = sponsor.persons.get()
    client.force_login(caseworker)
    response = client.post(
        f"/en/admin/sponsorship/sponsorperson/{person.pk}/change/", _person_change_data(sponsor, person)
    )
    assert response.status_code == HTTPStatus.FOUND
    check = SponsorCheck.objects.get(person=person)
    assert check.kind == SponsorCheck.Kind.IDENTITY
    assert check.checked_by == caseworker


@pytest.mark.django_db
def test_caseworker_records_a_check_in_the_check_admin(client, caseworker, sponsor_factory):
    sponsor = sponsor_factory()
    person = sponsor.persons.get()
    client.force_login(caseworker)
    response = client.post(
        "/en/admin/sponsorship/sponsorcheck/add/",
        {"person": person.pk, "kind": "references", "result": "failed", "checked_on": "2026-01-05", "notes": "No."},
    )
    assert response.status_code == HTTPStatus.FOUND
    check = SponsorCheck.objects.get(person=person)
    assert check.checked_by == caseworker
    assert check.result == SponsorCheck.Result.FAILED


@pytest.mark.django_db
def test_the_admin_history_keeps_no_name_of_an_erased_sponsor(client, caseworker, sponsor_factory):
    """A caseworker edits the sponsor in the admin; after the account is deleted the admin log must not
    keep the sponsor's name (its entries are titled with the sponsor's name)."""
    from django.contrib.admin.models import LogEntry

    sponsor = sponsor_factory(email="logged@example.org")
    User.objects.filter(pk=sponsor.user_id).update(first_name="Brigita", last_name="Logauskaitė")
    client.force_login(caseworker)
    response = client.post(
        f"/en/admin/sponsorship/sponsorprofile/{sponsor.pk}/change/",
        {
            "user": sponsor.user_id,
            "kind": "host_family",
            "organisation_name": "",
            "municipality": sponsor.municipality_id,
            "country": "LT",
            "phone": "+370 600 00001",
            "motivation": "We can help.",
            "persons-TOTAL_FORMS": "0",
            "persons-INITIAL_FORMS": "0",
            "persons-MIN_NUM_FORMS": "0",
            "persons-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    assert LogEntry.objects.filter(object_repr__contains="Logauskaitė").exists()

    client.force_login(User.objects.get(pk=sponsor.user_id))
    assert client.post("/en/sponsor/delete/", {"confirm": "on"}).status_code == HTTPStatus.FOUND

    assert not LogEntry.objects.filter(object_repr__contains="Logauskaitė").exists()


# --- The sponsor's name -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_profile_asks_for_the_name_and_stores_it_once_on_the_account(client, member):
    from portal.models import User
    from sponsorship.models import SponsorPerson

    client.force_login(member)
    response = client.post("/en/sponsor/profile/", _profile_post(first_name="", last_name=" "))
    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.content.decode()
    assert not SponsorProfile.objects.exists()

    response = client.post("/en/sponsor/profile/", _profile_post(first_name=" Rūta ", last_name="Rėmėja"))
    assert response.status_code == HTTPStatus.FOUND
    member = User.objects.get(pk=member.pk)
    assert (member.first_name, member.last_name) == ("Rūta", "Rėmėja")
    assert str(member) == "Rūta Rėmėja"
    main = SponsorPerson.objects.get(user=member)
    assert main.full_name == "Rūta Rėmėja"
    assert str(SponsorProfile.objects.get()) == "Rūta Rėmėja"

    # A change of name reaches the main person too; the form shows the stored name.
    response = client.post("/en/sponsor/profile/", _profile_post(first_name="Rūta", last_name="Naujoji", consent=None))
    assert response.status_code == HTTPStatus.FOUND
    assert SponsorPerson.objects.get(pk=main.pk).full_name == "Rūta Naujoji"
    assert 'value="Naujoji"' in client.get("/en/sponsor/profile/").content.decode()


@pytest.mark.django_db
def test_a_group_gives_its_name_and_its_contact_person_theirs(client, member):
    client.force_login(member)
    response = client.post(
        "/en/sponsor/profile/",
        _profile_post(kind=SponsorProfile.Kind.COMMUNITY_GROUP, organisation_name="Kauno kaimynai"),
    )
    assert response.status_code == HTTPStatus.FOUND
    sponsor = SponsorProfile.objects.get()
    assert str(sponsor) == "Kauno kaimynai"
    assert sponsor.persons.get().full_name == "Rūta Rėmėja"
