"""The access matrix: every URL pattern of the resolver (the admin's per-model URLs and allauth's
included) × anonymous, two sponsors, two caseworkers of different organisations and an admin.

Every pattern needs an entry in `PAGES` (or, for a model registered in the admin, in `ADMIN_MODELS`):
how to build its URLs from the fixture objects and who may open them. A new view without an entry
fails the test, naming it. For each viewer × URL: those allowed get the declared status; everyone else
gets a redirect to the sign-in page (or the admin's "does not exist" redirect), a 403 or a 404; and no
response ever holds a marker (household references, names, emails, phones, document numbers, street
addresses, notes) of a party the viewer has no need to see.

Adding an entry is one line, e.g. for a photo-serving view and a household export in the admin:

    "housing:photo": Entry(OWNER | STAFF, each_sponsor(lambda s: {"pk": s.photo.pk})),
    "admin:sponsorship_household_export": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),

Each request runs in a savepoint that is rolled back, so a POST (an offer withdrawn, a logout) leaves
the world as it was for the next viewer.
"""

import datetime
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import unquote_plus, urlencode, urlparse

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation
from PIL import Image

from portal import urls as portal_urls

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgres]


VIEWERS = ("anonymous", "sponsor_a", "sponsor_b", "caseworker_1", "caseworker_2", "admin")
CASEWORKERS = {"caseworker_1": "org_1", "caseworker_2": "org_2"}
ORGS = set(CASEWORKERS.values())
HIDDEN_LINK = "https://meet.example.org/unpublished-briefing-5d2c"


# --- Who may open a URL: predicates of (viewer, owner of the object in the URL) ----------------------


class Who:
    def __init__(self, test: Callable[[str, str], bool]):
        self.test = test

    def __call__(self, viewer: str, owner: str) -> bool:
        return self.test(viewer, owner)

    def __or__(self, other: "Who") -> "Who":
        return Who(lambda viewer, owner: self(viewer, owner) or other(viewer, owner))


def in_scope(viewer: str, owner: str) -> bool:
    """A caseworker's organisation owns the object, or no organisation does (sponsors, catalogue)."""
    return owner not in ORGS or CASEWORKERS.get(viewer) == owner


ANYONE = Who(lambda viewer, owner: True)
NOBODY = Who(lambda viewer, owner: False)
SIGNED_IN = Who(lambda viewer, owner: viewer != "anonymous")
OWNER = Who(lambda viewer, owner: viewer == owner)  # a sponsor's own object
ADMIN = Who(lambda viewer, owner: viewer == "admin")
STAFF = Who(lambda viewer, owner: viewer in CASEWORKERS or viewer == "admin")
CASEWORKER = Who(lambda viewer, owner: viewer in CASEWORKERS and in_scope(viewer, owner)) | ADMIN
NOT_SPONSOR = Who(lambda viewer, owner: not viewer.startswith("sponsor_"))
GROUP_SPONSOR = Who(lambda viewer, owner: viewer == "sponsor_a")  # sponsor A is a community group


# --- How to build the URLs of a pattern from the world -------------------------------------------------


@dataclass(frozen=True)
class Req:
    owner: str  # whose object the URL names: "any", "sponsor_a"/"sponsor_b", "org_1"/"org_2"
    url: str
    method: str | None = None  # default: the entry's
    data: dict | None = None
    who: Who | None = None  # default: the entry's


Targets = Callable[[SimpleNamespace, str], list[Req]]


def one(kwargs: Callable[[SimpleNamespace], dict] | None = None, query: str = "") -> Targets:
    return lambda w, name: [Req("any", reverse(name, kwargs=kwargs(w) if kwargs else None) + query)]


def each_sponsor(kwargs: Callable[[SimpleNamespace], dict]) -> Targets:
    return lambda w, name: [Req(s.key, reverse(name, kwargs=kwargs(s))) for s in w.sponsors]


def each_org(kwargs: Callable[[SimpleNamespace], dict]) -> Targets:
    return lambda w, name: [Req(o.key, reverse(name, kwargs=kwargs(o))) for o in w.orgs]


def urls(build: Callable[[SimpleNamespace], list[Req]]) -> Targets:
    return lambda w, name: build(w)


def nothing(w: SimpleNamespace) -> set[str]:
    return set()


@dataclass(frozen=True)
class Entry:
    who: Who  # who may open it (given the owner of the object it names)
    targets: Targets = one()
    ok: tuple[int, ...] = (HTTPStatus.OK,)  # the statuses of an allowed request
    method: str = "get"
    shows: Callable[[SimpleNamespace], set[str]] = nothing  # markers shown by design to anyone it is open to


def _post(entry_who: Who, targets: Targets | None = None, ok=(HTTPStatus.FOUND,)) -> Entry:
    return Entry(entry_who, targets or one(), ok=ok, method="post")


FOUND = (HTTPStatus.OK, HTTPStatus.FOUND)

