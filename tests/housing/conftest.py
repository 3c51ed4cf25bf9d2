"""Housing fixtures: a sponsor (speaking English) with a draft offer, another sponsor, and uploads kept in a
directory of each test's own."""

import pytest


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    """Every housing test stores uploads (offer photos) under `media_root`, never in the project."""
    return media_root


@pytest.fixture
def sponsor(sponsor_factory):
    """A sponsor (sponsor@example.org) who reads the portal in English."""
    from portal.models import User

    sponsor = sponsor_factory()
    User.objects.filter(pk=sponsor.user_id).update(language="en")
    return sponsor


@pytest.fixture
def other_sponsor(sponsor_factory):
    return sponsor_factory(email="other@example.org")


@pytest.fixture
def offer(sponsor, offer_factory):
    """The sponsor's draft offer."""
    return offer_factory(sponsor)
