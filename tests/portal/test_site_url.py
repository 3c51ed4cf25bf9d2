"""Links in emails come from one setting, SITE_URL, which follows the served port in development; emails
greet with the portal's name (in the recipient's language), never with the site's domain."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from portal.notifications import user_notify

PORTAL_NAMES = {
    "en": "RISE community sponsorship portal",
    "lt": "RISE bendruomenių rėmimo portalas",
    "bg": "Портал RISE за спонсорство от общността",
}


def test_site_url_follows_the_served_port_unless_set():
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "PORT")}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"

    def site_url(**extra: str) -> str:
        run_env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **extra}
        result = subprocess.run(
            [sys.executable, "-c", code],
            env=run_env,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert site_url(PORT="8101") == "http://127.0.0.1:8101"
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8101", SITE_URL="https://portal.example.org/") == "https://portal.example.org"


@pytest.mark.django_db
def test_an_email_queued_by_a_task_links_from_site_url(settings, user_factory, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8101"
    user = user_factory(email="person@example.org", language="lt")
    with django_capture_on_commit_callbacks(execute=True):
        user_notify(user=user, code="sponsorship.sponsor_verified")

    (message,) = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith("http://127.0.0.1:8101/lt/") for link in links)
    assert PORTAL_NAMES["lt"] in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["lt", "en", "bg"])
def test_account_emails_greet_with_the_portals_name_not_the_domain(
    client, settings, user_factory, django_capture_on_commit_callbacks, lang
):
    settings.SITE_URL = "http://testserver"
    user_factory(email="person@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{lang}/accounts/password/reset/", {"email": "person@example.org"})
        client.post(
            f"/{lang}/accounts/signup/",
            {"email": "new@example.org", "password1": "x-Long-passphrase-1", "password2": "x-Long-passphrase-1"},
        )

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        greeting = message.body.strip().splitlines()[0]
        assert PORTAL_NAMES[lang] in greeting
        assert "testserver" not in greeting
        assert "Ačiū nuo" not in message.body
        # The links start with the one base (the request's address, which SITE_URL names).
        links = re.findall(r"https?://\S+", message.body)
        assert all(link.startswith("http://testserver") for link in links), message.body