PAGES: dict[str, Entry] = {
    "healthz": Entry(ANYONE),
    "django.contrib.sitemaps.views.sitemap": Entry(ANYONE),
    "home": Entry(ANYONE),
    "set_language": Entry(ANYONE, ok=FOUND),
    "search": Entry(ANYONE, one(query="?q=sponsor")),
    # Catalogue
    "projects:project-list": Entry(ANYONE),
    "projects:project-detail": Entry(ANYONE, one(lambda w: {"slug": w.project.slug})),
    "projects:practice-list": Entry(ANYONE),
    "projects:practice-detail": Entry(ANYONE, one(lambda w: {"slug": w.practice.slug})),
    "projects:municipality-list": Entry(ANYONE),
    "projects:municipality-detail": Entry(ANYONE, one(lambda w: {"slug": w.municipality.slug})),
    "projects:news-list": Entry(ANYONE),
    "projects:news-detail": Entry(ANYONE, one(lambda w: {"slug": w.news.slug})),
    "projects:news-rate": _post(SIGNED_IN, one(lambda w: {"slug": w.news.slug})),
    "projects:event-list": Entry(ANYONE),
    "projects:event-detail": Entry(ANYONE, one(lambda w: {"slug": w.event.slug})),
    "projects:resource-list": Entry(ANYONE),
    "projects:privacy": Entry(ANYONE),
    "projects:contact": Entry(ANYONE),
    "projects:accessibility": Entry(ANYONE),
    # A sponsor's own pages (signed-in users see only their own data there)
    "sponsorship:dashboard": Entry(SIGNED_IN, ok=FOUND),
    "sponsorship:profile": Entry(SIGNED_IN),
    "sponsorship:group": Entry(GROUP_SPONSOR),
    "sponsorship:invitation": Entry(SIGNED_IN, one(lambda w: {"token": w.sponsor_a.invitation_token})),
    "sponsorship:export": Entry(SIGNED_IN),
    "sponsorship:delete": Entry(SIGNED_IN),
    "notifications": Entry(SIGNED_IN),
    "notifications-read": _post(SIGNED_IN),
    # Uploaded files: a photo (and its thumbnail) only for the offer's sponsor and staff
    "media-file": Entry(
        OWNER | STAFF,
        urls(lambda w: [Req(s.key, f.url) for s in w.sponsors for f in (s.photo.image, s.photo.thumbnail)]),
    ),
    "housing:offer-create": Entry(SIGNED_IN, ok=FOUND),
    "housing:offer-detail": Entry(OWNER, urls(lambda w: _offers(w, "housing:offer-detail"))),
    "housing:offer-edit": Entry(OWNER, urls(lambda w: _offers(w, "housing:offer-edit")), ok=FOUND),
    "housing:offer-edit-step": Entry(OWNER, urls(lambda w: _offer_steps(w)), ok=FOUND),
    # Posted without a direction: the owner gets past the access check to a 400, anyone else a 404.
    "housing:offer-photo-move": _post(
        OWNER,
        each_sponsor(lambda s: {"pk": s.draft.pk, "photo_pk": s.photo.pk}),
        ok=(HTTPStatus.BAD_REQUEST,),
    ),
    "housing:offer-photo-add": _post(OWNER, each_sponsor(lambda s: {"pk": s.draft.pk})),
    "housing:offer-photo-delete": _post(OWNER, urls(lambda w: _photo_deletes(w))),
    "housing:offer-submit": _post(OWNER, each_sponsor(lambda s: {"pk": s.draft.pk})),
    "housing:offer-withdraw": _post(OWNER, each_sponsor(lambda s: {"pk": s.offer_proposed.pk})),
    "housing:offer-reconfirm": _post(OWNER, each_sponsor(lambda s: {"pk": s.offer_proposed.pk})),
    "housing:offer-reopen": _post(OWNER, each_sponsor(lambda s: {"pk": s.draft.pk})),
    "matching:proposal-detail": Entry(OWNER, urls(lambda w: _sponsor_proposals(w))),
    "matching:caseworker-dashboard": Entry(STAFF),
    # Training (only published programmes are public; see tests/training/test_unpublished.py)
    "training:programme-list": Entry(ANYONE),
    "training:sessions-ical": Entry(ANYONE),
    "training:programme-detail": Entry(ANYONE, urls(lambda w: _training(w, "training:programme-detail", "slug"))),
    "training:session-detail": Entry(ANYONE, urls(lambda w: _training(w, "training:session-detail", "pk"))),
    "training:session-ical": Entry(ANYONE, urls(lambda w: _training(w, "training:session-ical", "pk"))),
    "training:session-enrol": _post(SIGNED_IN, urls(lambda w: _training(w, "training:session-enrol", "pk"))),
    "training:attendance": Entry(STAFF, one(lambda w: {"pk": w.session.pk})),
    "training:enrolment-cancel": _post(OWNER, each_sponsor(lambda s: {"pk": s.enrolment.pk})),
    # Public verification by code shows the holder's name, by design.
    "training:certificate": Entry(
        ANYONE, each_sponsor(lambda s: {"code": s.certificate.code}), shows=lambda w: {s.name for s in w.sponsors}
    ),
    "training:certificate-lookup": Entry(ANYONE),
    "training:event-list": Entry(ANYONE),
    "training:events-ical": Entry(ANYONE),
    "training:event-detail": Entry(ANYONE, one(lambda w: {"slug": w.meeting.slug})),
    # allauth
    "account_login": Entry(ANYONE, ok=FOUND),
    "account_logout": Entry(ANYONE, ok=FOUND),
    "account_inactive": Entry(ANYONE, ok=FOUND),
    "account_signup": Entry(ANYONE, ok=FOUND),
    "account_reauthenticate": Entry(SIGNED_IN, ok=FOUND),
    "account_email": Entry(SIGNED_IN, ok=FOUND),
    "account_email_verification_sent": Entry(ANYONE, ok=FOUND),
    "account_change_password": Entry(SIGNED_IN, ok=FOUND),
    "account_set_password": Entry(SIGNED_IN, ok=FOUND),
    "account_reset_password": Entry(ANYONE, ok=FOUND),
    "account_confirm_login_code": Entry(ANYONE, ok=FOUND),
    "account_confirm_email": Entry(ANYONE, one(lambda w: {"key": "not-a-real-key"}), ok=FOUND),
    "account_reset_password_from_key_done": Entry(ANYONE, ok=FOUND),
    "account_reset_password_from_key": Entry(
        ANYONE, one(lambda w: {"uidb36": "1z", "key": "not-a-real-key"}), ok=FOUND
    ),
    "account_reset_password_done": Entry(ANYONE, ok=FOUND),
    "mfa_index": Entry(SIGNED_IN, ok=FOUND),
    "mfa_authenticate": Entry(ANYONE, ok=FOUND),
    "mfa_reauthenticate": Entry(SIGNED_IN, ok=FOUND),
    "mfa_activate_totp": Entry(SIGNED_IN, ok=FOUND),
    # Staff have an authenticator app (sponsors do not: a 404); nobody here has recovery codes yet.
    "mfa_deactivate_totp": Entry(STAFF, ok=FOUND),
    "mfa_view_recovery_codes": Entry(NOBODY),
    "mfa_generate_recovery_codes": Entry(SIGNED_IN, ok=FOUND),
    "mfa_download_recovery_codes": Entry(NOBODY),
    # The admin site's own views
    "admin:index": Entry(STAFF),
    "admin:login": Entry(NOT_SPONSOR, ok=FOUND),  # a signed-in sponsor is refused (403)
    "admin:logout": _post(STAFF, ok=FOUND),
    "admin:password_change": Entry(STAFF),
    "admin:password_change_done": Entry(STAFF),
    "admin:jsi18n": Entry(STAFF),
    "admin:autocomplete": Entry(STAFF, urls(lambda w: _autocompletes(w))),
    "admin:view_on_site": Entry(STAFF, urls(lambda w: _view_on_site(w)), ok=(HTTPStatus.FOUND,)),
    "admin:app_list": Entry(STAFF, urls(lambda w: _app_lists(w))),
    "admin/(?P<url>.*)$": Entry(NOBODY, urls(lambda w: [Req("any", reverse("admin:index") + "no-such-page/")])),
    # The admin's own views of models (beside the per-model ones that ADMIN_MODELS declares)
    "admin:sponsorship_sponsorprofile_decide": Entry(CASEWORKER, each_sponsor(lambda s: {"pk": s.profile.pk})),
    "admin:sponsorship_householdtransfer_decide": Entry(CASEWORKER, each_org(lambda o: {"pk": o.transfer.pk})),
    # A household's data (GDPR Arts. 15, 17, 20): export, print page, erasure's confirmation; retention report
    "admin:sponsorship_household_export": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),
    "admin:sponsorship_household_print": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),
    "admin:sponsorship_household_erase": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),
    "admin:sponsorship_household_retention": Entry(STAFF),
    # A household's readable page with its timeline, and recording a note or a meeting from it
    "admin:sponsorship_household_overview": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),
    "admin:sponsorship_household_note": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),
    "admin:sponsorship_household_meeting": Entry(CASEWORKER, each_org(lambda o: {"pk": o.seeking.pk})),
    "admin:housing_housingoffer_inspect": Entry(CASEWORKER, each_sponsor(lambda s: {"pk": s.draft.pk})),
    "admin:matching_matchproposal_step": Entry(CASEWORKER, each_org(lambda o: {"pk": o.sent.pk})),
    "admin:matching_placement_end": Entry(CASEWORKER, each_org(lambda o: {"pk": o.placement.pk})),
    "admin:matching_matchingrun_run": Entry(CASEWORKER, ok=(HTTPStatus.FOUND,)),
    "admin:auth_user_password_change": Entry(ADMIN, each_sponsor(lambda s: {"id": s.user.pk})),
}


