"""The admin's lists at national scale (`portal.admin_tools.LargeTablePaginator`): a whole table is
counted by the planner's estimate on PostgreSQL, anything filtered exactly up to a limit."""

import pytest
from django.db import connection

from portal.admin_tools import LargeTablePaginator
from projects.models import Language

pytestmark = pytest.mark.django_db


class SmallLimits(LargeTablePaginator):
    estimate_above = 5
    count_limit = 4


@pytest.fixture
def languages():
    Language.objects.bulk_create(Language(code=f"x{n}", name=f"Language {n}") for n in range(20))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Language._meta.db_table}")


def test_a_whole_table_is_counted_by_the_planners_estimate_on_postgresql(languages):
    paginator = SmallLimits(Language.objects.order_by("pk"), 2)

    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's (pg_class.reltuples)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [Language._meta.db_table])
        estimate = cursor.fetchone()[0]
    assert paginator.count == estimate > SmallLimits.estimate_above
    assert not paginator.count_is_exact
    assert not paginator.count_is_capped


def test_a_filtered_list_is_counted_exactly_up_to_the_limit(languages):
    few = SmallLimits(Language.objects.filter(code__in=["x1", "x2", "x3"]), 2)
    many = SmallLimits(Language.objects.filter(code__startswith="x"), 2)

    assert (few.count, few.count_is_exact) == (3, True)
    assert (many.count, many.count_is_exact, many.count_is_capped) == (SmallLimits.count_limit, False, True)
    assert many.num_pages == 2


def test_a_small_table_is_counted_exactly(languages):
    paginator = LargeTablePaginator(Language.objects.order_by("pk"), 2)

    assert paginator.count == Language.objects.count()
    assert paginator.count_is_exact


def test_the_admin_list_says_when_its_count_is_capped(client, admin_scene, monkeypatch):
    from django.urls import reverse

    from tests.helpers import client_of

    monkeypatch.setattr(LargeTablePaginator, "count_limit", 1)
    page = client_of(admin_scene.caseworker_a).get(reverse("admin:sponsorship_household_changelist"))

    assert "households: more than 1" in page.content.decode()
