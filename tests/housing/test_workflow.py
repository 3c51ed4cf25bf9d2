"""The offer's workflow is the one table of its steps: the sponsor's page and the admin show exactly its
steps; housing announces an offer leaving and never imports matching."""

import ast
from http import HTTPStatus
from pathlib import Path

import pytest

from housing.models import HousingOffer
from housing.services import OFFER_WORKFLOW
from portal.workflow import Role

Status = HousingOffer.Status
ROLES = [Role.SPONSOR, Role.CASEWORKER, Role.SYSTEM, Role.OTHER]
WITHDRAW = {Status.WITHDRAWN}

# Restated by hand from the README's lifecycle, not read from the table: what each role can do from
# each status. Anything not listed is refused.
EXPECTED = {
    (Status.DRAFT, Role.SPONSOR): {Status.SUBMITTED, *WITHDRAW},
    (Status.DRAFT, Role.CASEWORKER): WITHDRAW,
    (Status.SUBMITTED, Role.SPONSOR): WITHDRAW,
    (Status.SUBMITTED, Role.CASEWORKER): {Status.INSPECTED, Status.DRAFT, *WITHDRAW},
    (Status.INSPECTED, Role.SPONSOR): WITHDRAW,
    (Status.INSPECTED, Role.CASEWORKER): {Status.AVAILABLE, *WITHDRAW},
    (Status.AVAILABLE, Role.SPONSOR): WITHDRAW,
    (Status.AVAILABLE, Role.CASEWORKER): {Status.RESERVED, *WITHDRAW},
    (Status.AVAILABLE, Role.SYSTEM): {Status.EXPIRED},
    (Status.RESERVED, Role.SPONSOR): WITHDRAW,
    (Status.RESERVED, Role.CASEWORKER): {Status.AVAILABLE, Status.OCCUPIED, *WITHDRAW},
    (Status.RESERVED, Role.SYSTEM): {Status.AVAILABLE, Status.EXPIRED},
    (Status.OCCUPIED, Role.CASEWORKER): {Status.AVAILABLE},
    (Status.EXPIRED, Role.SPONSOR): {Status.DRAFT},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", Status.values)
def test_the_offer_workflow_answers_which_steps_each_role_can_take(status, role):
    assert set(OFFER_WORKFLOW.steps_from(status, role)) == EXPECTED.get((status, role), set())
    for to in Status.values:
        assert OFFER_WORKFLOW.allowed(status, to, role) == (to in EXPECTED.get((status, role), set()))


@pytest.mark.django_db
def test_the_workflow_knows_who_the_person_is_for_an_offer(sponsor_factory, offer_factory, caseworker):
    sponsor = sponsor_factory()
    offer = offer_factory(sponsor)
    stranger = sponsor_factory(email="stranger@example.org").user
    assert OFFER_WORKFLOW.steps_for(offer, sponsor.user) == [Status.SUBMITTED, Status.WITHDRAWN]
    assert OFFER_WORKFLOW.steps_for(offer, caseworker) == [Status.WITHDRAWN]
    assert OFFER_WORKFLOW.steps_for(offer, stranger) == []
    assert OFFER_WORKFLOW.steps_for(offer, None) == []


# --- The sponsor's page shows exactly the workflow's steps -------------------------------------------------

BUTTONS = {
    Status.SUBMITTED: "/submit/",
    Status.DRAFT: "/reopen/",
    Status.WITHDRAWN: "/withdraw/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", Status.values)
def test_the_offer_page_shows_a_button_for_each_step_the_sponsor_can_take(
    client, sponsor_factory, offer_factory, status
):
    sponsor = sponsor_factory()
    offer = offer_factory(sponsor)
    HousingOffer.objects.filter(pk=offer.pk).update(status=status)
    client.force_login(sponsor.user)

    response = client.get(f"/en/sponsor/offers/{offer.pk}/")

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    steps = set(OFFER_WORKFLOW.steps_from(status, Role.SPONSOR))
    for to, action in BUTTONS.items():
        # A destructive step is a link to its confirmation page; the others are one-click forms.
        attribute = "href" if to == Status.WITHDRAWN else "action"
        assert (f'{attribute}="/en/sponsor/offers/{offer.pk}{action}"' in content) == (to in steps), to


@pytest.mark.django_db
@pytest.mark.parametrize("status", Status.values)
def test_the_admin_offers_an_inspection_exactly_when_the_workflow_allows_it(
    client, caseworker, sponsor_factory, offer_factory, status
):
    offer = offer_factory(sponsor_factory())
    HousingOffer.objects.filter(pk=offer.pk).update(status=status)
    client.force_login(caseworker)

    content = client.get(f"/en/admin/housing/housingoffer/{offer.pk}/change/").content.decode()

    inspectable = OFFER_WORKFLOW.allowed(status, Status.INSPECTED, Role.CASEWORKER)
    assert (f"/en/admin/housing/housingoffer/{offer.pk}/inspect/" in content) == inspectable
    assert inspectable == (status == Status.SUBMITTED)


# --- Layers -------------------------------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = set()
    for node in ast.walk(tree):  # function-local imports included
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def test_housing_never_imports_matching():
    """Housing is below matching: an offer leaving is announced (`housing.signals.offer_leaving`), not
    handed to matching by an import."""
    root = Path(__file__).resolve().parents[2] / "housing"
    files = sorted(root.rglob("*.py"))
    assert files
    offenders = {
        str(path.relative_to(root.parent)): sorted(m for m in _imported_modules(path) if m.split(".")[0] == "matching")
        for path in files
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}
