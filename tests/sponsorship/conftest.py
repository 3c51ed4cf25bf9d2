"""Sponsorship fixtures: households flagged as possible duplicates of each other.

The people, households and proposals come from tests/conftest.py.
"""

import datetime

import pytest


@pytest.fixture
def duplicates(household_factory):
    """Two households of the same head (the same name, written in other letters, and date of birth), both
    recorded by caseworkers: the second is flagged as a possible duplicate of the first."""
    birth = datetime.date(1985, 3, 1)
    first = household_factory(head_name="Olena Kovalenko", head_birth_date=birth)
    second = household_factory(head_name="OLENA KOVALENKO", head_birth_date=birth)
    return first, second
