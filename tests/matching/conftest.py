"""Mediation fixtures: organisations, their caseworkers, households, available offers and proposals
walked through the real services to a given status."""

import itertools

import pytest


@pytest.fixture
def organisation_factory(db):
    """A new organisation each call (slugs and names are unique per test)."""
    from projects.models import Organisation

    numbers = itertools.count(1)

    def make(name: str | None = None, **data):
        number = next(numbers)
        name = name or f"Helping Hands {number}"
        fields = {"slug": f"helping-hands-{number}", "name": name, "kind": Organisation.Kind.NGO, "country": "LT"}
        fields.update(data)
        return Organisation.objects.create(**fields)

    return make


@pytest.fixture
def organisation(organisation_factory):
    return organisation_factory(name="Kaunas Refugee Help")


@pytest.fixture
def caseworker_of(user_factory, organisation):
    """A staff caseworker (with MFA, in the Caseworkers group) of `organisation` (default: the
    `organisation` fixture)."""
    from django.contrib.auth.models import Group

    from portal.roles import CASEWORKERS_GROUP, roles_ensure

    numbers = itertools.count(1)

    def make(org=None, *, email: str | None = None, **extra):
        org = org or organisation
        roles_ensure()
        number = next(numbers)
        extra.setdefault("first_name", "Case")
        extra.setdefault("last_name", f"Worker {number}")
        user = user_factory(email=email or f"caseworker{number}@{org.slug}.example.org", is_staff=True, **extra)
        user.groups.add(Group.objects.get(name=CASEWORKERS_GROUP))
        user.organisation = org
        user.save(update_fields=["organisation"])
        return user

    return make


@pytest.fixture
def organisation_caseworker(caseworker_of):
    """The default caseworker of `organisation`: records households and inspects offers."""
    return caseworker_of()


@pytest.fixture
def household_factory(organisation_caseworker):
    """A seeking household with consent and members, recorded through `household_save` by
    `caseworker` (default: the organisation's caseworker), so it belongs to that caseworker's organisation.

    `members` is a list of (kind, age) pairs.
    """
    from django.utils import timezone

    from sponsorship.households.services import household_save
    from sponsorship.models import Household, HouseholdMember

    def make(caseworker=None, members=(("adult", 38), ("adult", 35), ("child", 9)), **data):
        caseworker = caseworker or organisation_caseworker
        fields = {
            "head_name": "Olena Kovalenko",
            "phone": "+370 611 11111",
            "email": "olena@example.org",
            "protection_status": Household.ProtectionStatus.TEMPORARY,
            "consent_version": "1",
            "consent_given_on": timezone.localdate(),
            "consent_recorded_by": caseworker,
            "status": Household.Status.SEEKING,
            "organisation": caseworker.organisation,
            "caseworker": caseworker,
        }
        fields.update(data)
        household = household_save(household=Household(**fields), by=caseworker)
        for kind, age in members:
            member = HouseholdMember(household=household, kind=kind, age=age)
            member.full_clean()
            member.save()
        return household

    return make


@pytest.fixture
def available_offer(sponsor_factory, offer_factory, organisation_caseworker):
    """An offer of a verified sponsor, submitted and passed at inspection: available.

    Pass `sponsor` to reuse one, or `email` for a new sponsor's address; other keywords go to the offer.
    """
    from django.utils import timezone

    from housing.models import Inspection
    from housing.services import offer_inspect, offer_submit

    numbers = itertools.count(1)

    def make(sponsor=None, *, email: str | None = None, inspector=None, **data):
        if sponsor is None:
            sponsor = sponsor_factory(verified=True, email=email or f"sponsor{next(numbers)}@example.org")
        offer = offer_factory(sponsor, **data)
        offer_submit(offer=offer, by=sponsor.user)
        offer_inspect(
            offer=offer,
            inspector=inspector or organisation_caseworker,
            visited_on=timezone.localdate(),
            checklist=dict.fromkeys(Inspection.CHECKLIST, True),
            result=Inspection.Result.PASS,
        )
        offer.refresh_from_db()
        return offer

    return make


# The happy path of a proposal, and who takes each step ("caseworker" of the household, or the
# offer's "sponsor").
PROPOSAL_PATH = [
    ("approved", "caseworker"),
    ("sent", "caseworker"),
    ("sponsor_accepted", "sponsor"),
    ("beneficiary_accepted", "caseworker"),
    ("meeting", "caseworker"),
]


@pytest.fixture
def proposal_at(household_factory, available_offer):
    """`proposal_at(status, household=None, offer=None)`: a proposal created by the household's
    caseworker and walked through `proposal_transition` to `status` (proposed … meeting)."""
    from matching.services.proposals import proposal_create, proposal_transition

    reachable = ["proposed"] + [status for status, _actor in PROPOSAL_PATH]

    def make(status: str = "proposed", *, household=None, offer=None, **create):
        if status not in reachable:
            raise ValueError(f"proposal_at walks to one of {reachable}, not {status!r}")
        household = household or household_factory()
        offer = offer or available_offer()
        caseworker = household.caseworker
        proposal = proposal_create(household=household, offer=offer, by=caseworker, **create)
        for to, actor in PROPOSAL_PATH[: reachable.index(status)]:
            by = offer.sponsor.user if actor == "sponsor" else caseworker
            proposal = proposal_transition(proposal=proposal, to=to, by=by)
        proposal.refresh_from_db()
        return proposal

    return make
