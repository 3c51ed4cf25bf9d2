"""Bad input is refused cleanly: junk in any URL, parameter, form field or upload, admin included,
is answered with a translated 400/404 or a form error, never a server error.

The fuzzing test enumerates what it feeds programmatically: every URL pattern of the resolver (with
real objects and with junk in its path parameters), every form and filter found on those pages
(the forms' fields, the filter and ordering links), every admin changelist, add and change form, and
every autocomplete endpoint, as an anonymous visitor, a sponsor, a caseworker and an admin.
Hypothesis (derandomised, so every run feeds the same values) generates the junk.
"""

import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# --- Junk ------------------------------------------------------------------------------------------

CONTROL = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])
NASTY = [
    "\x00",
    "a\x00b",
    "\x00" * 3 + "HH-0001",
    "\x01\x02\x1b[31m\x7f",
    "line\r\nSet-Cookie: x=1",
    "\u202eevil\u200b\ufeff",
    "😀" * 40,
    "9" * 40,
    "-1",
    "0",
    "-9223372036854775809",
    "9223372036854775808",
    "2147483648",
    "1e309",
    "NaN",
    "-Infinity",
    "0x1F",
    "1.5",
    "' OR 1=1 --",
    '"; DROP TABLE portal_user; --',
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "%(name)s%s%d",
    "../../../etc/passwd",
    "x" * 5000,
    "2026-02-30",
    "0000-00-00",
    "99999-12-31",
    "31/12/2026 25:61",
    "",
    " ",
    "[]",
    '{"a": 1}',
    "null",
    "true",
    "__all__",
    "-id",
    "id__gt",
    "abc",
]
JUNK = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(alphabet=CONTROL, min_size=1, max_size=5),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.tuples(st.integers(-1, 99999), st.integers(-1, 99), st.integers(-1, 99)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
    ),
    st.text(min_size=300, max_size=1200),
)
# Path parameters: what each converter lets through to the view.
JUNK_INT = st.one_of(
    st.sampled_from(["0", "9" * 30, "2147483648", "9223372036854775808", "00001"]), st.integers(0).map(str)
)
JUNK_SLUG = st.one_of(st.sampled_from(["-", "_", "a" * 400, "9" * 40]), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"))
JUNK_STR = st.one_of(st.sampled_from(NASTY[:30]), st.text(min_size=1, max_size=40))
# Percent-encodings that are not UTF-8, and an encoded NUL, straight into the URL.
RAW_QUERY = ["a%00b%ff", "%ff%fe%c0%af", "%ed%a0%80%zz%"]
HYPOTHESIS = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
}
# How many junk values each target gets; JUNK_SCALE=5 fuzzes five times as hard (slowly).
SCALE = int(os.environ.get("JUNK_SCALE", "1"))
QUERY_EXAMPLES = 2 * SCALE  # per query parameter (of the admin's: 1)
# Per form (each sends junk in some of its fields, the others as a browser would); admin forms 2 fewer.
FORM_EXAMPLES = 4 * SCALE
PATH_EXAMPLES = 2 * SCALE  # per path parameter (the admin's own views, alike for every model: 1)

TRACE = os.environ.get("JUNK_TRACE")  # a file to write every request to, while working on this test
PLACEHOLDER = {"int": "987654321", "path": "zzjunkzz", "str": "zzjunkzz", "slug": "zzjunkzz", None: "zzjunkzz"}


# --- The pages of the portal, and their forms -----------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: list = field(default_factory=list)  # (name, kind, value, options)

    def baseline(self) -> dict:
        """What a browser would send unchanged."""
        data: dict[str, list] = {}
        for name, kind, value, options in self.fields:
            if kind in ("checkbox", "radio") and value is None:
                continue
            if kind == "file":
                continue
            if kind == "select":
                if value is None:
                    if not options:
                        continue
                    value = [options[0]]
                data.setdefault(name, []).extend(value)
                continue
            data.setdefault(name, []).append(value or "")
        return data


