"""Staff need a second factor: a caseworker without an authenticator is sent to set one up wherever they
go, the admin's own sign-in form is replaced by the portal's, and sponsors are never asked for one."""

from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker_without_mfa(caseworker_of):
    """A new caseworker who has not set up an authenticator yet."""
    return caseworker_of(email="new.caseworker@example.org", mfa=False)


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
