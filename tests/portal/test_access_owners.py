"""One owner for every access rule.

Each app's `access` module answers its questions once (`is_caseworker_of`, `can_view_household`, …) and
owns one scoped-queryset helper per model holding personal or organisation data (`households_for`,
`offers_for`, `proposals_for`, `placements_for`, …). These tests enumerate what must go through them:

- every ModelAdmin registered on the admin site whose model holds such data returns, for each kind of
  reader, exactly its helper's rows (two organisations' data in the fixture); its drop-downs and list
  filters list no one else's rows;
- every view, admin and selector module reads those models only through a helper;
- nothing outside the access modules reads `is_staff`, `is_superuser` or a user's organisation, or
  filters by organisation (a tiny allowlist says why each exception is not an access rule);
- each predicate, on the same readers;
- the roles migration creates the groups with their permissions.
"""

import ast
import datetime
import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ForeignKey
from django.test import RequestFactory
from django.utils import timezone

from housing import access as housing_access
from housing.models import HousingOffer, Inspection
from matching import access as matching_access
from matching.models import FollowUp, MatchingRun, MatchProposal, Placement, SafeguardingConcern, UnmatchedHousehold
from matching.selectors import caseworker_agenda, matching_run_report, proposals_for_sponsor
from portal import access as portal_access
from portal.admin_tools import ScopedAdmin
from portal.roles import CASEWORKER_PERMISSIONS, CASEWORKERS_GROUP, SPONSORS_GROUP, role_permissions
from sponsorship import access as sponsorship_access
from sponsorship.models import Household, HouseholdMeeting, HouseholdNote, HouseholdTransfer
from training import access as training_access
from training.models import Enrolment, Session

ROOT = Path(settings.BASE_DIR)
APPS = ["portal", "projects", "sponsorship", "training", "housing", "matching"]

# The one helper of each model with personal or organisation data.
HELPERS = {
    Household: sponsorship_access.households_for,
    HouseholdTransfer: sponsorship_access.transfers_for,
    HouseholdNote: sponsorship_access.household_notes_for,
    HouseholdMeeting: sponsorship_access.household_meetings_for,
    FollowUp: matching_access.follow_ups_for,
    HousingOffer: housing_access.offers_for,
    Inspection: housing_access.inspections_for,
    MatchProposal: matching_access.proposals_for,
    Placement: matching_access.placements_for,
    SafeguardingConcern: matching_access.concerns_for,
}
HELPER_NAMES = {
    name
    for module in (sponsorship_access, housing_access, matching_access)
    for name in dir(module)
    if name.endswith("_for")
}
# Models whose rows are someone's: a registered model pointing at one of them must be scoped too.
PERSONAL = {Household, HousingOffer, MatchProposal, Placement}


# --- The world: two organisations' cases, a sponsor, and every kind of reader -------------------------------


