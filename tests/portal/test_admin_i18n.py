"""Caseworkers and sponsors read the portal in Lithuanian or Bulgarian, with nothing left in English.

Each main page of each role is rendered in lt and bg, and every visible text that is exactly an English
msgid of a catalogue in use (Django's, the admin's, allauth's, django-filter's, the project's …, see
`tests.i18n.english_msgids`) fails the test: a string the translations missed, or one whose library
catalogue is behind (the project's catalogue then carries it, see portal/locale_extra.py).
"""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.i18n import english_msgids, same_in, untranslated_msgids

LANGS = ["lt", "bg"]

# Data, not interface: an offer's history notes are stored as written, in the language of whoever took
# the step (the fixtures take them in English).
STORED_TEXTS = {"Proposed to a household."}


def _url(lang: str, name: str, *args, query: str = "") -> str:
    with translation.override(lang):
        url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def _assert_translated(response, lang: str, where: str) -> None:
    assert response.status_code == HTTPStatus.OK, where
    content = response.content.decode()
    assert f'lang="{lang}"' in content, where
    assert untranslated_msgids(content, STORED_TEXTS | same_in(lang)) == set(), where


def _form_data(response) -> dict:
    """The POST of an admin change form as it is shown (its fields' values and its inlines' forms)."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(getattr(item, "pk", item)) for item in value]
            elif value is True:
                data[key] = "on"
            else:
                data[key] = field.prepare_value(value) if hasattr(field, "prepare_value") else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(key)] = value
        for form in formset.forms:
            add(form)
    return {key: value for key, value in data.items() if value is not None}


# --- The caseworker's admin -------------------------------------------------------------------------

ADMIN_MODELS = [
    "sponsorship_household",
    "housing_housingoffer",
    "matching_matchproposal",
    "matching_placement",
    "sponsorship_sponsorprofile",
    "sponsorship_sponsorcheck",
    "housing_inspection",
]


@pytest.fixture
def scene(admin_scene):
    from housing.models import Inspection
    from sponsorship.models import SponsorCheck

    offer = admin_scene.proposal.offer
    admin_scene.objects = {
        "sponsorship_household": admin_scene.household,
        "housing_housingoffer": offer,
        "matching_matchproposal": admin_scene.proposal,
        "matching_placement": admin_scene.placement,
        "sponsorship_sponsorprofile": offer.sponsor,
        "sponsorship_sponsorcheck": SponsorCheck.objects.filter(person__sponsor=offer.sponsor).first(),
        "housing_inspection": Inspection.objects.filter(offer=offer).first(),
    }
    return admin_scene


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_caseworker_admin_pages_are_translated(client, scene, lang):
    client.force_login(scene.caseworker_a)
    _assert_translated(client.get(_url(lang, "admin:index")), lang, "admin index")
    for model in ADMIN_MODELS:
        changelist = _url(lang, f"admin:{model}_changelist")
        _assert_translated(client.get(changelist), lang, changelist)
        obj = scene.objects[model]
        change = _url(lang, f"admin:{model}_change", obj.pk)
        _assert_translated(client.get(change), lang, change)
        add = _url(lang, f"admin:{model}_add")
        response = client.get(add)
        if response.status_code == HTTPStatus.OK:
            _assert_translated(response, lang, add)
    # Searching, a list with no result, a filter given junk, an object's history, the caseworker's dashboard.
    search = _url(lang, "admin:sponsorship_household_changelist", query="q=nobody-of-that-name")
    _assert_translated(client.get(search), lang, search)
    junk = _url(lang, "admin:housing_housingoffer_changelist", query="status=no-such-status")
    _assert_translated(client.get(junk, follow=True), lang, junk)
    history = _url(lang, "admin:sponsorship_household_history", scene.household.pk)
    _assert_translated(client.get(history), lang, history)
    _assert_translated(client.get(_url(lang, "matching:caseworker-dashboard")), lang, "caseworker dashboard")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_admin_form_errors_and_success_messages_are_translated(client, scene, lang):
    client.force_login(scene.caseworker_a)
    add = _url(lang, "admin:sponsorship_household_add")
    response = client.post(add, _form_data(client.get(add)))
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors
    _assert_translated(response, lang, "household form with errors")

    check = scene.objects["sponsorship_sponsorcheck"]
    change = _url(lang, "admin:sponsorship_sponsorcheck_change", check.pk)
    data = _form_data(client.get(change))
    response = client.post(change, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors if response.context else response
    _assert_translated(response, lang, "after saving")
    shown = [str(message) for message in response.context["messages"]]
    assert shown and all("successfully" not in message for message in shown), shown


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_admin_says_what_the_portal_is_and_switches_language(client, caseworker, lang):
    from django.contrib import admin

    client.force_login(caseworker)
    content = client.get(_url(lang, "admin:index")).content.decode()
    title = re.search(r"<title>(.*?)</title>", content, re.S).group(1)
    with translation.override(lang):
        assert title.strip().endswith(str(admin.site.site_title)), title
        assert str(admin.site.site_header) in content
    assert "Django" not in title
    assert "Django" not in content.split("<body")[1].split('id="content"')[0]
    switcher = re.search(r'<form class="language-switcher" action="([^"]+)" method="post">(.*?)</form>', content, re.S)
    assert switcher, "the admin has a language switcher"
    assert switcher.group(1) == _url(lang, "set_language")
    for code, _name in settings.LANGUAGES:
        assert f'name="language" value="{code}"' in switcher.group(2)
    assert "<script>" not in content and " style=" not in content.split('id="header"')[1].split("</header>")[0]
    response = client.post(switcher.group(1), {"language": "en", "next": _url(lang, "admin:index")})
    assert response["Location"] == _url("en", "admin:index")


def test_the_admin_title_is_translated_in_every_language():
    from django.contrib import admin

    seen = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts = (str(admin.site.site_title), str(admin.site.site_header), str(admin.site.index_title))
        assert not any("Django" in text for text in texts), (code, texts)
        seen.add(texts)
    assert len(seen) == len(settings.LANGUAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_public_lists_with_filters_are_translated(client, lang):
    """django-filter's forms (ordering, lookups, errors) on the public lists."""
    for name in ("projects:project-list", "projects:practice-list", "projects:event-list", "projects:resource-list"):
        for query in ("", "q=x&o=-title&theme=no-such-theme"):
            url = _url(lang, name, query=query)
            _assert_translated(client.get(url), lang, url)


