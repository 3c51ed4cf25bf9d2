"""axe-core finds no accessibility violation (of any impact) on the admin pages a caseworker uses: the
index, the lists, and the add, change and step forms of households (with members), offers, inspections,
proposals, placements, sponsors, their people and checks, transfers, safeguarding concerns and matching
runs, in Lithuanian, on a desktop; the forms a caseworker fills in also on a phone.

axe-core's script comes with the pinned dev dependency `axe-playwright-python` (no CDN); Playwright
injects it through the DevTools protocol, so the portal's Content-Security-Policy stays as it is.
One browser, one sign-in with the second factor, the pages in sequence."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django_countries import countries

from housing.models import Inspection
from matching.models import MatchingRun
from matching.services.safeguarding import concern_raise
from projects.models import Language, Municipality
from sponsorship.models import Household, HouseholdMember, MunicipalityPreference, SponsorCheck
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _violations(axe: Axe, page, url: str | None = None) -> list[str]:
    """axe's violations on the page at `url` (default: the page as it is), one line per rule and element."""
    if url:
        page.goto(url)
    url = url or page.url
    results = axe.run(page, options={"resultTypes": ["violations"]})
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{url}: {violation['id']} ({violation['impact']}) at {', '.join(map(str, node['target']))}: "
                f"{node['html'][:160]}"
            )
    return lines


def _scene(admin_scene):
    """The records behind the pages: a household with members, languages, nationalities and a preferred
    municipality; an offer and its inspection; a proposal, a placement, a sponsor, a person and a check;
    a transfer, a safeguarding concern and a finished matching run."""
    household = admin_scene.household
    household.nationalities = ["UA", "SY"]
    household.save(update_fields=["nationalities"])
    language = Language.objects.get_or_create(code="uk", defaults={"name": "Ukrainian"})[0]
    household.languages.add(language)
    MunicipalityPreference.objects.create(household=household, municipality=Municipality.objects.first(), rank=1)
    HouseholdMember.objects.filter(household=household).update(name="Olena")
    placement = admin_scene.placement
    sponsor = placement.offer.sponsor
    person = sponsor.persons.first()
    concern = concern_raise(
        sponsor=sponsor, placement=placement, severity="low", note="Asked twice for rent.", by=admin_scene.caseworker_a
    )
    run = MatchingRun.objects.create(
        status=MatchingRun.Status.DONE, finished_at=timezone.now(), households=3, offers=2, proposals_created=1
    )
    return {
        "household": household,
        "offer": placement.offer,
        "inspection": Inspection.objects.filter(offer=placement.offer).first(),
        "proposal": admin_scene.proposal,
        "placement": placement,
        "sponsor": sponsor,
        "person": person,
        "check": SponsorCheck.objects.filter(person=person).first(),
        "transfer": admin_scene.transfer,
        "concern": concern,
        "run": run,
    }


