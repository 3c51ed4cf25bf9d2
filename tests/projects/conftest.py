import datetime
import itertools

import pytest

from portal.search import search_entries_update
from projects.models import FundingProgramme, Level, Municipality, Project, TargetGroup, Theme
from projects.seeding import content_seed

_counter = itertools.count(1)


@pytest.fixture
def seeded(db):
    """The real seed content, as `make run` loads it."""
    return content_seed()


def _translated(name: str, text: str) -> dict[str, str]:
    return {f"{name}_lt": f"{text} LT", f"{name}_en": f"{text} EN", f"{name}_bg": f"{text} BG"}


@pytest.fixture
def theme_factory(db):
    def make(slug: str) -> Theme:
        return Theme.objects.get_or_create(slug=slug, defaults=_translated("name", slug))[0]

    return make


@pytest.fixture
def municipality_factory(db):
    def make(slug: str, country: str = "LT") -> Municipality:
        return Municipality.objects.get_or_create(
            slug=slug, defaults={"country": country, "kind": "city", **_translated("name", slug)}
        )[0]

    return make


@pytest.fixture
def project_factory(db, theme_factory, municipality_factory):
    def make(
        *,
        slug: str | None = None,
        title: str | None = None,
        start: tuple[int, int] | None = (2023, 1),
        end: tuple[int, int] | None = (2024, 12),
        themes: tuple[str, ...] = (),
        municipalities: tuple[str, ...] = (),
        target_groups: tuple[str, ...] = (),
        countries: tuple[str, ...] = ("LT",),
        programme: str | None = None,
        level: str = Level.NATIONAL,
        **extra,
    ) -> Project:
        number = next(_counter)
        slug = slug or f"project-{number}"
        title = title or f"Project {number}"
        fields = {**_translated("title", title), **_translated("summary", f"Summary of {title}"), **extra}
        project = Project.objects.create(
            slug=slug,
            start=datetime.date(*start, 1) if start else None,
            end=datetime.date(*end, 1) if end else None,
            level=level,
            countries=list(countries),
            funding_programme=(
                FundingProgramme.objects.get_or_create(slug=programme, defaults=_translated("name", programme))[0]
                if programme
                else None
            ),
            **fields,
        )
        project.themes.set([theme_factory(theme) for theme in themes])
        project.municipalities.set([municipality_factory(slug) for slug in municipalities])
        project.target_groups.set(
            [TargetGroup.objects.get_or_create(slug=s, defaults=_translated("name", s))[0] for s in target_groups]
        )
        # As the admin does after saving: the site-wide search (and the list's `q`) finds it.
        search_entries_update(instance=project)
        return project

    return make