class PageParser(HTMLParser):
    """The forms of a page (with their fields) and the query strings of its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select = None
        self._textarea = None
        self._submit_seen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(
                action=a.get("action") or "",
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in (a.get("enctype") or ""),
            )
            self.forms.append(self._form)
            self._submit_seen = False
            return
        form = self._form
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button"):
                if not self._submit_seen:
                    form.fields.append((name, "submit", a.get("value") or "", None))
                    self._submit_seen = True
                return
            if kind in ("checkbox", "radio"):
                form.fields.append((name, kind, (a.get("value") or "on") if "checked" in a else None, None))
                return
            form.fields.append((name, kind, a.get("value") or "", None))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            if not self._submit_seen:
                form.fields.append((name, "submit", a.get("value") or "", None))
                self._submit_seen = True
        elif tag == "select":
            self._select = [name, [], []]  # name, options, selected
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "textarea", self._textarea[1], None))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            self._form.fields.append((name, "select", selected or None, options))
            self._select = None


class _OptionAwareParser(PageParser):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self._select is not None:
            a = dict(attrs)
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
            return
        super().handle_starttag(tag, attrs)


def parse_page(html: str) -> _OptionAwareParser:
    parser = _OptionAwareParser()
    parser.feed(html)
    return parser


# --- Requests ----------------------------------------------------------------------------------


class _Undo(Exception):
    pass


@dataclass
class Fuzzer:
    """Sends requests as one user, each in a rolled-back savepoint (so every junk request meets the
    same data), and counts the server errors."""

    cookies: dict
    log: list
    errors: list
    role: str

    def request(self, method: str, path: str, data=None, query: str | None = None, what: str = ""):
        client = Client(raise_request_exception=False)
        client.cookies = SimpleCookie(self.cookies)
        if query is not None:
            path = f"{path}?{query}"
        caught = []

        def remember(sender, request=None, **kwargs):
            import sys

            caught.append(repr(sys.exc_info()[1])[:300])

        got_request_exception.connect(remember, weak=False)
        started = time.monotonic()
        try:
            with transaction.atomic():
                response = client.get(path, data) if method == "get" else client.post(path, data or {})
                content = response.content if not response.streaming else b""
                raise _Undo
        except _Undo:
            pass
        finally:
            got_request_exception.disconnect(remember)
        self.log.append(response.status_code)
        if TRACE:
            with open(TRACE, "a") as trace:
                elapsed = int((time.monotonic() - started) * 1000)
                trace.write(
                    f"{response.status_code} {elapsed}ms {self.role} {method} {path[:150]!r} {what[:150]!r} {caught}\n"
                )
        if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            self.errors.append((self.role, method.upper(), path[:200], what[:200], response.status_code, caught))
        return response, content


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


def url_patterns() -> list[tuple[str, str, dict]]:
    """(route, URL name, {path parameter: converter name}) for every named pattern."""
    found = []
    for route, name in _walk(get_resolver().url_patterns):
        params = {}
        for conv, param in re.findall(r"<(?:(\w+):)?(\w+)>", route):
            params[param] = conv or "str"
        for param in re.findall(r"\(\?P<(\w+)>", route):
            params[param] = None
        found.append((route, name, params))
    return found


def _reverse_with(name: str, params: dict, values: dict) -> str | None:
    kwargs = {p: values.get(p, PLACEHOLDER[conv]) for p, conv in params.items()}
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


@dataclass
class Scene:
    users: dict
    kwargs: dict  # URL name -> real path parameters
    admin_objects: dict  # (role, app_label, model_name) -> pk


def _admin_object_pk(model_admin, user):
    request = RequestFactory().get("/")
    request.user = user
    obj = model_admin.get_queryset(request).order_by("pk").first()
    return obj.pk if obj else None


@pytest.fixture
def scene(settings, tmp_path, django_capture_on_commit_callbacks):
    from housing.models import HousingOffer, OfferPhoto
    from matching.demo import demo_data_ensure
    from matching.models import MatchProposal
    from portal.demo import demo_accounts_ensure
    from portal.models import User
    from projects.models import Event, GoodPractice, Municipality, NewsItem, Project
    from projects.seeding import content_seed
    from sponsorship.models import SponsorPerson
    from training.models import Certificate, Enrolment, Programme, RecruitmentEvent, Session

    settings.MEDIA_ROOT = tmp_path
    content_seed()
    with django_capture_on_commit_callbacks(execute=True):
        demo_accounts_ensure(password="demo-portal-2026")
        demo_data_ensure()
    users = {
        "anonymous": None,
        "sponsor": User.objects.get(email="sponsor@example.org"),
        "caseworker": User.objects.get(email="caseworker@example.org"),
        "admin": User.objects.get(email="admin@example.org"),
    }
    sponsor = users["sponsor"]
    offer = HousingOffer.objects.filter(sponsor__user=sponsor, status=HousingOffer.Status.DRAFT).first()
    photo = OfferPhoto.objects.filter(offer__sponsor__user=sponsor).first()
    proposal = MatchProposal.objects.filter(offer__sponsor__user=sponsor).first()
    session = Session.objects.order_by("pk").first()
    enrolment = Enrolment.objects.filter(user=sponsor).first() or Enrolment.objects.first()
    invited = SponsorPerson.objects.filter(invitation_token__isnull=False).first()
    kwargs = {
        "projects:project-detail": {"slug": Project.objects.first().slug},
        "projects:practice-detail": {"slug": GoodPractice.objects.first().slug},
        "projects:municipality-detail": {"slug": Municipality.objects.first().slug},
        "projects:news-detail": {"slug": NewsItem.objects.first().slug},
        "projects:news-rate": {"slug": NewsItem.objects.first().slug},
        "projects:event-detail": {"slug": Event.objects.first().slug},
        "sponsorship:invitation": {"token": invited.invitation_token},
        "media-file": {"name": photo.image.name},
        "housing:offer-detail": {"pk": offer.pk},
        "housing:offer-edit": {"pk": offer.pk},
        "housing:offer-photo-add": {"pk": offer.pk},
        "housing:offer-photo-delete": {"pk": photo.offer_id, "photo_pk": photo.pk},
        "housing:offer-photo-move": {"pk": photo.offer_id, "photo_pk": photo.pk},
        "housing:offer-edit-step": {"pk": offer.pk, "step": "rooms"},
        "housing:offer-submit": {"pk": offer.pk},
        "housing:offer-withdraw": {"pk": offer.pk},
        "housing:offer-reconfirm": {"pk": photo.offer_id},
        "housing:offer-reopen": {"pk": offer.pk},
        "matching:proposal-detail": {"pk": proposal.pk},
        "training:programme-detail": {"slug": Programme.objects.filter(is_published=True).first().slug},
        "training:session-detail": {"pk": session.pk},
        "training:session-ical": {"pk": session.pk},
        "training:session-enrol": {"pk": session.pk},
        "training:attendance": {"pk": session.pk},
        "training:enrolment-cancel": {"pk": enrolment.pk},
        "training:certificate": {"code": Certificate.objects.first().code},
        "training:event-detail": {"slug": RecruitmentEvent.objects.filter(is_published=True).first().slug},
    }
    admin_objects = {}
    for model, model_admin in admin.site._registry.items():
        for role in ("caseworker", "admin"):
            admin_objects[(role, model._meta.app_label, model._meta.model_name)] = _admin_object_pk(
                model_admin, users[role]
            )
    return Scene(users=users, kwargs=kwargs, admin_objects=admin_objects)


# Path parameters with no real value to put in (links from emails, the admin's own): only junk goes in.
JUNK_ONLY = {
    "account_confirm_email",
    "account_reset_password_from_key",
}


def _real_kwargs(scene: Scene, role: str, name: str, params: dict) -> dict | None:
    if not params:
        return {}
    if name in scene.kwargs:
        return scene.kwargs[name]
    if name.startswith("admin:"):
        short = name.removeprefix("admin:")
        for (who, app_label, model_name), pk in scene.admin_objects.items():
            if who == (role if role in ("caseworker", "admin") else "admin") and short.startswith(
                f"{app_label}_{model_name}_"
            ):
                if pk is None:
                    return None
                values = {}
                for param in params:
                    if param in ("object_id", "pk", "id"):
                        values[param] = pk
                    elif param == "app_label":
                        values[param] = app_label
                return values if len(values) == len(params) else None
        if params == {"app_label": "str"} or set(params) == {"app_label"}:
            return {"app_label": "matching"}
        return None
    if name in JUNK_ONLY:
        return None
    raise AssertionError(f"No sample path parameters for the URL {name!r}: add it to the scene of this test.")


def _form_targets(page_path: str, html: str) -> tuple[list[Form], set[str]]:
    parsed = parse_page(html)
    params = set()
    for href in parsed.links:
        split = urlsplit(href)
        if split.query and (not split.path or split.path == page_path):
            params.update(key for key, _value in parse_qsl(split.query, keep_blank_values=True))
    forms = []
    for form in parsed.forms:
        action = urlsplit(form.action).path or page_path
        if action.startswith("http") or not action.startswith("/"):
            action = page_path
        form.action = action
        if form.method == "get":
            params.update(name for name, *_rest in form.fields)
        else:
            forms.append(form)
    return forms, params


COMMON_QUERY = ["q", "page"]
ADMIN_QUERY = ["o", "p", "e", "_changelist_filters", "_popup", "_to_field", "_facets", "all"]


def examples(count: int, send, **strategies) -> None:
    """Call `send` with `count` junk values drawn (deterministically) from `strategies`."""

    @settings(max_examples=count, **HYPOTHESIS)
    @given(**strategies)
    def run(**values):
        send(**values)

    run()


def fuzz_query(fuzzer: Fuzzer, path: str, params: set[str], raw: bool) -> None:
    """Junk in each query parameter of a page: about QUERY_EXAMPLES values each on the portal's
    pages, about one each on the admin's (alike for every model), spread by hypothesis."""
    if params:
        names = sorted(params)
        per_param = SCALE if path.startswith(reverse("admin:index")) else QUERY_EXAMPLES
        examples(
            len(names) * per_param + 1,
            lambda param, value: fuzzer.request("get", path, {param: value}, what=f"{param}={value!r}"),
            param=st.sampled_from(names),
            value=JUNK,
        )
    for value in RAW_QUERY if raw else ():
        fuzzer.request("get", path, query=f"q={value}&page={value}", what=f"raw query {value}")