@pytest.fixture
def world(
    user_factory,
    organisation,
    organisation_caseworker,
    organisation_factory,
    caseworker_of,
    household_factory,
    available_offer,
    proposal_at,
):
    from matching.services.placements import proposal_confirm
    from matching.services.safeguarding import concern_raise
    from sponsorship.households.services import household_transfer_request

    w = SimpleNamespace(orgs=[])
    org_b = organisation_factory(name="Vilnius Welcome Centre")
    org_c = organisation_factory(name="Klaipeda Support")
    w.run = MatchingRun.objects.create(status=MatchingRun.Status.DONE, offers=3)
    w.sponsor_offer = available_offer(email="sponsor.a@example.org")
    w.sponsor = w.sponsor_offer.sponsor.user
    offers = [w.sponsor_offer, available_offer(sponsor=w.sponsor_offer.sponsor)]
    for org, caseworker, offer in zip(
        [organisation, org_b], [organisation_caseworker, caseworker_of(org_b)], offers, strict=True
    ):
        o = SimpleNamespace(organisation=org, caseworker=caseworker)
        o.seeking = household_factory(caseworker=caseworker)
        o.sent = proposal_at("sent", household=household_factory(caseworker=caseworker), offer=offer)
        o.proposed = proposal_at("proposed", household=household_factory(caseworker=caseworker))
        meeting = proposal_at("meeting", household=household_factory(caseworker=caseworker))
        o.placement = proposal_confirm(
            proposal=meeting,
            by=caseworker,
            move_in_date=timezone.localdate() + datetime.timedelta(days=5),
            agreed_months=6,
        )
        o.transfer = household_transfer_request(household=o.seeking, to_organisation=org_c, by=caseworker)
        o.concern = concern_raise(
            sponsor=meeting.offer.sponsor, by=caseworker, severity="low", note="x", placement=o.placement
        )
        o.unmatched = UnmatchedHousehold.objects.create(run=w.run, household=o.seeking, reason="step_free")
        MatchProposal.objects.filter(pk=o.proposed.pk).update(run=w.run)
        w.orgs.append(o)
    w.org_a, w.org_b = w.orgs
    w.sponsor_concern = concern_raise(sponsor=w.sponsor_offer.sponsor, by=w.org_b.caseworker, severity="low", note="y")
    w.org_c = org_c
    w.readers = {
        "anonymous": AnonymousUser(),
        "sponsor": w.sponsor,
        "caseworker_a": w.org_a.caseworker,
        "caseworker_b": w.org_b.caseworker,
        "caseworker_c": caseworker_of(org_c),  # receives the transfers, has no case
        "staff_without_organisation": user_factory(email="no.org@example.org", is_staff=True),
        "inactive_caseworker": caseworker_of(organisation, email="gone@example.org"),
        "admin": user_factory(email="root@example.org", is_staff=True, is_superuser=True),
    }
    w.readers["inactive_caseworker"].is_active = False
    w.readers["inactive_caseworker"].save(update_fields=["is_active"])
    return w


