"""A caseworker signs in with a second factor, opens a household, exports its data (JSON download and
the printable page) and erases it with confirmation, in headless Chromium on a desktop and a phone."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.roles import CASEWORKERS_GROUP, roles_ensure
from projects.models import Organisation
from sponsorship.households.services import household_save
from sponsorship.models import Household, HouseholdMember
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEAD = "Mariia Qwertenko"


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_caseworker_exports_prints_and_erases_a_household(page, live_server, user_factory, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    roles_ensure()
    organisation = Organisation.objects.create(slug="iom-lt", name_en="IOM Lithuania", name_lt="IOM Lietuva")
    caseworker = user_factory(email="cw@example.org", is_staff=True, organisation=organisation)
    caseworker.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
    household = household_save(
        household=Household(
            head_name=HEAD,
            document_number="QW5550123",
            phone="+370 622 22222",
            protection_status="temporary",
            status="seeking",
            other_needs="Ground floor: Mariia uses a wheelchair.",
            consent_version="2026-11",
            consent_given_on=timezone.localdate(),
        ),
        by=caseworker,
    )
    HouseholdMember.objects.create(household=household, kind="adult", age=41, name=HEAD)
    HouseholdMember.objects.create(household=household, kind="child", age=6)
    base = live_server.url

    sign_in(page, base, caseworker.email, "correct-horse-battery", caseworker.totp_secret)
    page.goto(f"{base}/en/admin/sponsorship/household/")
    page.get_by_role("link", name=household.reference, exact=True).click()
    page.wait_for_url(f"**/household/{household.pk}/change/")

    # The JSON export is a download holding the household's data.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export data (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == f"{household.reference}.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["household"]["head_of_household"]["name"] == HEAD
    assert [member["age"] for member in data["household"]["members"]] == [41, 6]

    # The printable page, then back to the household.
    page.get_by_role("link", name="Printable data page").click()
    page.get_by_role("heading", name=f"Data of household {household.reference}").wait_for()
    assert page.get_by_text("QW5550123").is_visible()
    page.get_by_role("link", name="Back to the household").click()
    page.wait_for_url(f"**/household/{household.pk}/change/")

    # Erasure: the confirmation page says what happens and asks for a reason and a confirmation.
    page.get_by_role("link", name="Erase personal data").click()
    page.get_by_text("Open proposals are withdrawn first").wait_for()
    page.get_by_label("Reason:").select_option("request")
    page.get_by_role("button", name="Erase the personal data").click()
    # Not confirmed yet: the form is not sent, the page stays and nothing was erased.
    assert page.url.endswith(f"/household/{household.pk}/erase/")
    household.refresh_from_db()
    assert household.anonymised_at is None
    page.get_by_label("I understand that the personal data is erased for good").check()
    page.get_by_role("button", name="Erase the personal data").click()
    page.get_by_text("an anonymised record remains").wait_for()

    # The list shows only the anonymised reference.
    assert page.url.endswith("/en/admin/sponsorship/household/")
    page.get_by_role("link", name=household.reference, exact=True).wait_for()
    content = page.content()
    assert HEAD not in content and "QW5550123" not in content
    page.get_by_role("link", name=household.reference, exact=True).click()
    page.get_by_text("Anonymised record").wait_for()
    assert HEAD not in page.content()
    household.refresh_from_db()
    assert household.anonymised_at is not None and household.head_name == ""
    assert (household.adults_count, household.children_count) == (1, 1)
