"""The Content-Security-Policy in a real Chromium: the main pages (the admin's included, signed in with a
second factor) report no violation, and their JavaScript still works, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Organisation
from tests.helpers import sign_in
from training.models import Certificate, Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Collects every violation the page reports, from the first script on; and makes window.print observable.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
window.print = () => { window.__printed = true; };
"""


class Visitor:
    """A browser context that records CSP violations (events and console reports) on every page."""

    def __init__(self, chromium, base: str, viewport: dict):
        self.base = base
        self.context = chromium.new_context(locale="en-US", viewport=viewport)
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.violations: list[str] = []
        self.visited = 0
        self.page.on(
            "console",
            lambda message: (
                self.violations.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def visit(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.ok, f"{path}: {response.status}"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        self.page.wait_for_load_state("load")
        self.collect(path)
        self.visited += 1
        return response

    def collect(self, label: str) -> None:
        self.violations += [f"{label}: {v}" for v in self.page.evaluate("window.__csp || []")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.mark.reliability
def test_main_pages_report_no_csp_violation_and_their_scripts_work(
    chromium, live_server, viewport, superuser, sponsor_factory, offer_factory, figure
):
    base = live_server.url
    organisation = Organisation.objects.create(slug="iom-lt", name_en="IOM Lithuania", name_lt="IOM Lietuva")
    admin = superuser
    sponsor = sponsor_factory(verified=True, email="host@example.org")
    offer = offer_factory(sponsor)
    programme = Programme.objects.create(slug="basics", title_en="Basics", audience=Programme.Audience.SPONSORS)
    certificate = Certificate.objects.create(user=sponsor.user, holder_name="Sam Sponsor", programme=programme)
    visitors = []

    # Anonymous visitor: public pages, sign-in and sign-up, the certificate's print button (static JS).
    anonymous = Visitor(chromium, base, VIEWPORTS[viewport])
    visitors.append(anonymous)
    for path in ["/en/", "/en/projects/", "/en/news/", "/en/events/", "/en/training/", "/en/accounts/signup/"]:
        anonymous.visit(path)
    page = anonymous.page
    # The site's menu works on this screen (folded behind its button on a phone, which the script makes a
    # disclosure button): its links are visible and lead where they say.
    if viewport == "phone":
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Good practices").click()
    page.wait_for_url("**/en/good-practices/")
    anonymous.collect("menu")
    anonymous.visit(f"/en/training/certificates/{certificate.code}/")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed === true"), "the print button's script did not run"
    anonymous.visit("/en/accounts/login/")

    # A sponsor: dashboard, offer, notifications, allauth's account pages, setting up an authenticator app.
    host = Visitor(chromium, base, VIEWPORTS[viewport])
    visitors.append(host)
    sign_in(host.page, base, sponsor.user.email, "correct-horse-battery")
    host.collect("sponsor sign-in")
    for path in [
        "/en/sponsor/",
        "/en/sponsor/profile/",
        f"/en/sponsor/offers/{offer.pk}/",
        f"/en/sponsor/offers/{offer.pk}/edit/",
        f"/en/sponsor/offers/{offer.pk}/edit/photos/",
        "/en/notifications/",
        "/en/accounts/email/",
        "/en/accounts/password/change/",
        "/en/accounts/2fa/",
    ]:
        host.visit(path)
    host.visit("/en/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in host.page.url:
        host.page.get_by_label("Password:", exact=True).fill("correct-horse-battery")
        host.page.get_by_role("button", name="Confirm").click()
        host.page.wait_for_url("**/2fa/totp/activate/")
        host.collect("reauthenticate")
    qr = host.page.locator("img[src^='data:image/svg+xml']")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image was blocked"

    # Staff with a second factor: the caseworker workplace and the admin (changelist, change form, add form).
    staff = Visitor(chromium, base, VIEWPORTS[viewport])
    visitors.append(staff)
    sign_in(staff.page, base, admin.email, "correct-horse-battery", admin.totp_secret)
    staff.collect("staff sign-in")
    for path in [
        "/en/caseworker/",
        "/en/admin/",
        "/en/admin/sponsorship/sponsorprofile/",
        "/en/admin/sponsorship/household/",
        "/en/admin/sponsorship/household/add/",
        "/en/admin/housing/housingoffer/",
        f"/en/admin/housing/housingoffer/{offer.pk}/change/",
        "/en/admin/matching/matchingrun/",
    ]:
        staff.visit(path)

    # The admin's scripts run: "select all" in a changelist ticks every row.
    staff.visit("/en/admin/projects/organisation/")
    page = staff.page
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1")
    staff.collect("admin actions")

    # The language tabs of a translated record switch between the languages' fields.
    staff.visit(f"/en/admin/projects/organisation/{organisation.pk}/change/")
    page = staff.page
    expect(page.locator(".ui-tabs-nav").first).to_be_visible()
    english = page.locator("input[name='name_en']")
    lithuanian = page.locator("input[name='name_lt']")
    expect(english).to_be_visible()  # the admin's language first
    expect(lithuanian).to_be_hidden()
    tabs = page.locator(".ui-tabs-nav").first
    tabs.get_by_role("tab", name=re.compile(r"^lt$", re.I)).click()
    expect(lithuanian).to_be_visible()
    expect(lithuanian).to_have_value("IOM Lietuva")
    expect(english).to_be_hidden()
    tabs.get_by_role("tab", name=re.compile(r"^en$", re.I)).click()
    expect(english).to_be_visible()
    staff.collect("admin tabs")

    violations = [v for visitor in visitors for v in visitor.violations]
    pages = sum(visitor.visited for visitor in visitors)
    for visitor in visitors:
        visitor.close()
    figure(f"CSP violations in Chromium ({viewport}, {pages} pages)", len(violations))
    assert violations == []