def _pks(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


# --- Every registered admin of such a model goes through its helper -------------------------------------------


def test_every_registered_admin_of_personal_or_organisation_data_is_scoped_by_its_helper():
    for model, model_admin in admin.site._registry.items():
        points_at_personal = any(
            isinstance(field, ForeignKey) and field.related_model in PERSONAL and field.related_model is not model
            for field in model._meta.get_fields()
        )
        if model in HELPERS or model in PERSONAL or points_at_personal:
            assert isinstance(model_admin, ScopedAdmin), f"{model.__name__}'s admin is not scoped"
            assert model_admin.records_for is HELPERS[model], f"{model.__name__}'s admin uses another helper"
        else:
            assert not isinstance(model_admin, ScopedAdmin), f"{model.__name__}: add its helper to HELPERS"


@pytest.mark.django_db
def test_each_scoped_admin_returns_exactly_its_helpers_rows_for_every_reader(world):
    for model, helper in HELPERS.items():
        model_admin = admin.site._registry[model]
        for name, user in world.readers.items():
            rows = _pks(model_admin.get_queryset(_request(user)))
            assert rows == _pks(helper(user)), (model.__name__, name)
    # The fixture does tell organisations apart: A's caseworker sees A's cases and not B's.
    caseworker_a = world.readers["caseworker_a"]
    for model, row_a, row_b in [
        (Household, world.org_a.seeking, world.org_b.seeking),
        (MatchProposal, world.org_a.sent, world.org_b.sent),
        (Placement, world.org_a.placement, world.org_b.placement),
        (HouseholdTransfer, world.org_a.transfer, world.org_b.transfer),
        (SafeguardingConcern, world.org_a.concern, world.org_b.concern),
    ]:
        rows = _pks(admin.site._registry[model].get_queryset(_request(caseworker_a)))
        assert row_a.pk in rows and row_b.pk not in rows, model.__name__


@pytest.mark.django_db
def test_scoped_admins_answer_object_permissions_by_the_helper(world):
    model_admin = admin.site._registry[Household]
    caseworker_a = _request(world.readers["caseworker_a"])
    assert model_admin.has_change_permission(caseworker_a, world.org_a.seeking)
    assert not model_admin.has_view_permission(caseworker_a, world.org_b.seeking)
    assert model_admin.get_object(caseworker_a, str(world.org_b.seeking.pk)) is None


@pytest.mark.django_db
def test_admin_drop_downs_of_scoped_models_list_only_the_readers_rows(world):
    """A drop-down lists every choice in the page; an autocomplete searches through the related admin
    (scoped, see above), so only the drop-downs need their own scope."""
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for name, user in world.readers.items():
            if not user.is_authenticated or not user.is_staff or not model_admin.has_add_permission(_request(user)):
                continue
            request = _request(user)
            form = model_admin.get_form(request)
            for field_name, form_field in form.base_fields.items():
                db_field = getattr(form_field, "queryset", None) is not None and model._meta.get_field(field_name)
                if not isinstance(db_field, ForeignKey) or db_field.related_model not in HELPERS:
                    continue
                if field_name in (*model_admin.get_autocomplete_fields(request), *model_admin.raw_id_fields):
                    assert isinstance(admin.site._registry[db_field.related_model], ScopedAdmin)
                    checked += 1
                    continue
                assert _pks(form_field.queryset) == _pks(HELPERS[db_field.related_model](user)), (
                    model,
                    field_name,
                    name,
                )
                checked += 1
    assert checked  # the safeguarding concern's placement (an autocomplete), at least


def test_no_list_filter_lists_another_organisations_rows():
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            name = entry[0] if isinstance(entry, tuple) else entry
            if not isinstance(name, str) or "__" in name:
                continue
            field = model._meta.get_field(name)
            assert getattr(field, "related_model", None) not in HELPERS, (
                f"{model.__name__}.list_filter {name!r} would list every organisation's rows"
            )


@pytest.mark.django_db
def test_selectors_return_the_helpers_rows(world):
    caseworker_a = world.readers["caseworker_a"]
    agenda = caseworker_agenda(user=caseworker_a)
    to_review = {proposal.pk for proposal in agenda["to_review"]}
    assert to_review == _pks(matching_access.proposals_for(caseworker_a).filter(status="proposed"))
    assert world.org_b.proposed.pk not in to_review
    report = matching_run_report(run=world.run, user=caseworker_a)
    assert [proposal.pk for proposal, _lines in report["proposals"]] == [world.org_a.proposed.pk]
    assert [row.pk for row, _reason in report["unmatched"]] == [world.org_a.unmatched.pk]
    report = matching_run_report(run=world.run, user=world.readers["admin"])
    assert {row.pk for row, _reason in report["unmatched"]} == {world.org_a.unmatched.pk, world.org_b.unmatched.pk}
    assert _pks(proposals_for_sponsor(user=world.sponsor)) == {world.org_a.sent.pk, world.org_b.sent.pk}


# --- Source: views, admins and selectors read these models through a helper ----------------------------------


def _modules(pattern: str) -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob(pattern) if "migrations" not in path.parts)


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _reads_model(node: ast.AST, names: set[str]) -> bool:
    """`Model.objects…` or `get_object_or_404(Model, …)` for one of the models."""
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and child.attr == "objects" and getattr(child.value, "id", None) in names:
            return True
        shortcut = isinstance(child, ast.Call) and getattr(child.func, "id", None) == "get_object_or_404"
        if shortcut and child.args and getattr(child.args[0], "id", None) in names:
            return True
    return False


def _calls_helper(node: ast.AST) -> bool:
    return any(
        isinstance(child, ast.Call)
        and (getattr(child.func, "id", None) or getattr(child.func, "attr", "")) in HELPER_NAMES
        for child in ast.walk(node)
    )


SCOPED_NAMES = {model.__name__ for model in HELPERS}


def test_views_and_admins_never_read_personal_models_but_through_a_helper():
    modules = [*_modules("views.py"), *_modules("admin.py")]
    assert len(modules) >= 8
    found = [
        f"{path.relative_to(ROOT)}:{function.lineno} {function.name}"
        for path in modules
        for function in _functions(ast.parse(path.read_text()))
        if _reads_model(function, SCOPED_NAMES)
    ]
    assert not found, "read these through the model's helper (or a selector using it): " + ", ".join(found)