# --- The admin's per-model URLs: one line per registered model ------------------------------------------


@dataclass(frozen=True)
class AdminModel:
    """`objects(w)` → {owner: object}; `caseworker` and `admin`: what each may do, as letters of
    view/add/change/delete (a change page with view permission only is a read-only 200)."""

    objects: Callable[[SimpleNamespace], dict]
    caseworker: str = ""
    admin: str = "vacd"
    searches: Callable[[SimpleNamespace], list[Req]] = field(default=lambda w: [])


def by_sponsor(get: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {s.key: get(s) for s in w.sponsors}


def by_org(get: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {o.key: get(o) for o in w.orgs}


def of_sponsor_a(get: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], dict]:
    """Sponsor A's object only: caseworkers see every sponsor alike, so B's adds requests, not cases."""
    return lambda w: {"sponsor_a": get(w.sponsor_a)}


def shared(get: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"any": get(w)}


def _changelist_queries(model: str, *queries: Callable[[SimpleNamespace], dict]) -> Callable:
    def build(w):
        url = reverse(f"admin:{model.replace('.', '_')}_changelist")
        return [Req("any", f"{url}?{urlencode(query(w), doseq=True)}") for query in queries]

    return build


def _household_export(w) -> list[Req]:
    # The export action over every household's id: each caseworker gets only their organisation's.
    data = {"action": "export_selected", "_selected_action": [h.pk for o in w.orgs for h in o.households], "index": 0}
    return [Req("any", reverse("admin:sponsorship_household_changelist"), method="post", data=data)]


ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel(shared(lambda w: w.group)),
    "account.emailaddress": AdminModel(of_sponsor_a(lambda s: s.email_address)),
    "mfa.authenticator": AdminModel(shared(lambda w: w.authenticator)),
    "auditlog.logentry": AdminModel(by_org(lambda o: o.log_entry), admin="v"),
    "portal.user": AdminModel(of_sponsor_a(lambda s: s.user), caseworker="v"),
    "portal.queuedtask": AdminModel(shared(lambda w: w.queued_task), admin="vd"),
    # Unsent emails hold links and addresses: superusers only, recipients masked, bodies never shown.
    "portal.outboundemail": AdminModel(shared(lambda w: w.outbound_email), caseworker="", admin="vd"),
    "sponsorship.sponsorprofile": AdminModel(by_sponsor(lambda s: s.profile), caseworker="vc"),
    "sponsorship.sponsorperson": AdminModel(of_sponsor_a(lambda s: s.person), caseworker="vac"),
    "sponsorship.sponsorcheck": AdminModel(of_sponsor_a(lambda s: s.check), caseworker="vac"),
    "sponsorship.consenttext": AdminModel(shared(lambda w: w.consent), caseworker="v", admin="va"),
    "sponsorship.household": AdminModel(
        by_org(lambda o: o.seeking),
        caseworker="vac",
        searches=lambda w: [
            *_changelist_queries(
                "sponsorship.household",
                lambda w: {"q": w.org_1.seeking.reference},
                lambda w: {"q": w.org_2.seeking.head_name},
                lambda w: {"q": w.org_1.seeking.document_number},
                lambda w: {"status": "seeking"},
            )(w),
            *_household_export(w),
        ],
    ),
    "sponsorship.householdtransfer": AdminModel(by_org(lambda o: o.transfer), caseworker="vac"),
    "sponsorship.householdnote": AdminModel(by_org(lambda o: o.household_note), caseworker="va"),
    "sponsorship.householdmeeting": AdminModel(
        by_org(lambda o: o.meeting),
        caseworker="vac",
        searches=_changelist_queries("sponsorship.householdmeeting", lambda w: {"status__exact": "to_arrange"}),
    ),
    "housing.housingoffer": AdminModel(by_sponsor(lambda s: s.offer_sent), caseworker="vc"),
    "housing.inspection": AdminModel(of_sponsor_a(lambda s: s.inspection), caseworker="v", admin="vd"),
    "matching.matchproposal": AdminModel(
        by_org(lambda o: o.sent),
        caseworker="vac",
        searches=_changelist_queries(
            "matching.matchproposal",
            lambda w: {"q": w.org_1.sent.household.reference},
            lambda w: {"run__id__exact": w.run.pk},
        ),
    ),
    "matching.placement": AdminModel(
        by_org(lambda o: o.placement),
        caseworker="vc",
        admin="vcd",
        searches=_changelist_queries("matching.placement", lambda w: {"q": w.org_2.placement.household.reference}),
    ),
    "matching.followup": AdminModel(
        by_org(lambda o: o.follow_up),
        caseworker="vc",
        admin="vc",
        searches=_changelist_queries("matching.followup", lambda w: {"state": "due"}),
    ),
    "matching.safeguardingconcern": AdminModel(
        lambda w: {**{o.key: o.concern for o in w.orgs}, "any": w.sponsor_concern}, caseworker="vac"
    ),
    "matching.matchingpolicy": AdminModel(shared(lambda w: w.policy), caseworker="v", admin="vac"),
    "matching.matchingrun": AdminModel(shared(lambda w: w.run), caseworker="v", admin="v"),
    "training.programme": AdminModel(shared(lambda w: w.programme)),
    "training.session": AdminModel(shared(lambda w: w.hidden_session)),
    "training.certificate": AdminModel(of_sponsor_a(lambda s: s.certificate), admin="vcd"),
    "training.recruitmentevent": AdminModel(shared(lambda w: w.meeting)),
    "projects.theme": AdminModel(shared(lambda w: w.theme)),
    "projects.targetgroup": AdminModel(shared(lambda w: w.target_group)),
    "projects.fundingprogramme": AdminModel(shared(lambda w: w.funding)),
    "projects.sustainabledevelopmentgoal": AdminModel(shared(lambda w: w.sdg)),
    "projects.language": AdminModel(shared(lambda w: w.language), caseworker="v"),
    "projects.organisation": AdminModel(by_org(lambda o: o.organisation), caseworker="v"),
    "projects.municipality": AdminModel(shared(lambda w: w.municipality), caseworker="v"),
    "projects.project": AdminModel(shared(lambda w: w.project)),
    "projects.goodpractice": AdminModel(shared(lambda w: w.practice)),
    "projects.newsitem": AdminModel(shared(lambda w: w.news)),
    "projects.newsrating": AdminModel(of_sponsor_a(lambda s: s.rating)),
    "projects.event": AdminModel(shared(lambda w: w.event)),
    "projects.resource": AdminModel(shared(lambda w: w.resource)),
    # The information pages are edited, never deleted (the footer and every form link to them).
    "projects.infopage": AdminModel(shared(lambda w: w.info_page), admin="vac"),
}

