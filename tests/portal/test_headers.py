"""Security headers: a strict Content-Security-Policy everywhere, no-store on pages with personal
data, HTTPS and HSTS by default in production, and a clean `check --deploy`."""

import os
import secrets
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.test import Client

from portal.models import Notification
from projects.models import Organisation
from tests.helpers import BASE_DIR, totp_code
from training.models import Certificate, Programme

PUBLIC_PAGES = ["/en/", "/lt/", "/bg/projects/", "/en/news/", "/en/events/", "/en/training/"]


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_policy(response) -> None:
    policy = _policy(response)
    scripts = policy.get("script-src", policy["default-src"])
    assert scripts == ["'self'"], scripts
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])


def assert_no_store(response) -> None:
    assert response.headers.get("Cache-Control") == "no-store, private", response.request["PATH_INFO"]
    assert "Cookie" in response.headers.get("Vary", "")


def assert_cacheable(response) -> None:
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" not in cache_control and "private" not in cache_control, response.request["PATH_INFO"]


@pytest.fixture
def sponsor_scene(sponsor_factory, offer_factory):
    sponsor = sponsor_factory(verified=True, email="host@example.org")
    offer = offer_factory(sponsor)
    Notification.objects.create(user=sponsor.user, code="housing.inspection_passed", params={"offer": offer.pk})
    return sponsor, offer


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_strict_policy_and_stay_cacheable(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert_strict_policy(response)
    assert_cacheable(response)


@pytest.mark.django_db
def test_error_pages_carry_the_policy(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_strict_policy(response)


@pytest.mark.django_db
def test_sponsor_pages_carry_the_policy_and_are_never_stored(client, sponsor_scene):
    sponsor, offer = sponsor_scene
    client.force_login(sponsor.user)
    for path in [
        "/en/sponsor/",
        "/en/sponsor/profile/",
        f"/en/sponsor/offers/{offer.pk}/",
        f"/en/sponsor/offers/{offer.pk}/edit/home/",
        f"/en/sponsor/offers/{offer.pk}/edit/photos/",
        f"/en/sponsor/offers/{offer.pk}/edit/review/",
        "/en/notifications/",
        "/en/sponsor/my-data.json",
        "/en/accounts/email/",
    ]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        assert_strict_policy(response)
        assert_no_store(response)


@pytest.mark.django_db
def test_public_pages_seen_by_a_signed_in_person_are_not_stored_either(client, sponsor_scene):
    client.force_login(sponsor_scene[0].user)
    response = client.get("/en/")
    assert response.status_code == HTTPStatus.OK
    assert_no_store(response)  # the menu shows the person's notifications


@pytest.mark.django_db
def test_private_areas_are_not_stored_even_when_they_only_redirect_an_anonymous_visitor(client):
    for path in ["/en/sponsor/", "/en/caseworker/", "/en/notifications/", "/en/admin/"]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND, path
        assert_no_store(response)
    response = client.get("/en/accounts/login/")
    assert response.status_code == HTTPStatus.OK
    assert_strict_policy(response)
    assert_no_store(response)


@pytest.mark.django_db
def test_caseworker_and_admin_pages_carry_the_policy_and_are_never_stored(client, caseworker, superuser):
    client.force_login(caseworker)
    response = client.get("/en/caseworker/")
    assert response.status_code == HTTPStatus.OK
    assert_strict_policy(response)
    assert_no_store(response)

    organisation = Organisation.objects.create(slug="iom-lt", name_en="IOM Lithuania", name_lt="IOM Lietuva")
    client.force_login(superuser)
    for path in [
        "/en/admin/",
        "/en/admin/sponsorship/sponsorprofile/",
        "/en/admin/sponsorship/household/",
        "/en/admin/projects/organisation/",
        f"/en/admin/projects/organisation/{organisation.pk}/change/",
        "/en/admin/sponsorship/household/add/",
    ]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        assert_strict_policy(response)
        assert_no_store(response)


@pytest.mark.django_db
def test_sign_in_with_a_second_factor_pages_carry_the_policy(client, user_factory):
    staff = user_factory(email="staff@example.org", is_staff=True)
    response = client.post("/en/accounts/login/", {"login": staff.email, "password": "correct-horse-battery"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert_no_store(response)
    response = client.get("/en/accounts/2fa/authenticate/")
    assert response.status_code == HTTPStatus.OK
    assert_strict_policy(response)
    assert_no_store(response)
    response = client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(staff.totp_secret)})
    assert response.status_code == HTTPStatus.FOUND
    response = client.get("/en/accounts/2fa/")
    assert response.status_code == HTTPStatus.OK
    assert_strict_policy(response)
    assert_no_store(response)


@pytest.mark.django_db
def test_authenticator_set_up_shows_its_qr_code_as_a_data_image_the_policy_allows(client, user_factory):
    user = user_factory(email="new-staff@example.org", mfa=False)
    client.force_login(user)
    response = client.get("/en/accounts/2fa/totp/activate/")
    if response.status_code == HTTPStatus.FOUND:  # allauth asks for the password again first
        client.post(response["Location"], {"password": "correct-horse-battery"})
        response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == HTTPStatus.OK
    assert 'src="data:image/svg+xml;base64,' in response.content.decode()
    assert "data:" in _policy(response)["img-src"]
    assert_no_store(response)


@pytest.mark.django_db
def test_certificate_page_has_no_inline_script_and_is_not_stored(client, sponsor_factory):
    # The print button is wired by static/js/portal.js; the holder's name is personal data.
    sponsor = sponsor_factory()
    programme = Programme.objects.create(slug="basics", title_en="Basics", audience=Programme.Audience.SPONSORS)
    certificate = Certificate.objects.create(user=sponsor.user, holder_name="Ona Onaitė", programme=programme)
    response = client.get(f"/en/training/certificates/{certificate.code}/")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Ona Onaitė" in content and 'data-action="print"' in content and "onclick" not in content
    assert_strict_policy(response)
    assert_no_store(response)


def test_no_template_has_inline_script_or_event_handlers():
    import re

    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.name}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text or re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.name}: inline handler or style")
    assert offenders == []


