"""Matching fixtures: households that seek a home and homes to offer them, for the matching runs.

The people, households, offers and proposals come from tests/conftest.py.
"""

import pytest
from django.core.cache import caches
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fresh_progress():
    """Run progress lives in its own cache, which the shared fixtures do not clear."""
    caches["progress"].clear()
    yield
    caches["progress"].clear()


@pytest.fixture
def seeker(household_factory, municipality):
    """`seeker(*, prefs=None, speaks=(), **fields)`: a seeking household (two adults and a child, consent
    on file) that wants to move in two weeks from now; `prefs` are its preferred municipalities in order
    (default: `municipality`, Kaunas), `speaks` its languages."""
    import datetime

    from sponsorship.models import MunicipalityPreference

    def make(*, prefs=None, speaks=(), **data):
        data.setdefault("move_in_from", timezone.localdate() + datetime.timedelta(days=14))
        household = household_factory(**data)
        for rank, preferred in enumerate([municipality] if prefs is None else prefs, start=1):
            MunicipalityPreference.objects.create(household=household, municipality=preferred, rank=rank)
        if speaks:
            household.languages.set(speaks)
        return household

    return make


@pytest.fixture
def home(available_offer):
    """`home(sponsor=None, *, speaks=(), **fields)`: an available offer for three persons, children
    welcome, 200 EUR a month, from ten days on; `speaks` are the host's languages."""

    def make(sponsor=None, *, speaks=(), **data):
        data.setdefault("children_welcome", True)
        offer = available_offer(sponsor, **data)
        if speaks:
            offer.host_languages.set(speaks)
        return offer

    return make