# --- allauth pages ----------------------------------------------------------------------------------

ANONYMOUS_ACCOUNT_PAGES = ["account_login", "account_reset_password", "account_signup"]
SIGNED_IN_ACCOUNT_PAGES = ["account_email", "account_change_password", "mfa_index", "account_reauthenticate"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_account_pages_are_translated(client, caseworker, user_factory, lang):
    for name in ANONYMOUS_ACCOUNT_PAGES:
        _assert_translated(client.get(_url(lang, name)), lang, name)
    # The second factor's page, after the password.
    response = client.post(
        _url(lang, "account_login"), {"login": caseworker.email, "password": "correct-horse-battery"}, follow=True
    )
    _assert_translated(response, lang, "mfa authenticate")
    # Errors of a form: a wrong password, a weak new password.
    client.logout()
    response = client.post(_url(lang, "account_login"), {"login": caseworker.email, "password": "wrong"})
    _assert_translated(response, lang, "login error")

    client.force_login(caseworker)
    for name in SIGNED_IN_ACCOUNT_PAGES:
        _assert_translated(client.get(_url(lang, name)), lang, name)
    response = client.post(
        _url(lang, "account_change_password"),
        {"oldpassword": "correct-horse-battery", "password1": "123", "password2": "123"},
    )
    _assert_translated(response, lang, "weak password")
    assert "too short" not in response.content.decode()

    # A person without an authenticator setting one up (allauth asks for the password once more first).
    client.force_login(user_factory())
    response = client.get(_url(lang, "mfa_activate_totp"))
    assert response.status_code == HTTPStatus.FOUND
    response = client.post(response["Location"], {"password": "correct-horse-battery"}, follow=True)
    assert response.redirect_chain[-1][0] == _url(lang, "mfa_activate_totp")
    _assert_translated(response, lang, "mfa activate")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_password_reset_email_is_in_the_requests_language(client, user_factory, lang):
    from portal.models import OutboundEmail

    user = user_factory(email="reset@example.org")
    response = client.post(_url(lang, "account_reset_password"), {"email": user.email})
    assert response.status_code == HTTPStatus.FOUND
    message = OutboundEmail.objects.get(to=[user.email])
    assert message.language == lang
    assert f"/{lang}/accounts/password/reset/key/" in message.body
    plain, patterns = english_msgids()
    lines = [" ".join(line.split()) for line in [message.subject, *message.body.splitlines()]]
    english = [
        line
        for line in lines
        if not line.startswith("http")
        and (line in plain or any(p.fullmatch(line) for p in patterns) or re.search(r"\b(password|you)\b", line, re.I))
    ]
    assert english == [], english


# --- The sponsor's pages ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_sponsor_pages_are_translated(client, proposal_at, offer_factory, lang):
    proposal = proposal_at("sent")
    offer = proposal.offer
    draft = offer_factory(offer.sponsor)
    client.force_login(offer.sponsor.user)
    pages = [
        _url(lang, "sponsorship:dashboard"),
        _url(lang, "sponsorship:profile"),
        _url(lang, "housing:offer-create"),
        _url(lang, "housing:offer-detail", offer.pk),
        *(_url(lang, "housing:offer-edit-step", draft.pk, step) for step in ("home", "rooms", "photos", "review")),
        _url(lang, "matching:proposal-detail", proposal.pk),
    ]
    for page in pages:
        _assert_translated(client.get(page), lang, page)


# --- The libraries' apps and the admin's JavaScript -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_superusers_admin_index_names_every_app_in_the_language(client, superuser, lang):
    from django.apps import apps

    client.force_login(superuser)
    response = client.get(_url(lang, "admin:index"))
    _assert_translated(response, lang, "superuser's admin index")
    content = response.content.decode()
    with translation.override(lang):
        names = {label: str(apps.get_app_config(label).verbose_name) for label in ("auditlog", "mfa", "portal")}
        authenticators = str(apps.get_model("mfa", "Authenticator")._meta.verbose_name_plural).capitalize()
    for label, name in names.items():
        assert f">{name}</a>" in content, (label, name)
    assert authenticators in content
    assert not {"Audit log", "MFA", "Portal", "Authenticators"} & set(re.findall(r">([^<>]+)</a>", content))
    _assert_translated(client.get(_url(lang, "admin:auditlog_logentry_changelist")), lang, "audit log")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_admin_javascript_strings_are_translated(client, caseworker, lang):
    from babel.messages.pofile import read_po

    from tests.helpers import BASE_DIR

    with (BASE_DIR / "locale" / lang / "LC_MESSAGES" / "djangojs.po").open("rb") as po:
        catalog = read_po(po)
    assert [m.id for m in catalog if m.id and (not m.string or m.fuzzy)] == []
    client.force_login(caseworker)
    script = client.get(_url(lang, "admin:jsi18n")).content.decode()
    expected = {"lt": "Pasirinkti visus: %s", "bg": "Избери всички: %s"}[lang]
    assert expected.encode("unicode_escape").decode() in script or expected in script


def test_the_detector_finds_english_msgids_and_sentences_made_from_them():
    html = (
        "<title>Django site admin</title><p>Please correct the errors below.</p>"
        "<li>The namų ūkis “HH-1” was changed successfully.</li><img alt='Search'>"
        "<p>Ištaisykite žemiau nurodytas klaidas.</p><p>Olena Kovalenko</p>"
    )
    assert untranslated_msgids(html) == {
        "Django site admin",
        "Please correct the errors below.",
        "The namų ūkis “HH-1” was changed successfully.",
        "Search",
    }