def test_selectors_for_a_user_read_personal_models_through_a_helper():
    """A selector given a user (`user` or `request`) and reading households, offers, proposals or
    placements calls the model's helper: it never writes its own scope."""
    found, checked = [], 0
    for path in _modules("selectors.py"):
        for function in _functions(ast.parse(path.read_text())):
            arguments = {arg.arg for arg in [*function.args.args, *function.args.kwonlyargs]}
            if not arguments & {"user", "request"} or not _reads_model(function, SCOPED_NAMES | {"FollowUp"}):
                if arguments & {"user", "request"} and _calls_helper(function):
                    checked += 1
                continue
            checked += 1
            if not _calls_helper(function):
                found.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name}")
    assert checked >= 4  # the sponsor's offers and proposals, the agenda, the run page, the sponsor's export
    assert not found, "scope these through the model's helper: " + ", ".join(found)


# --- Source: nobody else reads roles or organisations --------------------------------------------------------

# (module, function): why reading a role flag or a user's organisation there is not an access rule.
ALLOWED = {
    ("portal/demo.py", "demo_accounts_ensure"): "sets the demo accounts' flags from their table",
    ("portal/privacy.py", "staff_label"): "names a past actor's role in a data download (also a closed account)",
    ("sponsorship/households/services.py", "household_save"): "a new household belongs to its recorder's organisation",
    ("matching/demo.py", "demo_mediation_ensure"): "puts the demo caseworker in the demo organisation",
}
USERISH = {"user", "by", "caseworker", "inspector", "actor"}
ORGANISATION_LOOKUP = re.compile(r"(^|_)organisation(_id)?$")
FILTERS = {"filter", "exclude", "get", "Q", "get_object_or_404", "update_or_create", "get_or_create"}


def _is_userish(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id in USERISH) or (
        isinstance(node, ast.Attribute) and node.attr == "user"
    )


def _violations(source: str) -> list[tuple[str, int, str]]:
    tree = ast.parse(source)
    owner = {}
    for function in _functions(tree):
        for child in ast.walk(function):
            owner.setdefault(id(child), function.name)
    found = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            if node.attr in ("is_staff", "is_superuser"):
                what = f".{node.attr}"
            elif node.attr in ("organisation", "organisation_id") and _is_userish(node.value):
                what = f"a user's .{node.attr}"
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in FILTERS and any(kw.arg and ORGANISATION_LOOKUP.search(kw.arg) for kw in node.keywords):
                what = f"{name}(…organisation…=)"
        if what:
            found.append((owner.get(id(node), "<module>"), node.lineno, what))
    return found


def test_no_role_or_organisation_rule_outside_the_access_modules():
    found, allowed_used = [], set()
    for path in _modules("*.py"):
        if path.name == "access.py":
            continue
        relative = str(path.relative_to(ROOT))
        for function, line, what in _violations(path.read_text()):
            if (relative, function) in ALLOWED:
                allowed_used.add((relative, function))
                continue
            found.append(f"{relative}:{line} {function}: {what}")
    assert not found, "ask the access modules instead: " + "; ".join(found)
    assert allowed_used == set(ALLOWED), f"stale allowlist entries: {set(ALLOWED) - allowed_used}"


def test_the_source_check_finds_the_old_ways():
    source = """
def households_visible_to(user):
    if user.is_superuser:
        return Household.objects.all()
    return Household.objects.filter(organisation_id=user.organisation_id)

def changelist(request):
    return Placement.objects.filter(household__organisation_id=request.user.organisation_id)
"""
    whats = sorted(what for _function, _line, what in _violations(source))
    assert whats == [
        ".is_superuser",
        "a user's .organisation_id",
        "a user's .organisation_id",
        "filter(…organisation…=)",
        "filter(…organisation…=)",
    ]


# --- The predicates --------------------------------------------------------------------------------------------

ROLES = {
    # reader: (is_signed_in, is_caseworker, is_admin)
    "anonymous": (False, False, False),
    "sponsor": (True, False, False),
    "caseworker_a": (True, True, False),
    "caseworker_b": (True, True, False),
    "caseworker_c": (True, True, False),
    "staff_without_organisation": (True, True, False),
    "inactive_caseworker": (False, False, False),
    "admin": (True, True, True),
}


