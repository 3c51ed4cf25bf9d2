"""Accounts with allauth: email login, mandatory verification, rate limits, password reset."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from portal.models import User

PASSWORD = "a-long-passphrase-42"


def _signup(client, lang="en", email="new@example.org", captured=None):
    return client.post(f"/{lang}/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def _link(message, pattern):
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(0)


@pytest.fixture
def signup(client, django_capture_on_commit_callbacks):
    def do(lang="en", email="new@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            return _signup(client, lang=lang, email=email)

    return do


@pytest.mark.django_db
def test_signup_creates_an_unverified_user_and_sends_a_verification_email(signup):
    response = signup()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get(email="new@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert "/en/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_in_bulgarian_sends_a_bulgarian_email_and_remembers_the_language(signup):
    signup(lang="bg", email="bg@example.org")
    assert User.objects.get(email="bg@example.org").language == "bg"
    message = mail.outbox[0]
    assert "/bg/accounts/confirm-email/" in message.body
    assert re.search("[а-яА-Я]{4,}", message.subject + message.body), "the email is not in Bulgarian"


@pytest.mark.django_db
def test_login_is_refused_until_the_email_is_verified(client, signup):
    signup()
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_verified_user_logs_in_and_out(client, signup):
    signup()
    client.logout()
    confirm_url = _link(mail.outbox[0], r"http://testserver(/en/accounts/confirm-email/[^\s]+)").split("testserver")[1]
    assert client.get(confirm_url).status_code == HTTPStatus.OK
    assert client.post(confirm_url).status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="new@example.org").verified

    response = client.post("/en/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/"
    assert client.get("/en/").context["user"].email == "new@example.org"

    assert client.post("/en/accounts/logout/").status_code == HTTPStatus.FOUND
    assert client.get("/en/").context["user"].is_anonymous


@pytest.mark.django_db
def test_signup_refuses_a_bad_email_and_a_weak_password_with_translated_errors(client):
    response = client.post("/lt/accounts/signup/", {"email": "not-an-email", "password1": "123", "password2": "123"})
    assert response.status_code == HTTPStatus.OK
    assert not User.objects.exists()
    errors = response.context["form"].errors
    assert "email" in errors and "password1" in errors
    assert "Enter a valid email address." not in response.content.decode()  # shown in Lithuanian


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, user_factory, django_capture_on_commit_callbacks):
    user_factory(email="person@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/password/reset/", {"email": "person@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    reset_url = _link(mail.outbox[0], r"/en/accounts/password/reset/key/[^\s]+")
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(form_url, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert response.status_code == HTTPStatus.FOUND
    assert client.login(email="person@example.org", password="another-long-passphrase")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == HTTPStatus.FOUND  # same answer as for a known address


def _fail_logins(client, times=5):
    for _ in range(times):
        response = client.post("/en/accounts/login/", {"login": "person@example.org", "password": "wrong-password"})
        assert response.status_code == HTTPStatus.OK
        assert "_auth_user_id" not in client.session


def _right_password_is_refused(client):
    response = client.post("/en/accounts/login/", {"login": "person@example.org", "password": "correct-horse-battery"})
    assert response.status_code == HTTPStatus.OK
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_for_a_while(client, user_factory):
    user_factory(email="person@example.org")
    _fail_logins(client)
    _right_password_is_refused(client)


@pytest.mark.django_db
def test_too_many_signups_from_one_address_get_a_translated_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for _ in range(2):
        assert client.post("/lt/accounts/signup/", {"email": "x"}).status_code == HTTPStatus.OK
    response = client.post("/lt/accounts/signup/", {"email": "x"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    content = response.content.decode()
    assert '<html lang="lt">' in content
    assert "Too many attempts" not in content  # shown in Lithuanian


@pytest.mark.django_db
def test_logins_and_their_rate_limits_work_while_redis_is_down(client, user_factory, broken_broker):
    user_factory(email="person@example.org")
    response = client.post("/en/accounts/login/", {"login": "person@example.org", "password": "correct-horse-battery"})
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" in client.session
    client.logout()
    _fail_logins(client)
    _right_password_is_refused(client)


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal_sign_in(client):
    response = client.get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.django_db
def test_a_sponsor_cannot_open_the_admin(client, user_factory):
    user = user_factory(email="sponsor@example.org")
    client.force_login(user)
    response = client.get("/en/admin/")
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert "Site administration" not in response.content.decode()
