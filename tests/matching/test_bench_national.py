"""The national-scale data of the admin benchmark (`matching.bench_national`), written and cleared at a
tiny scale: every admin list a caseworker opens gets rows (sponsors' people and checks too), the
clear removes exactly the tagged rows, and it refuses (rolling back) to leave rows referring to them."""

import pytest
from django.db import IntegrityError, connection

from matching.bench_national import (
    EMAIL_DOMAIN,
    Sizes,
    national_data_clear,
    national_data_counts,
    national_data_create,
)

pytestmark = pytest.mark.django_db(transaction=True)  # the generator runs VACUUM, outside transactions

TINY = Sizes.scaled(0.0002)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's bulk SQL")


def test_the_national_data_is_written_then_cleared_without_touching_other_rows(organisation_factory):
    from sponsorship.models import SponsorCheck, SponsorPerson

    other = organisation_factory(name="Not benchmark data")

    national_data_create(sizes=TINY)
    written = national_data_counts()
    people = SponsorPerson.objects.filter(sponsor__user__email__endswith=EMAIL_DOMAIN)
    checks = SponsorCheck.objects.filter(person__in=people)
    assert written["households"] == TINY.households
    assert written["audit_rows"] == TINY.audit_rows
    assert TINY.sponsors <= people.count() <= 2 * TINY.sponsors
    assert checks.count() >= people.count()

    national_data_clear()

    assert national_data_counts() == dict.fromkeys(written, 0)
    assert not people.exists()
    assert type(other).objects.filter(pk=other.pk).exists()


def test_the_clear_refuses_to_leave_a_row_referring_to_benchmark_data(user_factory):
    from projects.models import Organisation

    national_data_create(sizes=TINY)
    bench_organisation = Organisation.objects.filter(slug__startswith="bench-nat-").first()
    user_factory(email="real@example.org", organisation=bench_organisation)

    with pytest.raises((RuntimeError, IntegrityError)):
        national_data_clear()

    assert national_data_counts()["households"] == TINY.households
