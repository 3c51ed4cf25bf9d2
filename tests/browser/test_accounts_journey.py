"""A newcomer signs up, verifies the email, logs in and switches to Bulgarian, in headless Chromium."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_up_verify_log_in_and_switch_to_bulgarian(page, live_server):
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "lt"

    page.locator(".language-switcher button[value=en]").click()
    assert page.url.endswith("/en/")
    page.locator("#audiences").get_by_role("link", name="Become a sponsor").click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password:", exact=True).fill("a-long-passphrase-42")
    page.get_by_label("Password (again):", exact=True).fill("a-long-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/en/accounts/confirm-email/")
    assert page.get_by_role("heading", name="Verify Your Email Address").is_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/en/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/en/accounts/login/")

    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password:", exact=True).fill("a-long-passphrase-42")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.get_by_role("link", name="Sign out").is_visible()

    page.locator(".language-switcher button[value=bg]").click()
    page.wait_for_url(f"{live_server.url}/bg/")
    assert page.locator("html").get_attribute("lang") == "bg"
    assert page.get_by_role("link", name="Изход").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() != "A home through community sponsorship"
    assert re.search("[а-яА-Я]{5,}", page.get_by_role("heading", level=1).inner_text())
