"""The admin's search at national scale (`portal.admin_tools.LargeTableAdminMixin`): each word is looked
up field by field through the tables' own indexes, and the rows found are exactly those of Django's
own search (each word must match one of the search fields)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from housing.models import HousingOffer
from sponsorship.models import SponsorPerson

pytestmark = pytest.mark.django_db

TERMS = [
    "Laisvės",
    "laisvės 10",
    "pušų g. 7",
    "neighbours",
    "KAUNAS pušų",
    "second@example",
    "Vilniaus second@example",
    '"al. 10"',
    "'Lakeside Friends'",
    "nothing-matches",
    "g.",
    "   ",
]


@pytest.fixture
def offers(sponsor_factory, offer_factory):
    first = sponsor_factory(
        email="first@example.org", kind="community_group", organisation_name="Kaunas Neighbours", verified=True
    )
    second = sponsor_factory(email="second@example.org", verified=True)
    third = sponsor_factory(email="third@example.org", kind="community_group", organisation_name="Lakeside Friends")
    return [
        offer_factory(first, street_address="Laisvės al. 10-3"),
        offer_factory(first, street_address="Pušų g. 7"),
        offer_factory(second, street_address="Vilniaus g. 12"),
        offer_factory(second, street_address="Laisvės al. 44"),
        offer_factory(third, street_address="Pušų g. 71-2"),
    ]


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("term", TERMS)
def test_the_offer_search_finds_what_djangos_search_finds(offers, superuser, term):
    model_admin = admin.site._registry[HousingOffer]
    request = _request(superuser)
    queryset = model_admin.get_queryset(request)

    ours, _ = model_admin.get_search_results(request, queryset, term)
    djangos, _ = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)

    assert sorted(ours.values_list("pk", flat=True)) == sorted(djangos.values_list("pk", flat=True))


def test_the_search_of_a_person_through_its_sponsor_finds_what_djangos_search_finds(offers, superuser):
    model_admin = admin.site._registry[SponsorPerson]
    request = _request(superuser)
    queryset = model_admin.get_queryset(request)

    for term in ["Sam", "neighbours sam", "friends first@", "sponsor"]:
        ours, _ = model_admin.get_search_results(request, queryset, term)
        djangos, _ = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)

        assert sorted(ours.values_list("pk", flat=True)) == sorted(djangos.values_list("pk", flat=True)), term


def test_each_word_is_looked_up_field_by_field_without_joining_the_related_tables(offers, superuser):
    model_admin = admin.site._registry[HousingOffer]
    request = _request(superuser)

    found, may_have_duplicates = model_admin.get_search_results(
        request, model_admin.get_queryset(request), "pušų kaunas"
    )

    assert [offer.street_address for offer in found] == ["Pušų g. 7"]
    assert not may_have_duplicates
    sql = str(found.query).upper()
    assert " UNION ALL " in sql
    assert " JOIN " not in sql.split(" WHERE ")[1]


def test_the_search_of_a_check_through_its_person_finds_what_djangos_search_finds(offers, superuser):
    from sponsorship.models import SponsorCheck

    model_admin = admin.site._registry[SponsorCheck]
    request = _request(superuser)
    queryset = model_admin.get_queryset(request)
    assert SponsorCheck.objects.exists()

    for term in ["Sam", "neighbours sam", "friends", "sponsor lakeside", "xyz", "am"]:
        ours, _ = model_admin.get_search_results(request, queryset, term)
        djangos, _ = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)

        assert sorted(ours.values_list("pk", flat=True)) == sorted(djangos.values_list("pk", flat=True)), term