def fuzz_form(fuzzer: Fuzzer, form: Form) -> None:
    names = [name for name, kind, *_rest in form.fields if kind != "submit"]
    files = [name for name, kind, *_rest in form.fields if kind == "file"]
    if not names:
        fuzzer.request("post", form.action, form.baseline(), what="empty form")
        return
    baseline = form.baseline()

    def one(chosen, values, upload):
        data = {key: list(value) for key, value in baseline.items()}
        for name, value in zip(chosen, values, strict=False):
            if name in files:
                data[name] = SimpleUploadedFile(value[:200] or "x", upload or b"\x00", content_type="image/jpeg")
            else:
                data[name] = value
        fuzzer.request("post", form.action, data, what=f"{form.action} {dict(zip(chosen, values, strict=False))!r}")

    examples(
        FORM_EXAMPLES if not form.action.startswith(reverse("admin:index")) else max(FORM_EXAMPLES - 2, 2),
        one,
        chosen=st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True),
        values=st.lists(JUNK, min_size=3, max_size=3),
        upload=st.binary(max_size=64),
    )
    # Every field at once with the worst of the junk.
    for nasty in ("a\x00b", "9" * 5000):  # a NUL; a huge number that is also an overlong text
        data = {name: nasty for name in names if name not in files}
        fuzzer.request("post", form.action, {**baseline, **data}, what=f"{form.action} all fields {nasty[:10]!r}")