# Organisations are not the caseworkers' to keep apart: an organisation's page names no household.
_SHARED_OWNERS = {"projects.organisation"}


def _admin_who(declared: AdminModel, ops: str, model: str) -> Who:
    def test(viewer: str, owner: str) -> bool:
        if model in _SHARED_OWNERS:
            owner = "any"
        if viewer == "admin":
            return any(op in declared.admin for op in ops)
        return viewer in CASEWORKERS and any(op in declared.caseworker for op in ops) and in_scope(viewer, owner)

    return Who(test)


def _admin_entries() -> dict[str, Entry]:
    entries = {}
    for model, declared in ADMIN_MODELS.items():
        app_label, model_name = model.split(".")
        prefix = f"admin:{app_label}_{model_name}"

        def objects(kind: str, declared=declared, prefix=prefix, app_label=app_label, model_name=model_name):
            def build(w, name):
                found = declared.objects(w).items()
                if kind == "redirect":
                    base = reverse("admin:index")
                    return [Req(owner, f"{base}{app_label}/{model_name}/{obj.pk}/") for owner, obj in found]
                return [Req(owner, reverse(f"{prefix}_{kind}", args=[obj.pk])) for owner, obj in found]

            return build

        def changelist(w, name, declared=declared):
            return [Req("any", reverse(name)), *declared.searches(w)]

        entries |= {
            f"{prefix}_changelist": Entry(_admin_who(declared, "vc", model), changelist),
            f"{prefix}_add": Entry(_admin_who(declared, "a", model)),
            f"{prefix}_change": Entry(_admin_who(declared, "vc", model), objects("change")),
            f"{prefix}_history": Entry(_admin_who(declared, "vc", model), objects("history")),
            f"{prefix}_delete": Entry(_admin_who(declared, "d", model), objects("delete")),
            # The bare object URL redirects staff to the change page, which decides.
            f"admin/{app_label}/{model_name}/<path:object_id>/": Entry(
                STAFF, objects("redirect"), ok=(HTTPStatus.FOUND,)
            ),
        }
    return entries


ENTRIES: dict[str, Entry] = {**PAGES, **_admin_entries()}


