"""A caseworker reads the admin in Lithuanian, switches it to Bulgarian from its header, and back: in a
real Chromium, under the strict Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


def test_caseworker_switches_the_admins_language(page, live_server, caseworker, tmp_path):
    page.context.add_init_script(LISTEN)
    base = live_server.url
    sign_in(page, base, caseworker.email, "correct-horse-battery", caseworker.totp_secret)
    page.goto(f"{base}/lt/admin/")
    expect(page).to_have_title("Atvejo vadybininkų darbo vieta | RISE portalo administravimas")
    header = page.locator("#header")
    expect(header.get_by_role("link", name="RISE: bendruomenių rėmimo portalas")).to_be_visible()
    switcher = header.locator("form.language-switcher")
    expect(switcher.get_by_role("button", name="BG")).to_be_visible()
    page.screenshot(path=str(tmp_path / "admin-lt.png"))

    switcher.get_by_role("button", name="BG").click()
    page.wait_for_url("**/bg/admin/")
    expect(page).to_have_title("Работно място на социалните работници | Администриране на портала RISE")
    expect(page.locator("#header form.language-switcher button[aria-current='true']")).to_have_text("BG – Български")

    page.locator("#header form.language-switcher").get_by_role("button", name="LT").click()
    page.wait_for_url("**/lt/admin/")
    assert page.evaluate("window.__csp") == []
