"""The agenda: one list of what is coming (and what is past) across the apps.

The catalogue's events (projects), the information meetings for future sponsors and the training
sessions (training) are shown in one list on the events page. The page belongs to projects, which may
not import training, so each app registers an `AgendaSource` from its `AppConfig.ready`; each source
reads through its app's selectors (a constant number of queries per source).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class AgendaItem:
    """One entry: `starts` (and `ends`) are dates for a day-long event, aware datetimes otherwise."""

    title: str
    url: str
    kind: str
    starts: datetime.date | datetime.datetime
    ends: datetime.date | datetime.datetime | None = None
    place: str = ""
    online: bool = False
    detail: str = ""  # a short line under the title: a project, the seats left, …

    @property
    def has_time(self) -> bool:
        return isinstance(self.starts, datetime.datetime)

    @property
    def sort_key(self) -> datetime.datetime:
        if isinstance(self.starts, datetime.datetime):
            return self.starts
        return timezone.make_aware(datetime.datetime.combine(self.starts, datetime.time.min))


@dataclass(frozen=True)
class AgendaSource:
    """`upcoming()`: items not yet over; `past()`: items that are over (both in any order)."""

    name: str
    upcoming: Callable[[], Iterable[AgendaItem]]
    past: Callable[[], Iterable[AgendaItem]]


_SOURCES: dict[str, AgendaSource] = {}


def agenda_source_register(source: AgendaSource) -> None:
    _SOURCES[source.name] = source


def agenda_upcoming() -> list[AgendaItem]:
    """Everything not yet over, soonest first."""
    items = [item for source in _SOURCES.values() for item in source.upcoming()]
    return sorted(items, key=lambda item: (item.sort_key, item.title))


def agenda_past() -> list[AgendaItem]:
    """Everything over, the latest first."""
    items = [item for source in _SOURCES.values() for item in source.past()]
    return sorted(items, key=lambda item: (item.sort_key, item.title), reverse=True)