def fuzz_path(fuzzer: Fuzzer, name: str, params: dict, real: dict) -> None:
    count = 1 * SCALE if name.startswith("admin:") else PATH_EXAMPLES
    raws = () if name.startswith("admin:") else RAW_QUERY
    for param, conv in params.items():
        strategy = {"int": JUNK_INT, "slug": JUNK_SLUG}.get(conv, JUNK_STR)
        template = _reverse_with(name, params, {**real, param: PLACEHOLDER[conv]})
        if template is None:
            continue
        placeholder = PLACEHOLDER[conv]

        def one(value):
            encoded = value if conv in ("int", "slug") else quote(value, safe="")  # noqa: B023
            fuzzer.request("get", template.replace(placeholder, encoded, 1), what=f"{param}={value!r}")  # noqa: B023

        examples(count, one, value=strategy)
        if conv not in ("int", "slug"):
            for raw in raws:
                fuzzer.request("get", template.replace(placeholder, raw, 1), what=f"raw path {raw}")


def autocomplete_targets() -> list[dict]:
    """Every autocomplete field of every admin and of its inlines."""
    targets = []
    for model, model_admin in admin.site._registry.items():
        holders = [(model, model_admin)] + [(inline.model, inline) for inline in model_admin.inlines]
        for holder_model, holder in holders:
            for field_name in getattr(holder, "autocomplete_fields", ()):
                targets.append(
                    {
                        "app_label": holder_model._meta.app_label,
                        "model_name": holder_model._meta.model_name,
                        "field_name": field_name,
                    }
                )
    return targets


