"""The admin's widgets people can use (portal/admin_widgets.py): long lists are searchable, dates have the
admin's pickers, every input of a tabular inline is named, and autocompletes answer only within the
reader's permissions. The browser test (tests/browser/test_admin_accessibility.py) runs axe on the pages."""

import json
import re
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django_countries.fields import CountryField

from portal.admin_widgets import LabelledSplitDateTime, SearchableSelect, SearchableSelectMultiple
from portal.models import User
from projects.models import Language, Municipality

pytestmark = pytest.mark.django_db

# The long lists a caseworker picks from: always searched, never a drop-down of every row.
LONG_LISTS = (Language, Municipality)


def _superuser_request():
    request = RequestFactory().get("/")
    request.user = User(is_staff=True, is_superuser=True, is_active=True)
    return request


def _forms():
    """(model, field name, form field, admin) of every add form of the admin and of its inlines."""
    request = _superuser_request()
    for model, model_admin in admin.site._registry.items():
        for form_admin, form_model in [
            (model_admin, model),
            *((inline, inline.model) for inline in model_admin.get_inline_instances(request)),
        ]:
            if isinstance(form_admin, admin.options.InlineModelAdmin):
                form = form_admin.get_formset(request).form
            else:
                form = form_admin.get_form(request)
            for name, form_field in form.base_fields.items():
                yield form_model, name, form_field, form_admin


def _db_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # a form field of its own (a password, a translation tab)
        return None


def test_long_lists_are_autocompletes_in_every_admin_form():
    checked = 0
    for model, name, form_field, form_admin in _forms():
        db_field = _db_field(model, name)
        if db_field is None or not db_field.is_relation or db_field.related_model not in LONG_LISTS:
            continue
        widget = getattr(form_field.widget, "widget", form_field.widget)
        assert isinstance(widget, admin_widgets.AutocompleteMixin), (type(form_admin).__name__, name)
        checked += 1
    assert checked >= 6  # households' languages and municipalities, offers', sponsors' …


def test_countries_are_searchable_lists_in_every_admin_form():
    kinds = set()
    for model, name, form_field, _form_admin in _forms():
        db_field = _db_field(model, name)
        if isinstance(db_field, CountryField):
            expected = SearchableSelectMultiple if db_field.multiple else SearchableSelect
            assert type(form_field.widget) is expected, (model, name)
            kinds.add(expected)
    assert kinds == {SearchableSelect, SearchableSelectMultiple}


def test_dates_have_the_admins_date_picker_and_times_the_split_date_and_time_inputs():
    seen = set()
    for model, name, form_field, _form_admin in _forms():
        db_field = _db_field(model, name)
        if isinstance(db_field, models.DateTimeField):
            assert isinstance(form_field.widget, LabelledSplitDateTime), (model, name)
            seen.add("datetime")
        elif isinstance(db_field, models.DateField):
            assert isinstance(form_field.widget, admin_widgets.AdminDateWidget), (model, name)
            seen.add("date")
    assert seen == {"datetime", "date"}


def test_split_date_and_time_inputs_are_each_named():
    html = LabelledSplitDateTime().render("meeting_at", None, {"id": "id_meeting_at"})
    inputs = re.findall(r"<input[^>]*>", html)
    assert 'id="id_meeting_at_0"' in inputs[0] and 'aria-label="Date"' in inputs[0]
    assert 'id="id_meeting_at_1"' in inputs[1] and 'aria-label="Time"' in inputs[1]
    named = LabelledSplitDateTime(attrs={"aria-label": "Meeting time"}).render("m", None, {"id": "id_m"})
    assert 'aria-label="Meeting time – Date"' in named and 'aria-label="Meeting time – Time"' in named


def test_every_input_of_a_tabular_inline_is_named_after_its_column(client, caseworker, household_factory):
    household = household_factory()
    client.force_login(caseworker)

    response = client.get(f"/lt{reverse('admin:sponsorship_household_change', args=[household.pk])[3:]}")

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    rows = re.findall(r"<(?:input|select|textarea)\b[^>]*\bname=\"(?:members|preferences)-\d+-[^\"]+\"[^>]*>", content)
    visible = [row for row in rows if 'type="hidden"' not in row]
    assert len(visible) >= 8  # kind, age, name and the deletion box of each member, …
    for row in visible:
        assert "aria-label=" in row, row
    assert 'aria-label="Amžius"' in content  # the member's age, in Lithuanian
    # The first column (the saved row's name) has a header for screen readers.
    assert '<th class="original"><span class="visually-hidden">Įrašas</span></th>' in content


def test_select2_lists_load_the_script_that_names_them(client, caseworker, household_factory):
    household = household_factory()
    client.force_login(caseworker)

    content = client.get(reverse("admin:sponsorship_household_change", args=[household.pk])).content.decode()

    assert 'class="admin-searchable"' in content  # the nationalities
    assert content.index("admin/js/autocomplete.js") < content.index("js/admin_widgets.js")
    assert "css/admin.css" in content


def _autocomplete(client, **query):
    return client.get(f"{reverse('admin:autocomplete')}?{urlencode(query)}")


def test_language_and_municipality_autocompletes_answer_a_caseworker(client, caseworker, municipality):
    Language.objects.create(code="uk", name_en="Ukrainian", name_lt="ukrainiečių", name_bg="украински")
    client.force_login(caseworker)

    languages = _autocomplete(
        client, app_label="sponsorship", model_name="household", field_name="languages", term="Ukr"
    )
    places = _autocomplete(
        client, app_label="housing", model_name="housingoffer", field_name="municipality", term="Kaun"
    )

    assert [result["text"] for result in json.loads(languages.content)["results"]] == ["Ukrainian"]
    assert [result["id"] for result in json.loads(places.content)["results"]] == [str(municipality.pk)]


def test_autocompletes_answer_no_one_outside_the_admin(client, user_factory):
    client.force_login(user_factory(email="sponsor@example.org"))

    response = _autocomplete(client, app_label="sponsorship", model_name="household", field_name="languages", term="")

    assert response.status_code == HTTPStatus.FOUND  # to the admin's sign-in