@pytest.mark.django_db
def test_role_questions(world):
    for name, user in world.readers.items():
        signed_in, caseworker, is_admin = ROLES[name]
        assert portal_access.is_signed_in(user) is signed_in, name
        assert portal_access.is_caseworker(user) is caseworker, name
        assert portal_access.is_admin(user) is is_admin, name
        assert portal_access.can_apply_retention(user) is is_admin, name
        # Staff of the back office with the caseworkers' (or all) permissions use a second factor.
        assert portal_access.needs_second_factor(user) is (
            name in {"caseworker_a", "caseworker_b", "caseworker_c", "admin"}
        )


@pytest.mark.django_db
def test_is_caseworker_of_and_organisation_scoped(world):
    org_a, org_b = world.org_a.organisation, world.org_b.organisation
    expected = {"caseworker_a": {org_a.pk}, "caseworker_b": {org_b.pk}, "admin": {org_a.pk, org_b.pk, None}}
    for name, user in world.readers.items():
        for org_id in (org_a.pk, org_b.pk, None):
            assert portal_access.is_caseworker_of(user, org_id) is (org_id in expected.get(name, set())), (name, org_id)
        scoped = portal_access.organisation_scoped(Household.objects.all(), user, path="organisation")
        assert _pks(scoped) == _pks(Household.objects.filter(organisation_id__in=expected.get(name, set()))), name


@pytest.mark.django_db
def test_household_questions(world):
    seeking_a, seeking_b = world.org_a.seeking, world.org_b.seeking
    for name, user in world.readers.items():
        sees_a = name in {"caseworker_a", "admin"}
        sees_b = name in {"caseworker_b", "admin"}
        assert sponsorship_access.can_view_household(user, seeking_a) is sees_a, name
        assert sponsorship_access.can_view_household(user, seeking_b) is sees_b, name
        assert sponsorship_access.can_handle_household(user, seeking_a) is sees_a, name
        assert (seeking_a.pk in _pks(sponsorship_access.households_for(user))) is sees_a, name
        assert sponsorship_access.can_record_household(user) is ROLES[name][1], name
        assert sponsorship_access.can_merge_households(user) is (name == "admin"), name
        assert sponsorship_access.can_decide_sponsor(user) is ROLES[name][1], name
        # A transfer is seen by both organisations, and decided by the receiving one.
        transfers = _pks(sponsorship_access.transfers_for(user))
        assert (world.org_a.transfer.pk in transfers) is (name in {"caseworker_a", "caseworker_c", "admin"}), name
        decides = sponsorship_access.can_decide_transfer(user, world.org_a.transfer)
        assert decides is (name in {"caseworker_c", "admin"}), name


@pytest.mark.django_db
def test_sponsor_and_offer_questions(world):
    offer = world.sponsor_offer
    for name, user in world.readers.items():
        own = name == "sponsor"
        assert sponsorship_access.is_sponsor_of(user, offer.sponsor) is own, name
        assert housing_access.can_edit_offer(user, offer) is own, name
        # Staff see every offer (offers are shared by the organisations); a sponsor their own.
        assert (offer.pk in _pks(housing_access.offers_for(user))) is (own or ROLES[name][1]), name
        assert (offer.pk in _pks(housing_access.offers_for(user, as_sponsor=True))) is own, name
        inspects = name in {"caseworker_a", "caseworker_b", "caseworker_c", "admin"}
        assert housing_access.can_inspect_offer(user, offer) is inspects, name
        assert _pks(housing_access.inspections_for(user)) == _pks(
            Inspection.objects.filter(offer__in=housing_access.offers_for(user))
        )
    offer.sponsor.erased_at = timezone.now()
    assert not sponsorship_access.is_sponsor_of(world.sponsor, offer.sponsor)