def fuzz_autocomplete(fuzzer: Fuzzer) -> None:
    url = reverse("admin:autocomplete")
    targets = autocomplete_targets()
    for target in targets:
        examples(
            QUERY_EXAMPLES,
            lambda term, page: fuzzer.request(
                "get",
                url,
                {**target, "term": term, "page": page},  # noqa: B023
                what=f"{target} {term!r}",  # noqa: B023
            ),
            term=JUNK,
            page=JUNK,
        )
    examples(
        QUERY_EXAMPLES * 3,
        lambda key, value: fuzzer.request(
            "get", url, {**targets[0], key: value, "term": "a"}, what=f"autocomplete {key}={value!r}"
        ),
        key=st.sampled_from(["app_label", "model_name", "field_name"]),
        value=JUNK,
    )


def _url_name(path: str) -> str:
    """The URL name a form is sent to (the same form of two objects is fuzzed once)."""
    try:
        return resolve(path).view_name
    except Exception:
        return path


def _login_cookies(user) -> dict:
    client = Client()
    if user is not None:
        client.force_login(user)
    return {key: morsel.value for key, morsel in client.cookies.items()}


@pytest.mark.reliability
@pytest.mark.needs_postgres
def test_junk_input_never_causes_a_server_error(scene, figure):
    statuses: list[int] = []
    errors: list = []
    admin_prefix = reverse("admin:index")
    patterns = url_patterns()
    # What has been fuzzed already (a public filter or form is the same for everyone).
    done_paths: set = set()
    done_queries: set = set()
    done_forms: set = set()
    for role in ("anonymous", "sponsor", "caseworker", "admin"):
        fuzzer = Fuzzer(cookies=_login_cookies(scene.users[role]), log=statuses, errors=errors, role=role)
        for _route, name, params in patterns:
            is_admin = name.startswith("admin:")
            if is_admin and role in ("anonymous", "sponsor"):
                continue  # the admin's login page (fuzzed with the accounts' pages)
            real = _real_kwargs(scene, role, name, params)
            if params and name not in done_paths:
                done_paths.add(name)
                fuzz_path(fuzzer, name, params, real or {})
            if real is None:
                continue
            path = _reverse_with(name, params, real)
            if path is None:
                continue
            response, content = fuzzer.request("get", path, what="plain")
            if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED and ("post", path) not in done_forms:
                done_forms.add(("post", path))
                fuzz_form(fuzzer, Form(action=path, method="post", multipart=False))
            if response.status_code != HTTPStatus.OK or not response.get("Content-Type", "").startswith("text/html"):
                continue
            forms, query_params = _form_targets(path, content.decode())
            if not path.startswith(admin_prefix):
                query_params |= set(COMMON_QUERY)
            elif name.endswith("_changelist"):
                query_params |= set(COMMON_QUERY) | set(ADMIN_QUERY)
            fresh = {p for p in query_params if (path, p) not in done_queries}
            done_queries |= {(path, p) for p in fresh}
            raw = (path, None) not in done_queries and (not is_admin or name.endswith("_changelist"))
            fuzz_query(fuzzer, path, fresh, raw=raw)
            done_queries.add((path, None))
            for form in forms:
                key = (_url_name(form.action), tuple(sorted(n for n, *_r in form.fields)))
                if key not in done_forms:
                    done_forms.add(key)
                    fuzz_form(fuzzer, form)
        if role in ("caseworker", "admin"):
            fuzz_autocomplete(fuzzer)

    total = len(statuses)
    server_errors = len(errors)
    figure("Junk inputs: server errors", server_errors)
    figure("Junk inputs: requests", total)
    report = "\n".join(repr(error) for error in errors[:80])
    assert server_errors == 0, f"{server_errors} server errors out of {total} junk requests:\n{report}"