# --- HTTPS ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hsts_is_sent_over_https_for_a_year_with_subdomains(client):
    response = client.get("/en/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_https_redirect_spares_only_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/en/projects/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/en/projects/"
    assert client.get("/healthz").status_code == HTTPStatus.OK


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.base",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "BEHIND_PROXY": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "1",
    "DEFAULT_FROM_EMAIL": "RISE portal <noreply@example.org>",
}
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
    "for k in ['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
    "'SILENCED_SYSTEM_CHECKS']}))"
)


def _run(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    # The test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE) are not production's.
    strip = {
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {key: value for key, value in os.environ.items() if key not in strip}
    env.update({**PRODUCTION_ENV, **env_vars})
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def _deploy_check(**env_vars: str) -> subprocess.CompletedProcess:
    return _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env_vars)


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_the_https_redirect_or_hsts_is_turned_off():
    result = _deploy_check(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def test_check_deploy_fails_while_site_url_is_the_development_address():
    result = _deploy_check(SITE_URL="http://127.0.0.1:8000")
    assert result.returncode != 0
    assert "portal.W001" in result.stderr


def test_production_defaults_to_https_and_hsts_and_each_can_be_turned_off():
    import json

    def probe(**env_vars):
        result = _run(["-c", PROBE], **env_vars)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    production = probe()
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    switched = probe(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_HSTS_PRELOAD="1")
    assert switched["SECURE_SSL_REDIRECT"] is False and switched["SECURE_HSTS_SECONDS"] == 0
    assert switched["SECURE_HSTS_PRELOAD"] is True and switched["SILENCED_SYSTEM_CHECKS"] == []
    development = probe(DEBUG="1")
    assert development["SECURE_SSL_REDIRECT"] is False and development["SECURE_HSTS_SECONDS"] == 0


def test_test_client_is_not_redirected(client: Client):
    # The tests' settings keep the redirect off (the live server speaks plain HTTP).
    from django.conf import settings

    assert settings.SECURE_SSL_REDIRECT is False
