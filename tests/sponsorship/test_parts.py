"""The registries through which the higher apps take part in sponsorship's rules without being imported
by it: a sponsor's export and deletion (`sponsorship.privacy`), a household's export, erasure and merge
(`sponsorship.households.parts`) and the requirements before a sponsor is matched
(`sponsorship.selectors.MatchingRequirement`)."""

import dataclasses

import pytest

from sponsorship import privacy
from sponsorship import selectors as sponsor_selectors
from sponsorship.households import parts as household_parts
from sponsorship.privacy import SponsorErasure, sponsor_parts
from sponsorship.services import sponsor_erase, sponsor_export
from training.models import Programme

pytestmark = pytest.mark.django_db


def test_every_higher_app_registers_its_sponsor_part():
    assert [part.name for part in sponsor_parts()] == ["offers", "mediation", "training"]


def test_the_sponsor_export_holds_every_part_as_the_part_exports_it(sponsor_factory, offer_factory):
    sponsor = sponsor_factory(email="parts@example.org", verified=True)
    offer = offer_factory(sponsor, street_address="Parts g. 1")

    data = sponsor_export(user=sponsor.user)

    for part in sponsor_parts():
        sections = part.export(sponsor.user, sponsor, ["parts@example.org"])
        assert sections, part.name
        for key, value in sections.items():
            assert data[key] == value, (part.name, key)
    assert [exported["id"] for exported in data["offers"]] == [offer.pk]
    assert {"proposals", "placements", "certificates", "enrolments", "event_registrations"} <= data.keys()


def test_the_export_of_an_account_without_profile_still_has_every_part(user_factory):
    user = user_factory(email="plain-parts@example.org")

    data = sponsor_export(user=user)

    assert data["offers"] == []
    for part in sponsor_parts():
        assert part.export(user, None, []).keys() <= data.keys(), part.name


@pytest.fixture
def spied_parts(monkeypatch):
    """Every registered part, wrapped to record when its `prepare` and `erase` run."""
    calls: list[tuple[str, str, SponsorErasure]] = []

    def spy(name: str, phase: str, function):
        def wrapper(erasure: SponsorErasure) -> None:
            calls.append((name, phase, erasure))
            function(erasure)

        return wrapper

    for part in sponsor_parts():
        monkeypatch.setitem(
            privacy._PARTS,
            part.name,
            dataclasses.replace(
                part, prepare=spy(part.name, "prepare", part.prepare), erase=spy(part.name, "erase", part.erase)
            ),
        )
    return calls


def test_sponsor_erase_prepares_every_part_before_erasing_each(sponsor_factory, offer_factory, spied_parts):
    sponsor = sponsor_factory(email="erase-parts@example.org", verified=True)
    offer_factory(sponsor, street_address="Trinti g. 2")

    pseudonym = sponsor_erase(user=sponsor.user)

    names = [part.name for part in sponsor_parts()]
    assert [(name, phase) for name, phase, _erasure in spied_parts] == [
        *((name, "prepare") for name in names),
        *((name, "erase") for name in names),
    ]
    erasure = spied_parts[0][2]
    assert all(call[2] is erasure for call in spied_parts)  # one erasure, shared by the parts
    assert erasure.pseudonym == pseudonym and erasure.profile.pk == sponsor.pk
    assert "Trinti g. 2" in erasure.identifiers  # the offers part added its values


def test_sponsor_erase_runs_every_part_for_an_account_without_profile(user_factory, spied_parts):
    sponsor_erase(user=user_factory(email="no-profile-parts@example.org"))

    assert {name for name, _phase, _erasure in spied_parts} == {part.name for part in sponsor_parts()}
    assert all(erasure.profile is None for _name, _phase, erasure in spied_parts)


def test_matching_registers_the_household_part_with_its_merge():
    [part] = household_parts.household_parts()
    assert part.name == "mediation"
    assert part.merge.__module__ == "matching.privacy"


def test_training_registers_its_matching_requirement_and_both_rules_apply_it(sponsor_factory):
    assert sorted(sponsor_selectors._REQUIREMENTS) == ["safeguarding", "training"]
    sponsor = sponsor_factory(email="requirement@example.org", verified=True)
    requirement = sponsor_selectors._REQUIREMENTS["training"]
    assert requirement.blockers(sponsor) == []
    assert requirement.unmet({sponsor.pk: sponsor.user_id}) == set()

    Programme.objects.create(
        slug="required-basics",
        title_en="Required basics",
        audience=Programme.Audience.SPONSORS,
        required_for_matching=True,
    )

    expected = ["Required training not completed: Required basics."]
    assert requirement.blockers(sponsor) == expected
    assert requirement.unmet({sponsor.pk: sponsor.user_id}) == {sponsor.pk}
    assert sponsor_selectors.sponsor_matching_blockers(sponsor=sponsor) == expected
    assert sponsor_selectors.sponsors_eligible_ids(sponsor_ids=[sponsor.pk]) == set()


def test_matching_registers_suspension_which_blocks_a_sponsor_but_is_left_to_the_run_in_bulk(
    sponsor_factory, caseworker
):
    from matching.models import SafeguardingConcern
    from matching.services.safeguarding import concern_close, concern_raise

    requirement = sponsor_selectors._REQUIREMENTS["safeguarding"]
    assert requirement.blockers.__module__ == "matching.selectors"
    assert requirement.unmet is None  # the run applies it as its own `suspended` constraint
    sponsor = sponsor_factory(email="suspended@example.org", verified=True)
    concern = concern_raise(sponsor=sponsor, by=caseworker, severity=SafeguardingConcern.Severity.HIGH, note="Check.")

    expected = ["An open safeguarding concern suspends matching."]
    assert requirement.blockers(sponsor) == expected
    assert sponsor_selectors.sponsor_matching_blockers(sponsor=sponsor) == expected
    assert sponsor_selectors.sponsors_eligible_ids(sponsor_ids=[sponsor.pk]) == {sponsor.pk}

    concern_close(concern=concern, by=caseworker, note="Resolved.")
    assert sponsor_selectors.sponsor_matching_blockers(sponsor=sponsor) == []


def test_a_merge_derives_the_kept_households_status_from_the_proposals_it_receives(
    household_factory, proposal_at, superuser
):
    from sponsorship.households.services import household_merge
    from sponsorship.models import Household

    proposal = proposal_at("proposed")
    duplicate = proposal.household
    keep = household_factory(caseworker=duplicate.caseworker)
    assert keep.status == Household.Status.SEEKING

    household_merge(keep=keep, duplicate=duplicate, by=superuser)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert proposal.__class__.objects.get(pk=proposal.pk).household_id == keep.pk
    assert (keep.status, duplicate.status) == (Household.Status.PROPOSED, Household.Status.CLOSED)