# --- The causes, one by one ----------------------------------------------------------------------


LITHUANIAN_400 = "Bloga užklausa"
ENGLISH_400 = "Bad request"


@pytest.mark.needs_postgres
@pytest.mark.parametrize(
    "path",
    [
        "/lt/training/certificates/%00/",
        "/lt/sponsor/invitations/a%00b/",
        "/lt/news/?q=%00",
        "/lt/projects/?q=a%00b&page=1",
        "/lt/training/certificates/x%01y/",
    ],
)
def test_nul_byte_in_the_path_or_the_query_gets_the_translated_400_page(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert LITHUANIAN_400 in page
    assert ENGLISH_400 not in page
    assert 'class="site-header"' in page  # the portal's own page, not a bare error


@pytest.mark.needs_postgres
def test_400_page_speaks_the_language_of_the_url(client):
    response = client.get("/en/training/certificates/%00/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert ENGLISH_400 in response.content.decode()
    response = client.get("/bg/training/certificates/%00/")
    assert "Неправилна заявка" in response.content.decode()


@pytest.mark.needs_postgres
def test_nul_byte_in_an_admin_search_gets_400_not_a_server_error(client, organisation_caseworker):
    client.force_login(organisation_caseworker)
    ok = client.get(reverse("admin:sponsorship_household_changelist"), {"q": "HH"})
    assert ok.status_code == HTTPStatus.OK
    response = client.get(reverse("admin:sponsorship_household_changelist"), {"q": "HH\x00"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "matching", "model_name": "matchproposal", "field_name": "household", "term": "\x00"},
    )
    assert autocomplete.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.needs_postgres
@pytest.mark.parametrize("multipart", [True, False])
def test_nul_byte_in_a_form_field_gets_400(client, multipart):
    from portal.models import User

    data = {"email": "new\x00@example.org", "password1": "correct-horse-battery", "password2": "x"}
    if multipart:
        response = client.post(reverse("account_signup"), data)
    else:
        response = client.post(reverse("account_signup"), urlencode(data), "application/x-www-form-urlencoded")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert ENGLISH_400 in response.content.decode()  # the page of /en/accounts/signup/
    assert not User.objects.exists()


@pytest.mark.needs_postgres
def test_a_forged_session_cookie_is_dropped_not_a_server_error(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = client.get("/lt/")
    assert response.status_code == HTTPStatus.OK
    assert "Prisijungti" in response.content.decode() or "account/login" in response.content.decode()


@pytest.mark.needs_postgres
def test_tabs_and_line_breaks_in_form_fields_are_still_accepted(client, user_factory):
    user_factory(email="person@example.org")
    response = client.post(reverse("account_login"), {"login": "person@example.org", "password": "wrong\tpass\r\nword"})
    assert response.status_code == HTTPStatus.OK  # the form's own error, not the 400 page
    assert LITHUANIAN_400 not in response.content.decode()


@pytest.mark.needs_postgres
def test_proposal_add_form_redisplays_non_numeric_ids_with_an_error(client, organisation_caseworker):
    """Django's autocomplete widget filters `pk__in` with what was sent: "abc" used to be a 500."""
    from matching.models import MatchProposal

    client.force_login(organisation_caseworker)
    response = client.post(
        reverse("admin:matching_matchproposal_add"), {"household": "abc", "offer": "1.5", "_save": "Save"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors.keys() >= {"household", "offer"}
    assert not MatchProposal.objects.exists()


@pytest.mark.needs_postgres
def test_raw_id_and_action_checkboxes_ignore_values_that_are_not_keys(
    client, organisation_caseworker, household_factory
):
    household = household_factory()
    client.force_login(organisation_caseworker)
    response = client.post(
        reverse("admin:sponsorship_household_changelist"),
        {"action": "export_selected", "_selected_action": ["abc", "9" * 30, str(household.pk)], "index": "0"},
    )
    assert response.status_code == HTTPStatus.OK
    assert household.reference in response.content.decode()
    response = client.post(
        reverse("admin:sponsorship_household_changelist"),
        {"action": "export_selected", "_selected_action": ["abc", "-"], "index": "0"},
    )
    assert response.status_code == HTTPStatus.FOUND  # "Items must be selected", as for no rows


@pytest.mark.needs_postgres
def test_every_admin_and_inline_ignores_values_that_are_not_keys():
    from portal.admin_tools import ValidKeysAdminMixin, ValidKeysInlineMixin

    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ValidKeysAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ValidKeysInlineMixin), (model, inline)


@pytest.mark.needs_postgres
def test_a_forged_management_form_asking_for_a_million_rows_is_refused_quickly(
    client, organisation_caseworker, household_factory
):
    household = household_factory()
    client.force_login(organisation_caseworker)
    url = reverse("admin:sponsorship_household_change", args=[household.pk])
    started = time.monotonic()
    response = client.post(
        url,
        {
            "head_name": "Olena Kovalenko",
            "members-TOTAL_FORMS": "1000000",
            "members-INITIAL_FORMS": "0",
            "preferences-TOTAL_FORMS": "0",
            "preferences-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert time.monotonic() - started < 10
    assert "Please submit at most 100 forms." in response.content.decode()


@pytest.mark.needs_postgres
def test_the_explanation_of_a_proposal_is_not_editable_by_hand(
    client, organisation_caseworker, household_factory, available_offer
):
    from matching.models import MatchProposal

    household = household_factory()
    offer = available_offer()
    client.force_login(organisation_caseworker)
    form = client.get(reverse("admin:matching_matchproposal_add")).context["adminform"].form
    assert "explanation" not in form.fields
    response = client.post(
        reverse("admin:matching_matchproposal_add"),
        {
            "household": household.pk,
            "offer": offer.pk,
            "explanation": '{"score": "\\u0000", "forged": true}',
            "_save": "Save",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    proposal = MatchProposal.objects.get()
    assert proposal.explanation == {}


@pytest.mark.needs_postgres
@pytest.mark.parametrize(
    ("language", "not_found", "csrf"),
    [
        ("lt", "Puslapis nerastas", "Formos galiojimas baigėsi"),
        ("bg", "Страницата не е намерена", "Формулярът е изтекъл"),
        ("en", "Page not found", "The form has expired"),
    ],
)
def test_error_pages_are_the_portals_own_in_the_language_of_the_url(language, not_found, csrf):
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/{language}/training/certificates/NO-SUCH-CODE/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not_found in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
    response = client.post(f"/{language}/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert csrf in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.needs_postgres
@pytest.mark.parametrize("junk", ["9" * 5000, '{"note": "\\u0000"}'])
def test_admin_json_fields_refuse_unreadable_or_unstorable_json_with_a_form_error(client, superuser, junk):
    """A 5,000-digit number is a ValueError in Python's JSON reader (a 500 in Django's field);
    PostgreSQL refuses a NUL in JSON."""
    from allauth.mfa.models import Authenticator

    client.force_login(superuser)
    before = Authenticator.objects.count()
    response = client.post(
        reverse("admin:mfa_authenticator_add"), {"user": superuser.pk, "type": "recovery_codes", "data": junk}
    )
    assert response.status_code == HTTPStatus.OK
    assert "data" in response.context["adminform"].form.errors
    assert Authenticator.objects.count() == before


@pytest.mark.needs_postgres
def test_a_list_filter_given_a_value_of_the_wrong_type_gets_the_admins_usual_message(client, superuser):
    """auditlog's "resource type" filter filters content types by id with the value as given."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    admin_user = superuser
    # The filter is shown (and applied) once there is an entry of some resource type.
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(admin_user), object_pk="1", object_repr="x", action=0
    )
    client.force_login(admin_user)
    url = reverse("admin:auditlog_logentry_changelist")
    response = client.get(url, {"resource_type": "-1-05-22"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("?e=1")