@pytest.mark.django_db
def test_mediation_questions(world):
    org_a, org_b = world.org_a, world.org_b
    for name, user in world.readers.items():
        proposals = _pks(matching_access.proposals_for(user))
        placements = _pks(matching_access.placements_for(user))
        concerns = _pks(matching_access.concerns_for(user))
        unmatched = _pks(matching_access.unmatched_for(user))
        follow_ups = _pks(matching_access.follow_ups_for(user))
        for o, sees in [(org_a, name in {"caseworker_a", "admin"}), (org_b, name in {"caseworker_b", "admin"})]:
            assert (o.proposed.pk in proposals) is sees, name
            assert (o.placement.pk in placements) is sees, name
            assert (o.concern.pk in concerns) is sees, name
            assert (o.unmatched.pk in unmatched) is sees, name
            own_follow_ups = set(o.placement.follow_ups.values_list("pk", flat=True))
            assert own_follow_ups and (own_follow_ups <= follow_ups if sees else not own_follow_ups & follow_ups), name
        # A concern about a sponsor alone concerns every caseworker.
        assert (world.sponsor_concern.pk in concerns) is ROLES[name][1], name
        assert matching_access.can_handle_concerns(user) is ROLES[name][1], name
        assert matching_access.can_run_matching(user) is (
            name in {"caseworker_a", "caseworker_b", "caseworker_c", "admin"}
        )
    # A sponsor sees the proposals sent to their offer, never one under review; staff too, as sponsors.
    sent = {org_a.sent.pk, org_b.sent.pk}
    assert _pks(matching_access.proposals_for(world.sponsor)) == sent
    assert _pks(matching_access.proposals_for(world.readers["admin"], as_sponsor=True)) == set()
    assert _pks(matching_access.proposals_for(world.readers["anonymous"])) == set()


@pytest.mark.django_db
def test_training_questions(world):
    trainer = world.sponsor
    session = Session(trainer_id=trainer.pk)
    for name, user in world.readers.items():
        assert training_access.can_train(user, session) is (ROLES[name][1] or name == "sponsor"), name
        enrolment = Enrolment(user_id=trainer.pk)
        assert training_access.can_cancel_enrolment(user, enrolment) is (ROLES[name][1] or name == "sponsor"), name
    assert not training_access.can_train(world.readers["anonymous"], Session(trainer_id=None))


# --- The roles are data ----------------------------------------------------------------------------------------


def _group_permissions(name: str) -> set[tuple[str, str]]:
    return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db
def test_the_roles_migration_created_the_groups_with_their_permissions():
    expected = role_permissions(CASEWORKER_PERMISSIONS)
    assert len(expected) > 40
    assert _group_permissions(CASEWORKERS_GROUP) == expected
    assert _group_permissions(SPONSORS_GROUP) == set()


@pytest.mark.django_db
def test_the_roles_migration_is_idempotent_and_works_on_historical_models():
    migration = importlib.import_module("portal.migrations.0005_roles")
    Group.objects.all().delete()
    Permission.objects.filter(content_type__app_label="matching").delete()  # as before `migrate` created them
    state = MigrationExecutor(connection).loader.project_state(("portal", "0005_roles"), at_end=True)
    for _ in range(2):
        migration.roles_create(state.apps, None)
    assert _group_permissions(CASEWORKERS_GROUP) == role_permissions(CASEWORKER_PERMISSIONS)
    assert Group.objects.filter(name=SPONSORS_GROUP).count() == 1


@pytest.mark.django_db
def test_roles_ensure_command_adds_what_is_missing_and_keeps_the_rest(capsys):
    group = Group.objects.get(name=CASEWORKERS_GROUP)
    extra = Permission.objects.get(content_type__app_label="training", codename="view_session")
    group.permissions.remove(*group.permissions.filter(content_type__app_label="housing"))
    group.permissions.add(extra)
    call_command("roles_ensure")
    assert _group_permissions(CASEWORKERS_GROUP) == role_permissions(CASEWORKER_PERMISSIONS) | {
        ("training", "view_session")
    }
    assert "Caseworkers" in capsys.readouterr().out


@pytest.mark.django_db
def test_migrate_alone_does_not_recreate_the_roles():
    """The roles are the migration's and the command's: no signal or `ready()` writes them."""
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert not Group.objects.exists()