# --- Targets that need more than one line ---------------------------------------------------------------


def _offers(w, name: str) -> list[Req]:
    return [
        Req(s.key, reverse(name, kwargs={"pk": offer.pk}))
        for s in w.sponsors
        for offer in (s.draft, s.offer_sent, s.offer_placed, s.offer_proposed)
    ]


def _offer_steps(w) -> list[Req]:
    return [
        Req(s.key, reverse("housing:offer-edit-step", kwargs={"pk": offer.pk, "step": step}))
        for s in w.sponsors
        for offer in (s.draft, s.offer_sent)
        for step in ("home", "photos", "review")
    ]


def _photo_deletes(w) -> list[Req]:
    a, b = w.sponsors
    mixed = reverse("housing:offer-photo-delete", kwargs={"pk": a.draft.pk, "photo_pk": b.photo.pk})
    return [
        *(
            Req(s.key, reverse("housing:offer-photo-delete", kwargs={"pk": s.draft.pk, "photo_pk": s.photo.pk}))
            for s in w.sponsors
        ),
        Req("any", mixed, who=NOBODY),  # A's offer with B's photo
    ]


def _sponsor_proposals(w) -> list[Req]:
    reqs = []
    for s, o in zip(w.sponsors, w.orgs, strict=True):
        reqs += [Req(s.key, reverse("matching:proposal-detail", kwargs={"pk": p.pk})) for p in (o.sent, o.confirmed)]
        # Still under the caseworkers' review: not even the offer's sponsor reads it.
        reqs.append(Req(s.key, reverse("matching:proposal-detail", kwargs={"pk": o.proposed.pk}), who=NOBODY))
    return reqs


def _training(w, name: str, key: str) -> list[Req]:
    def value(obj):
        return getattr(obj, key)

    shown, hidden = (w.programme, w.hidden_programme) if key == "slug" else (w.session, w.hidden_session)
    return [
        Req("any", reverse(name, kwargs={key: value(shown)})),
        Req("any", reverse(name, kwargs={key: value(hidden)}), who=NOBODY),
    ]


def _autocompletes(w) -> list[Req]:
    """Every autocomplete field of the admin (forms and inlines), listing everything and searching for
    the other organisation's household."""
    reqs = []
    for model, model_admin in admin.site._registry.items():
        fields = set(model_admin.autocomplete_fields)
        for inline in model_admin.inlines:
            fields |= {(inline.model, name) for name in inline.autocomplete_fields}
        for item in sorted(fields, key=str):
            source, name = item if isinstance(item, tuple) else (model, item)
            remote = source._meta.get_field(name).remote_field.model
            remote_label = f"{remote._meta.app_label}.{remote._meta.model_name}"
            who = _admin_who(ADMIN_MODELS[remote_label], "vc", remote_label)
            # Everything it lists; for households, also a search for each organisation's.
            terms = [""]
            if remote_label == "sponsorship.household":
                terms += [w.org_1.seeking.reference, w.org_2.seeking.head_name]
            for term in terms:
                query = {
                    "app_label": source._meta.app_label,
                    "model_name": source._meta.model_name,
                    "field_name": name,
                    "term": term,
                }
                reqs.append(Req("any", reverse("admin:autocomplete") + "?" + urlencode(query), who=who))
    return reqs


def _view_on_site(w) -> list[Req]:
    from django.contrib.contenttypes.models import ContentType

    def url(obj):
        return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])

    # It only redirects to the object's own page, which decides; a household has none (404).
    return [
        *(Req(s.key, url(s.offer_sent)) for s in w.sponsors),
        *(Req(o.key, url(o.seeking), who=NOBODY) for o in w.orgs),
    ]


# Apps in which caseworkers have some permission; the admin's index of another app is a 404 to them.
CASEWORKER_APPS = {"portal", "sponsorship", "housing", "matching", "projects"}


def _app_lists(w) -> list[Req]:
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    return [
        Req(
            "any",
            reverse("admin:app_list", kwargs={"app_label": label}),
            who=STAFF if label in CASEWORKER_APPS else ADMIN,
        )
        for label in labels
    ]


# --- The resolver's patterns ------------------------------------------------------------------------------


def _patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(key, route) of every pattern: the namespaced name, or the route (after the language) if unnamed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            route = "" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern)
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern.url_patterns, prefix + route, inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route, route


# --- The world: two sponsors, two organisations, an admin ---------------------------------------------------


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("room.png", buffer.getvalue(), content_type="image/png")


SPONSORS = [
    # key, first, last, email, phone, group name (sponsor A is a community group), street addresses
    (
        "sponsor_a",
        "Aurelija",
        "Zabielskyte",
        "aurelija.zabielskyte@example.org",
        "+370 655 40101",
        "Zirmunai Neighbours Circle",
    ),
    ("sponsor_b", "Bronislava", "Kazlauskiene", "bronislava.kazlauskiene@example.org", "+370 655 40202", ""),
]
HOUSEHOLDS = {
    # key: heads of the seeking, sent, proposed (under review) and placed households
    "org_1": ["Oksana Hrytsenko", "Taras Melnychuk", "Roksolana Pavlenko", "Yulia Bondarenko"],
    "org_2": ["Iryna Shevchuk", "Dmytro Kovalchuk", "Bohdan Savchenko", "Halyna Tkachenko"],
}


