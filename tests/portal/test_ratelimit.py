"""Login failure limits: by account and address together, so that a stranger cannot lock anyone out."""

from http import HTTPStatus

import pytest
from django.core.cache import cache

EMAIL = "caseworker@example.org"
RIGHT = "correct-horse-battery"
STRANGER = "198.51.100.66"
HOME = "203.0.113.10"

LOCKED = {
    "en": "Too many failed login attempts. Try again later.",
    "lt": "Per daug nepavykusių prisijungimo bandymų. Bandykite vėliau.",
    "bg": "Твърде много неуспешни опити за влизане. Опитайте отново по-късно.",
}
ACCOUNT_LOCKED = {
    "en": "This account has had too many failed sign-in attempts from different places.",
    "lt": "Į šią paskyrą per daug kartų nesėkmingai bandyta prisijungti iš įvairių vietų.",
    "bg": "Има твърде много неуспешни опити за влизане в този профил от различни места.",
}


def _login(client, address: str, password: str, lang: str = "en"):
    client.logout()
    return client.post(f"/{lang}/accounts/login/", {"login": EMAIL, "password": password}, REMOTE_ADDR=address)


def _signed_in(client, response) -> bool:
    return response.status_code == HTTPStatus.FOUND and "_auth_user_id" in client.session


def _fail(client, address: str, times: int = 5) -> None:
    for _ in range(times):
        response = _login(client, address, "wrong-password")
        assert response.status_code == HTTPStatus.OK
        assert "_auth_user_id" not in client.session


@pytest.fixture
def person(user_factory):
    return user_factory(email=EMAIL)


@pytest.mark.django_db
def test_failures_from_a_strangers_address_do_not_lock_the_account_out_elsewhere(client, person):
    _fail(client, STRANGER, times=12)  # well past the per-account-and-address limit of 5
    response = _login(client, HOME, RIGHT)
    assert _signed_in(client, response)


@pytest.mark.django_db
def test_the_address_that_failed_is_held_back_even_with_the_right_password(client, person):
    _fail(client, STRANGER)
    response = _login(client, STRANGER, RIGHT)
    assert response.status_code == HTTPStatus.OK
    assert not _signed_in(client, response)
    assert LOCKED["en"] in response.content.decode()


@pytest.mark.django_db
def test_a_person_who_mistyped_still_gets_in_after_their_own_typos(client, person):
    _fail(client, HOME, times=4)
    assert _signed_in(client, _login(client, HOME, RIGHT))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "bg"])
def test_the_limit_message_is_translated(client, person, lang):
    _fail(client, STRANGER)
    response = _login(client, STRANGER, RIGHT, lang=lang)
    content = response.content.decode()
    assert LOCKED[lang] in content
    assert LOCKED["en"] not in content


@pytest.mark.django_db
def test_the_per_address_limit_still_stops_one_address_guessing_many_accounts(client, person):
    for number in range(11):
        client.post("/en/accounts/login/", {"login": f"p{number}@example.org", "password": "x"}, REMOTE_ADDR=STRANGER)
    response = _login(client, STRANGER, RIGHT)
    assert not _signed_in(client, response)
    assert _signed_in(client, _login(client, HOME, RIGHT))


@pytest.mark.django_db
def test_the_cache_holds_no_email_and_addresses_only_in_allauths_per_address_counters(client, person):
    _fail(client, STRANGER, times=2)
    _login(client, HOME, RIGHT)
    keys = [str(key) for key in cache._cache]  # locmem in tests
    assert any(key.startswith(":1:portal:login-known-address:") for key in keys)
    assert not [key for key in keys if EMAIL in key]
    # allauth's own per-address counters (a minute long) name the address; nothing else does.
    assert not [key for key in keys if (STRANGER in key or HOME in key) and ":ip:" not in key]


# --- Guessing spread over many addresses ---------------------------------------------------------


@pytest.fixture
def account_limit(settings):
    settings.LOGIN_FAILED_ACCOUNT_RATE = "6/h/key"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "lt", "bg"])
def test_guessing_from_many_addresses_is_stopped_per_account(client, person, account_limit, lang):
    for number in range(6):
        _fail(client, f"198.51.100.{number}", times=1)
    response = _login(client, "198.51.100.200", RIGHT, lang=lang)
    assert not _signed_in(client, response)
    assert ACCOUNT_LOCKED[lang] in response.content.decode()


@pytest.mark.django_db
def test_guessing_from_many_addresses_never_locks_the_person_out_where_they_signed_in_before(
    client, person, account_limit
):
    assert _signed_in(client, _login(client, HOME, RIGHT))
    for number in range(10):
        _fail(client, f"198.51.100.{number}", times=1)
    assert not _signed_in(client, _login(client, "198.51.100.200", RIGHT))
    assert _signed_in(client, _login(client, HOME, RIGHT))


@pytest.mark.django_db
def test_a_password_reset_lifts_the_per_account_limit(
    client, person, account_limit, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    for number in range(6):
        _fail(client, f"198.51.100.{number}", times=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": EMAIL}, REMOTE_ADDR="192.0.2.7")
    reset_url = re.search(r"/en/accounts/password/reset/key/[^\s]+", mail.outbox[-1].body).group(0)
    response = client.get(reset_url, follow=True, REMOTE_ADDR="192.0.2.7")
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    new = "another-long-passphrase"
    response = client.post(form_url, {"password1": new, "password2": new}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == HTTPStatus.FOUND
    assert _signed_in(client, _login(client, "198.51.100.200", new))


@pytest.mark.django_db
def test_wrong_second_factor_codes_stay_limited_per_person(client, user_factory):
    # Only someone with the password reaches the code; 6 digits must not be guessable from many places.
    staff = user_factory(email=EMAIL, is_staff=True)
    for number in range(5):
        client.logout()
        client.post("/en/accounts/login/", {"login": EMAIL, "password": RIGHT}, REMOTE_ADDR=f"198.51.100.{number}")
        response = client.post("/en/accounts/2fa/authenticate/", {"code": "000001"}, REMOTE_ADDR=f"198.51.100.{number}")
        assert response.status_code == HTTPStatus.OK
    from tests.helpers import totp_code

    client.logout()
    client.post("/en/accounts/login/", {"login": EMAIL, "password": RIGHT}, REMOTE_ADDR="198.51.100.99")
    response = client.post(
        "/en/accounts/2fa/authenticate/", {"code": totp_code(staff.totp_secret)}, REMOTE_ADDR="198.51.100.99"
    )
    assert response.status_code == HTTPStatus.OK
    assert LOCKED["en"] in response.content.decode()


def test_bulgarian_says_too_many_requests_not_too_much_traffic():
    # allauth's own Bulgarian for its general limit (e.g. authenticator set-up codes) is corrected in locale/.
    from django.utils import translation

    with translation.override("bg"):
        message = translation.gettext("Be patient, you are sending too many requests.")
    assert message == "Моля, изчакайте: изпращате твърде много заявки."
    with translation.override("lt"):
        assert translation.gettext("Be patient, you are sending too many requests.") == (
            "Būkite kantrūs, siunčiate per daug užklausų."
        )
