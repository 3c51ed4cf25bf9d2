"""Training fixtures: a session language, a trainer, programmes with modules and sessions.

Recruitment events (`event_factory`) and the mediation fixtures (households, available offers, for the rule
that required training blocks matching) come from tests/conftest.py.
"""

import datetime
import itertools

import pytest

from tests.helpers import in_days


@pytest.fixture
def language(db):
    from projects.models import Language

    return Language.objects.get_or_create(code="lt", defaults={"name_en": "Lithuanian", "name_lt": "Lietuvių"})[0]


@pytest.fixture
def trainer(user_factory):
    """The trainer of the sessions made with `session_factory(trainer=trainer)`, speaking English."""
    return user_factory(email="trainer@example.org", first_name="Tina", last_name="Trainer", language="en")


@pytest.fixture
def programme_factory(db):
    """`programme_factory(modules=2, required_for_matching=False, **fields)`: a published sponsor programme
    with its modules (titles in the three languages)."""
    from training.models import Module, Programme

    numbers = itertools.count(1)

    def make(*, modules: int = 2, required_for_matching: bool = False, title: str | None = None, **fields):
        number = next(numbers)
        title = title or f"Sponsor basics {number}"
        values = {
            "slug": f"sponsor-basics-{number}",
            "title_en": title,
            "title_lt": f"{title} (LT)",
            "title_bg": f"{title} (BG)",
            "description_en": "What hosting involves.",
            "audience": Programme.Audience.SPONSORS,
            "required_for_matching": required_for_matching,
        }
        values.update(fields)
        programme = Programme.objects.create(**values)
        for position in range(1, modules + 1):
            Module.objects.create(
                programme=programme, position=position, title_en=f"Module {position}", duration_minutes=60
            )
        return programme

    return make


@pytest.fixture
def session_factory(language, programme_factory):
    """`session_factory(programme=None, capacity=10, starts_in_days=7, modules=None, **fields)`.

    The registration deadline is a day before the start (never after it). Created with
    `Session.objects.create`; a negative `starts_in_days` (a past session, which `clean()` refuses to
    create) is created in the future and then moved with `.update()`. `modules` defaults to all of the
    programme's modules.
    """
    from training.models import Session

    def make(
        programme=None,
        *,
        capacity: int = 10,
        starts_in_days: float = 7,
        hours: float = 3,
        deadline_before_hours: float = 24,
        modules=None,
        **fields,
    ):
        programme = programme or programme_factory()
        values = {
            "programme": programme,
            "language": language,
            "capacity": capacity,
            "place": "Kaunas, Laisvės al. 1",
        }
        values.update(fields)

        def dates(start: datetime.datetime) -> dict:
            return {
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=hours),
                "registration_deadline": start - datetime.timedelta(hours=deadline_before_hours),
            }

        wanted = dates(in_days(starts_in_days))
        if starts_in_days > 0:
            session = Session.objects.create(**values, **wanted)
        else:
            session = Session.objects.create(**values, **dates(in_days(30)))
            Session.objects.filter(pk=session.pk).update(**wanted)
            session.refresh_from_db()
        session.modules.set(programme.modules.all() if modules is None else modules)
        return session

    return make