def _sponsor(user_factory, municipality, available_offer, offer_factory, number: int, spec) -> SimpleNamespace:
    from sponsorship.models import SponsorCheck, SponsorProfile
    from sponsorship.services import sponsor_check_record, sponsor_profile_save

    key, first, last, email, phone, group = spec
    user = user_factory(email=email, first_name=first, last_name=last)
    kind = SponsorProfile.Kind.COMMUNITY_GROUP if group else SponsorProfile.Kind.HOST_FAMILY
    data = {"kind": kind, "municipality": municipality, "phone": phone, "motivation": "We can help."}
    if group:
        data["organisation_name"] = group
    profile = sponsor_profile_save(user=user, data=data, languages=[], consent=True, language_code="en")
    SponsorProfile.objects.filter(pk=profile.pk).update(
        status=SponsorProfile.Status.VERIFIED, decided_at=timezone.now()
    )
    profile.refresh_from_db()
    person = profile.persons.get()
    for check_kind in SponsorCheck.Kind:
        check = sponsor_check_record(
            person=person,
            kind=check_kind,
            result=SponsorCheck.Result.PASSED,
            checked_on=timezone.localdate(),
            expires_on=timezone.localdate() + datetime.timedelta(days=365),
            by=user,
        )
    streets = [f"Vaidilutes g. {number}{n}-4" for n in range(1, 5)]
    s = SimpleNamespace(
        key=key,
        user=user,
        name=f"{first} {last}",
        email=email,
        phone=phone,
        group=group,
        profile=profile,
        person=person,
        check=check,
        streets=streets,
        email_address=user.emailaddress_set.get(),
    )
    s.draft = offer_factory(profile, street_address=streets[0])
    s.offer_sent = available_offer(sponsor=profile, street_address=streets[1])
    s.offer_placed = available_offer(sponsor=profile, street_address=streets[2])
    s.offer_proposed = available_offer(sponsor=profile, street_address=streets[3])
    return s