def _pages(scene) -> tuple[list[str], list[str]]:
    """(every page, the form pages also checked on a phone), as admin URL paths in Lithuanian."""

    def admin(name: str, *args) -> str:
        with translation.override("lt"):
            return reverse(f"admin:{name}", args=args)

    models = {
        "sponsorship_household": "household",
        "sponsorship_householdtransfer": "transfer",
        "sponsorship_sponsorprofile": "sponsor",
        "sponsorship_sponsorperson": "person",
        "sponsorship_sponsorcheck": "check",
        "housing_housingoffer": "offer",
        "housing_inspection": "inspection",
        "matching_matchproposal": "proposal",
        "matching_placement": "placement",
        "matching_safeguardingconcern": "concern",
        "matching_matchingrun": "run",
    }
    pages = [admin("index")]
    for name, record in models.items():
        pages += [admin(f"{name}_changelist"), admin(f"{name}_change", scene[record].pk)]
    adds = [
        "sponsorship_household",
        "sponsorship_householdtransfer",
        "sponsorship_sponsorperson",
        "sponsorship_sponsorcheck",
        "matching_matchproposal",
        "matching_safeguardingconcern",
    ]
    pages += [admin(f"{name}_add") for name in adds]
    steps = [
        admin("housing_housingoffer_inspect", scene["offer"].pk),
        admin("matching_matchproposal_step", scene["proposal"].pk),
        admin("matching_placement_end", scene["placement"].pk),
        admin("sponsorship_sponsorprofile_decide", scene["sponsor"].pk),
        admin("sponsorship_householdtransfer_decide", scene["transfer"].pk),
    ]
    pages += steps
    pages += [
        admin("sponsorship_household_erase", scene["household"].pk),
        admin("sponsorship_household_retention"),
        admin("matching_matchingpolicy_changelist"),
    ]
    phone = [
        admin("sponsorship_household_change", scene["household"].pk),
        admin("sponsorship_sponsorperson_change", scene["person"].pk),
        admin("matching_matchproposal_change", scene["proposal"].pk),
        admin("matching_safeguardingconcern_add"),
        admin("housing_housingoffer_inspect", scene["offer"].pk),
        admin("matching_matchproposal_step", scene["proposal"].pk),
    ]
    return pages, phone


def _choose_nationality(page, household) -> None:
    """On the household's page, the nationalities are a searchable list named after the field: typing a
    few letters finds a country, which is saved."""
    with translation.override("lt"):
        label = str(capfirst(Household._meta.get_field("nationalities").verbose_name))
        poland = dict(countries)["PL"]
        save = gettext("Save")
    box = page.get_by_role("combobox", name=re.compile(f"^{label}"))
    box.click()
    page.keyboard.type(poland[:4])
    page.get_by_role("option", name=poland, exact=True).click()
    page.get_by_role("button", name=save, exact=True).click()
    page.wait_for_url("**/sponsorship/household/")
    household.refresh_from_db()
    assert {country.code for country in household.nationalities} == {"UA", "SY", "PL"}


def test_axe_finds_no_violation_on_the_caseworkers_admin_pages(page, live_server, admin_scene):
    scene = _scene(admin_scene)
    pages, phone = _pages(scene)
    caseworker = admin_scene.caseworker_a
    base = live_server.url
    axe = Axe()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    # The widgets' scripts and styles are files: the Content-Security-Policy blocks nothing of the page's
    # (axe, evaluated by the test and so of no URL, sets style attributes while it measures: not counted).
    page.on(
        "console",
        lambda message: (
            script_errors.append(f"{page.url}: {message.text} ({message.location})")
            if "Content Security Policy" in message.text and message.location.get("url")
            else None
        ),
    )

    sign_in(page, base, caseworker.email, "correct-horse-battery", caseworker.totp_secret)
    found = []
    for path in pages:
        found += _violations(axe, page, f"{base}{path}")
    # Rows added in the page (a member, a preferred municipality and its searchable list) are named too.
    page.goto(f"{base}{phone[0]}")
    page.locator("#members-group .add-row a").click()
    page.locator("#preferences-group .add-row a").click()
    assert page.locator("#preferences-group .select2").count() == 3
    found += [f"[rows added] {line}" for line in _violations(axe, page)]
    # The date fields have the admin's date picker, a date and time its date and time inputs.
    page.goto(f"{base}{phone[0]}")
    assert page.locator(".field-arrival_date .datetimeshortcuts").count() == 1
    page.goto(f"{base}{phone[2]}")
    assert page.locator("#id_notes-0-meeting_at_0.vDateField + .datetimeshortcuts").count() == 1
    assert page.locator("#id_notes-0-meeting_at_1.vTimeField + .datetimeshortcuts").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    for path in phone:
        found += [f"[phone] {line}" for line in _violations(axe, page, f"{base}{path}")]
    assert not found, "\n".join(found)
    assert not script_errors, "\n".join(script_errors)
    page.goto(f"{base}{phone[0]}")
    _choose_nationality(page, scene["household"])
