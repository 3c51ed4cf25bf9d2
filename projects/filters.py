"""Filters of the public lists (django-filter). Every parameter is validated by the filter form:
an unknown value is reported on the page, never a server error."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.search import MAX_QUERY_LENGTH, query_terms, search_object_ids
from projects.models import (
    FundingProgramme,
    GoodPractice,
    Language,
    Level,
    Municipality,
    Project,
    Resource,
    SustainableDevelopmentGoal,
    TargetGroup,
    Theme,
)


def _country_choices(model, field: str):
    """Only the countries that occur, so that the list stays short; names in the current language."""

    def choices():
        codes: set[str] = set()
        for value in model.objects.values_list(field, flat=True):
            codes.update(code for code in str(value or "").split(",") if code)
        return sorted(((code, countries.name(code)) for code in codes), key=lambda item: item[1])

    return choices


class SearchFilterSet(django_filters.FilterSet):
    """`q` is the site-wide search (`portal.search`) limited to the list's kind, so that the list and
    the search page find the same items (any language, case, diacritics and common endings)."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=MAX_QUERY_LENGTH)
    search_kind = ""

    def search(self, queryset, name, value):
        text = value.strip()
        if not query_terms(text):  # nothing to search for (empty, or words of one letter): no filter
            return queryset
        return queryset.filter(pk__in=search_object_ids(kind=self.search_kind, text=text))


class ProjectFilter(SearchFilterSet):
    search_kind = "project"

    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), field_name="themes", to_field_name="slug"
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=_country_choices(Project, "countries"), method="filter_country"
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Funding programme"),
        queryset=FundingProgramme.objects.all(),
        field_name="funding_programme",
        to_field_name="slug",
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"), queryset=TargetGroup.objects.all(), field_name="target_groups", to_field_name="slug"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        field_name="municipalities",
        to_field_name="slug",
    )
    year = django_filters.NumberFilter(
        label=_("Active in year"),
        method="filter_year",
        widget=forms.NumberInput(attrs={"min": 1990, "max": 2100}),
        min_value=1990,
        max_value=2100,
    )

    class Meta:
        model = Project
        fields = ["q", "theme", "country", "programme", "level", "target_group", "municipality", "year"]

    def filter_country(self, queryset, name, value):
        # A multiple CountryField is stored as "BE,IT,LT": codes are two letters between commas.
        return queryset.filter(countries__regex=rf"(^|,){value}(,|$)")

    def filter_year(self, queryset, name, value):
        # An open end (or start) counts as still running; a project with neither date has no period.
        year = int(value)
        return queryset.exclude(start__isnull=True, end__isnull=True).filter(
            Q(start__isnull=True) | Q(start__year__lte=year), Q(end__isnull=True) | Q(end__year__gte=year)
        )


class GoodPracticeFilter(SearchFilterSet):
    search_kind = "practice"

    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), field_name="themes", to_field_name="slug"
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=_country_choices(GoodPractice, "country"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"), queryset=TargetGroup.objects.all(), field_name="target_groups", to_field_name="slug"
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("Sustainable development goal"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        field_name="sdgs",
        to_field_name="number",
    )

    class Meta:
        model = GoodPractice
        fields = ["q", "theme", "country", "level", "target_group", "sdg"]


class ResourceFilter(SearchFilterSet):
    search_kind = "resource"

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Resource.Kind.choices)
    language = django_filters.ModelChoiceFilter(
        label=_("Language"), queryset=Language.objects.all(), field_name="languages", to_field_name="code"
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), field_name="themes", to_field_name="slug"
    )
    project = django_filters.ModelChoiceFilter(
        label=_("Project"), queryset=Project.objects.all(), field_name="project", to_field_name="slug"
    )
    audience = django_filters.ChoiceFilter(
        label=_("For"),
        choices=[
            ("sponsors", _("Sponsors")),
            ("municipalities", _("Municipalities")),
            ("staff", _("Caseworkers and scheme staff")),
        ],
        method="filter_audience",
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "language", "theme", "project", "audience"]

    def filter_audience(self, queryset, name, value):
        return queryset.filter(**{f"for_{value}": True})