@pytest.fixture
def world(
    settings,
    tmp_path,
    user_factory,
    municipality,
    organisation,
    organisation_caseworker,
    organisation_factory,
    caseworker_of,
    household_factory,
    available_offer,
    offer_factory,
    proposal_at,
):
    from allauth.mfa.models import Authenticator
    from auditlog.models import LogEntry
    from django.contrib.auth.models import Group

    from housing.models import Inspection
    from housing.photos import offer_photo_add
    from matching.models import MatchingPolicy, MatchingRun, MatchProposal, UnmatchedHousehold
    from matching.services.placements import mediation_note_add, proposal_confirm
    from matching.services.safeguarding import concern_raise
    from portal.models import OutboundEmail, QueuedTask
    from portal.notifications import user_notify
    from portal.roles import CASEWORKERS_GROUP
    from projects.models import (
        Event,
        FundingProgramme,
        GoodPractice,
        InfoPage,
        Language,
        NewsItem,
        NewsRating,
        Project,
        Resource,
        SustainableDevelopmentGoal,
        TargetGroup,
        Theme,
    )
    from sponsorship.households.services import household_meeting_save, household_note_add, household_transfer_request
    from sponsorship.models import HouseholdMeeting, SponsorPerson
    from sponsorship.selectors import consent_current
    from sponsorship.services import group_member_invite
    from training.models import Certificate, EventRegistration, Module, Programme, RecruitmentEvent, Session
    from training.services import session_enrol

    settings.MEDIA_ROOT = tmp_path / "media"
    w = SimpleNamespace(markers={})

    def mark(value: str, *viewers: str) -> None:
        w.markers[value] = frozenset({"admin", *viewers, *w.markers.get(value, ())})

    w.admin = user_factory(email="root.admin@example.org", is_staff=True, is_superuser=True)
    w.caseworker_1 = organisation_caseworker
    org_2 = organisation_factory(name="Vilnius Welcome Centre")
    w.caseworker_2 = caseworker_of(org_2)
    org_3 = organisation_factory(name="Klaipeda Support")

    w.sponsors = [
        _sponsor(user_factory, municipality, available_offer, offer_factory, number, spec)
        for number, spec in enumerate(SPONSORS, start=1)
    ]
    w.sponsor_a, w.sponsor_b = w.sponsors
    w.orgs = []
    numbers = itertools.count(1)
    for (key, heads), organisation_, caseworker, sponsor in zip(
        HOUSEHOLDS.items(), [organisation, org_2], [w.caseworker_1, w.caseworker_2], w.sponsors, strict=True
    ):
        caseworker_key = next(viewer for viewer, org in CASEWORKERS.items() if org == key)
        households = []
        for head in heads:
            n = next(numbers)
            households.append(
                household_factory(
                    caseworker=caseworker,
                    head_name=head,
                    phone=f"+380 67 300 {n:04d}",
                    email=f"{head.split()[0].lower()}.{n}@example.net",
                    document_number=f"FP77{n:05d}",
                )
            )
        seeking, sent_household, proposed_household, placed_household = households
        o = SimpleNamespace(key=key, organisation=organisation_, caseworker=caseworker, households=households)
        o.seeking = seeking
        o.sent = proposal_at("sent", household=sent_household, offer=sponsor.offer_sent)
        o.proposed = proposal_at("proposed", household=proposed_household, offer=sponsor.offer_proposed)
        meeting = proposal_at("meeting", household=placed_household, offer=sponsor.offer_placed)
        o.placement = proposal_confirm(
            proposal=meeting,
            by=caseworker,
            move_in_date=timezone.localdate() + datetime.timedelta(days=10),
            agreed_months=6,
        )
        o.confirmed = MatchProposal.objects.get(pk=meeting.pk)
        o.transfer = household_transfer_request(household=seeking, to_organisation=org_3, by=caseworker)
        o.note = mediation_note_add(
            by=caseworker, text=f"Mediation note {key} about the landlord 9Q{n}", proposal=o.sent
        )
        o.concern = concern_raise(
            sponsor=sponsor.profile,
            by=caseworker,
            severity="low",
            note=f"Concern {key} at home 4K{n}",
            placement=o.placement,
        )
        o.household_note = household_note_add(
            household=seeking, by=caseworker, kind="consultation", text=f"Consultation {key} about debts 3H{n}"
        )
        o.meeting = household_meeting_save(
            meeting=HouseholdMeeting(household=seeking, purpose="Mentoring", place=f"Cafe {key} 8M{n}"), by=caseworker
        )
        o.follow_up = o.placement.follow_ups.get(respondent="household", milestone=1)
        mark(o.household_note.text, caseworker_key)
        mark(o.meeting.place, caseworker_key)
        o.log_entry = LogEntry.objects.filter(object_pk=str(seeking.pk), content_type__model="household").first()
        for household in households:
            for value in (
                household.reference,
                household.head_name,
                household.phone,
                household.email,
                household.document_number,
            ):
                mark(value, caseworker_key)
        # The offer's sponsor reads the reference of a household proposed to them, and, once it accepted
        # (and the placement is confirmed), its name and contacts.
        mark(sent_household.reference, sponsor.key)
        for value in (
            placed_household.reference,
            placed_household.head_name,
            placed_household.phone,
            placed_household.email,
        ):
            mark(value, sponsor.key)
        mark(o.note.text, caseworker_key)
        mark(o.concern.note, caseworker_key)
        w.orgs.append(o)
    w.org_1, w.org_2 = w.orgs

    w.sponsor_concern = concern_raise(
        sponsor=w.sponsor_b.profile, by=w.caseworker_2, severity="low", note="Concern about the sponsor alone 7Z"
    )
    mark(w.sponsor_concern.note, *CASEWORKERS)

    # Catalogue and training
    w.language = Language.objects.get_or_create(code="lt", defaults={"name_en": "Lithuanian", "name_lt": "Lietuviu"})[0]
    w.theme = Theme.objects.create(slug="access-theme", name_en="Housing", name_lt="Bustas")
    w.target_group = TargetGroup.objects.create(slug="access-group", name_en="Families", name_lt="Seimos")
    w.funding = FundingProgramme.objects.create(slug="access-fund", name_en="AMIF", name_lt="AMIF")
    w.sdg = SustainableDevelopmentGoal.objects.get_or_create(number=11, defaults={"name_en": "Sustainable cities"})[0]
    w.project = Project.objects.create(
        slug="access-project", title_en="Access project", summary_en="About it.", level="national"
    )
    w.practice = GoodPractice.objects.create(
        organisation=organisation, slug="access-practice", title_en="Practice", summary_en="About it.", level="local"
    )
    w.news = NewsItem.objects.create(
        slug="access-news", published_on=timezone.localdate(), title_en="News", body_en="Text."
    )
    w.event = Event.objects.create(
        slug="access-event", starts_on=timezone.localdate(), title_en="Event", body_en="Text."
    )
    for kind in InfoPage.Kind:
        w.info_page = InfoPage.objects.create(kind=kind, title_en=str(kind.label), body_en="Text.")
    w.resource = Resource.objects.create(
        slug="access-resource", title_en="Toolkit", kind=Resource.Kind.values[0], url="https://example.org/t"
    )
    w.municipality = municipality
    w.consent = consent_current()
    w.group = Group.objects.get(name=CASEWORKERS_GROUP)
    w.authenticator = Authenticator.objects.filter(user=w.caseworker_1).first()
    w.queued_task = QueuedTask.objects.create(task_name="portal.tasks.ping")
    w.outbound_email = OutboundEmail.objects.create(
        to=[w.sponsor_a.user.email], subject="Password reset", body=f"Reset: /accounts/password/reset/key/{HIDDEN_LINK}"
    )
    w.policy = MatchingPolicy.objects.order_by("-version").first() or MatchingPolicy.objects.create(
        version=1, is_active=True
    )
    w.run = MatchingRun.objects.create(
        status=MatchingRun.Status.DONE, requested_by=w.caseworker_1, finished_at=timezone.now(), households=2, offers=0
    )
    for o in w.orgs:
        UnmatchedHousehold.objects.create(run=w.run, household=o.seeking, reason="no_offers")
        MatchProposal.objects.filter(pk=o.proposed.pk).update(run=w.run)

    start = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    dates = {
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=3),
        "registration_deadline": start - datetime.timedelta(days=1),
    }
    w.programme = Programme.objects.create(
        slug="access-basics", title_en="Sponsor basics", description_en="Hosting.", audience="sponsors"
    )
    Module.objects.create(programme=w.programme, position=1, title_en="Module 1", duration_minutes=60)
    w.session = Session.objects.create(
        programme=w.programme, language=w.language, capacity=10, place="Kaunas library", **dates
    )
    w.hidden_programme = Programme.objects.create(
        slug="access-hidden",
        title_en="Hidden programme",
        description_en="Draft.",
        audience="sponsors",
        is_published=False,
    )
    w.hidden_session = Session.objects.create(
        programme=w.hidden_programme, language=w.language, capacity=10, online_url=HIDDEN_LINK, **dates
    )
    mark(HIDDEN_LINK)
    w.meeting = RecruitmentEvent.objects.create(
        slug="access-meeting",
        kind="information",
        title_en="Information meeting",
        description_en="Come.",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Kaunas library",
    )

    for s in w.sponsors:
        s.photo = offer_photo_add(offer=s.draft, upload=_png(), by=s.user)
        s.enrolment = session_enrol(session=w.session, user=s.user)
        s.certificate = Certificate.objects.create(user=s.user, holder_name=s.name, programme=w.programme)
        s.rating = NewsRating.objects.create(news_item=w.news, user=s.user, value=4)
        s.inspection = Inspection.objects.filter(offer=s.offer_sent).first()
        EventRegistration.objects.create(event=w.meeting, name=s.name, email=s.email, consented_at=timezone.now())
        s.notification = user_notify(
            user=s.user,
            code="legacy",
            params={"title": "A message for you", "body": f"Private notice {s.key} 3X"},
            email=False,
        )
        for value in (s.name, s.email, s.phone, *s.streets, *([s.group] if s.group else [])):
            mark(value, s.key, *CASEWORKERS)
        mark(s.notification.params["body"], s.key)
    # Sponsor A's group invites a member (after the proposals: a member without checks blocks matching).
    member = group_member_invite(
        sponsor=w.sponsor_a.profile,
        by=w.sponsor_a.user,
        full_name="Rimantas Dagys",
        email="rimantas.dagys@example.org",
        role=SponsorPerson.Role.LEAD,
    )
    w.sponsor_a.invitation_token = member.invitation_token
    for value in (member.full_name, member.email):
        mark(value, "sponsor_a", *CASEWORKERS)

    w.users = {
        "anonymous": None,
        "sponsor_a": w.sponsor_a.user,
        "sponsor_b": w.sponsor_b.user,
        "caseworker_1": w.caseworker_1,
        "caseworker_2": w.caseworker_2,
        "admin": w.admin,
    }
    return w


