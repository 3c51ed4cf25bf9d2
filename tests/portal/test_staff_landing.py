"""Where people land after signing in: staff on the admin's start page (their queues), after the second
factor; sponsors where they always did; a `next` parameter wins. The public header links staff to their
workplace, and to a sponsor page only when they have one."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.helpers import totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _sign_in_with_second_factor(client, user, login_url="/en/accounts/login/"):
    response = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    return client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)})


def test_staff_land_on_the_admin_start_page_after_the_second_factor(client, caseworker):
    response = _sign_in_with_second_factor(client, caseworker)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_a_next_parameter_still_wins_for_staff(client, caseworker):
    target = reverse("admin:matching_matchproposal_changelist")
    response = _sign_in_with_second_factor(client, caseworker, login_url=f"/en/accounts/login/?next={target}")
    assert response["Location"] == target


def test_sponsors_keep_their_landing(client, sponsor_factory, settings):
    sponsor = sponsor_factory(email="host@example.org")
    response = client.post("/en/accounts/login/", {"login": sponsor.user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    response = client.post("/en/accounts/logout/")
    response = client.post("/en/accounts/login/?next=/en/sponsor/", {"login": sponsor.user.email, "password": PASSWORD})
    assert response["Location"] == "/en/sponsor/"


def _header(client) -> str:
    page = client.get("/en/news/").content.decode()
    return page[page.index("<header") : page.index("</header>")]


def test_the_header_shows_staff_their_workplace_and_no_sponsor_page(client, caseworker):
    client.force_login(caseworker)
    header = _header(client)
    assert reverse("admin:index") in header and "Caseworker workplace" in header
    assert "My sponsor page" not in header and reverse("sponsorship:dashboard") not in header


def test_the_header_shows_a_sponsor_their_page_and_no_workplace(client, sponsor_factory):
    client.force_login(sponsor_factory(email="host@example.org").user)
    header = _header(client)
    assert "My sponsor page" in header and reverse("sponsorship:dashboard") in header
    assert "Caseworker workplace" not in header


def test_staff_who_are_sponsors_see_both(client, sponsor_factory, caseworker):
    from sponsorship.models import SponsorProfile

    sponsor = sponsor_factory(email="host@example.org")
    SponsorProfile.objects.filter(pk=sponsor.pk).update(user=caseworker)
    client.force_login(caseworker)
    header = _header(client)
    assert "My sponsor page" in header and "Caseworker workplace" in header