# --- Requests and checks -------------------------------------------------------------------------------------


def _undeclared(patterns) -> list[str]:
    return sorted({key for key, _route in patterns} - set(ENTRIES))


def _denial_redirects() -> tuple[str, ...]:
    return (reverse("account_login"), reverse("admin:login"), reverse("admin:index"))


def _is_denial(response) -> bool:
    if response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND):
        return True
    if response.status_code == HTTPStatus.FOUND:
        path = urlparse(response["Location"]).path
        return path in _denial_redirects()
    return False


def _body(response) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return content.decode("utf-8", errors="replace")


def _sessions(w) -> dict[str, str | None]:
    keys = {}
    for viewer, user in w.users.items():
        if user is None:
            keys[viewer] = None
            continue
        client = Client()
        client.force_login(user)
        keys[viewer] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _request(session_key: str | None, method: str, url: str, data: dict | None):
    client = Client()
    if session_key:
        client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: session_key})
    savepoint = transaction.savepoint()
    try:
        response = getattr(client, method)(url, data or {})
        return response, _body(response)
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.reliability
def test_access_matrix_every_url_pattern_by_every_viewer_leaks_nothing(world, figure):
    w = world
    patterns = list(_patterns())
    undeclared = _undeclared(patterns)
    assert not undeclared, (
        "URL patterns without an entry in the access matrix (add one line to PAGES, or the model to "
        f"ADMIN_MODELS, in tests/portal/test_access_matrix.py): {undeclared}"
    )
    stale = sorted(set(ENTRIES) - {key for key, _route in patterns})
    assert not stale, f"Access matrix entries for patterns that no longer exist: {stale}"

    sessions = _sessions(w)
    requests = leaks = 0
    problems: list[str] = []
    for key, _route in patterns:
        entry = ENTRIES[key]
        with translation.override("en"):
            targets = entry.targets(w, key)
        assert targets, f"{key}: its entry builds no URL"
        for number, req in enumerate(targets):
            method = req.method or entry.method
            who = req.who or entry.who
            typed = unquote_plus(req.url + "&" + urlencode(req.data or {}, doseq=True))
            allowed_markers = entry.shows(w)
            for viewer in VIEWERS:
                if number and key.startswith("admin") and not STAFF(viewer, req.owner):
                    # The admin site sends anyone who is not staff to sign in before it reads the URL:
                    # one URL of each pattern shows it for them.
                    continue
                try:
                    response, body = _request(sessions[viewer], method, req.url, req.data)
                except Exception as error:  # a server error is a failure, whoever asks
                    problems.append(f"{viewer} {method.upper()} {req.url} [{key}]: server error {error!r}")
                    continue
                requests += 1
                status = response.status_code
                where = f"{viewer} {method.upper()} {req.url} [{key}] → {status}"
                if status >= 500:
                    problems.append(f"{where}: server error")
                elif who(viewer, req.owner):
                    if status not in entry.ok:
                        problems.append(f"{where}: allowed, expected {list(entry.ok)}")
                elif not _is_denial(response):
                    leaks += 1
                    problems.append(f"{where}: not allowed, but not refused ({response.get('Location', '')})")
                shown = [
                    value
                    for value, may_see in w.markers.items()
                    if viewer not in may_see and value not in typed and value not in allowed_markers and value in body
                ]
                if shown:
                    leaks += 1
                    problems.append(f"{where}: shows {shown}")

    figure("Access matrix: requests", requests)
    figure("Access matrix: leaks", leaks)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
    assert leaks == 0


def test_markers_are_on_the_pages_of_those_who_may_see_them(client, world):
    """The matrix's marker check is not vacuous: the same markers are where they belong."""
    w = world
    pages = [
        (
            w.sponsor_a.user,
            reverse("housing:offer-detail", kwargs={"pk": w.sponsor_a.offer_sent.pk}),
            w.sponsor_a.streets[1],
        ),
        (w.sponsor_a.user, reverse("sponsorship:export"), w.sponsor_a.phone),
        (w.sponsor_a.user, reverse("notifications"), w.sponsor_a.notification.params["body"]),
        (
            w.sponsor_a.user,
            reverse("matching:proposal-detail", kwargs={"pk": w.org_1.confirmed.pk}),
            w.org_1.confirmed.household.head_name,
        ),
        (
            w.caseworker_1,
            reverse("admin:sponsorship_household_change", args=[w.org_1.seeking.pk]),
            w.org_1.seeking.head_name,
        ),
        (w.caseworker_1, reverse("admin:matching_matchproposal_change", args=[w.org_1.sent.pk]), w.org_1.note.text),
        (w.caseworker_2, reverse("admin:matching_safeguardingconcern_changelist"), w.sponsor_b.name),
        (w.admin, reverse("admin:training_session_change", args=[w.hidden_session.pk]), HIDDEN_LINK),
    ]
    for user, url, marker in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert marker in _body(response), (url, marker)


def _new_view(request):
    return HttpResponse("new")


# A URLconf with one view more than the portal's, for the test below.
urlpatterns = [*portal_urls.urlpatterns, path("new-report/", _new_view, name="access-matrix-new-report")]


@pytest.mark.urls(__name__)
def test_a_new_view_without_an_entry_fails_the_matrix_naming_it():
    assert _undeclared(list(_patterns())) == ["access-matrix-new-report"]
