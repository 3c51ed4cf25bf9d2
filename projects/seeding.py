"""Loading the portal's first real content (`projects/seed/`, see its README) into the catalogue.

Every record is found by its natural key (slug, number or code). By default a record that already
exists is left as it is, so that edits made in the admin survive `make run`; with `update=True` the
seed files win and records are brought back to them. Either way a second run changes nothing.
"""

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from portal.page_cache import page_cache_invalidate
from portal.search import search_reindex
from projects.models import (
    ContactPerson,
    Event,
    FundingProgramme,
    GoodPractice,
    InfoPage,
    Language,
    Municipality,
    NewsItem,
    Organisation,
    Project,
    ProjectItem,
    ProjectLink,
    ProjectPartner,
    Resource,
    SustainableDevelopmentGoal,
    TargetGroup,
    Theme,
)

SEED_DIR = Path(__file__).resolve().parent / "seed"
RESOURCE_AUDIENCES = ["sponsors", "municipalities", "staff"]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class SeedError(Exception):
    """A seed file is malformed or references a record that does not exist."""


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def content_seed(*, directory: Path = SEED_DIR, update: bool = False) -> SeedReport:
    """Load `taxonomy.json` and then `content/*.json` from `directory`, in one transaction. Cached public
    pages are invalidated (also for rows written without signals)."""
    files = [directory / "taxonomy.json", *sorted((directory / "content").glob("*.json"))]
    if (directory / "pages.json").exists():
        files.append(directory / "pages.json")
    loader = _Loader(update=update)
    with transaction.atomic():
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise SeedError(f"{path.name}: {exc}") from exc
            try:
                loader.load(data)
            except (KeyError, TypeError, ValueError, ValidationError) as exc:
                raise SeedError(f"{path.name}: {exc!r}") from exc
        if loader.report.changed:
            page_cache_invalidate()
        # The site-wide search holds the content as loaded (rows written without the admin).
        search_reindex()
    return loader.report


def _translated(name: str, value: dict[str, str] | None) -> dict[str, str]:
    value = value or {}
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be an object with {LANGUAGE_CODES}")
    return {f"{name}_{code}": (value.get(code) or "").strip() for code in LANGUAGE_CODES}


def _translated_lines(name: str, items: list[dict[str, str]] | None) -> dict[str, str]:
    items = items or []
    return {f"{name}_{code}": "\n".join(item[code].strip() for item in items) for code in LANGUAGE_CODES}


def _comparable(value: Any) -> Any:
    """Countries (django-countries) compare by their codes."""
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return getattr(value, "code", value) if type(value).__name__ == "Country" else value


def _month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    year, month = (int(part) for part in value.split("-")[:2])
    return datetime.date(year, month, 1)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


class _Loader:
    def __init__(self, *, update: bool) -> None:
        self.update = update
        self.report = SeedReport()

    # -- generic upsert -------------------------------------------------------------------------

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
        """Create the record, or (in update mode) bring it to `values`. Returns (object, written)."""
        instance = model.objects.filter(**lookup).first()
        label = model._meta.model_name
        if instance is not None and not self.update:
            self.report.unchanged[label] += 1
            return instance, False
        is_new = instance is None
        if is_new:
            instance = model(**lookup)
        changed = is_new
        for name, value in values.items():
            if is_new or _comparable(getattr(instance, name)) != _comparable(value):
                setattr(instance, name, value)
                changed = True
        if not changed:
            self.report.unchanged[label] += 1
            return instance, True
        instance.full_clean()
        instance.save()
        (self.report.created if is_new else self.report.updated)[label] += 1
        return instance, True

    def set_m2m(self, instance: models.Model, name: str, objects: list[models.Model]) -> None:
        manager = getattr(instance, name)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in objects}:
            manager.set(objects)

    def sync_children(self, model, parent_lookup: dict[str, Any], rows: list[tuple[dict, dict]]) -> None:
        """Make the parent's children exactly `rows` (each a natural key and values)."""
        keep = []
        for key, values in rows:
            child, _written = self.upsert(model, {**parent_lookup, **key}, values)
            keep.append(child.pk)
        stale = model.objects.filter(**parent_lookup).exclude(pk__in=keep)
        if stale.exists():
            stale.delete()

    # -- references -----------------------------------------------------------------------------

    @staticmethod
    def get(model: type[models.Model], key: str, value: Any):
        try:
            return model.objects.get(**{key: value})
        except model.DoesNotExist as exc:
            raise ValueError(f"unknown {model._meta.model_name} {value!r}") from exc

    def many(self, model: type[models.Model], key: str, values: list[Any] | None) -> list[models.Model]:
        return [self.get(model, key, value) for value in values or []]

    def maybe(self, model: type[models.Model], key: str, value: Any):
        return self.get(model, key, value) if value else None

    # -- records --------------------------------------------------------------------------------

    def load(self, data: dict[str, Any]) -> None:
        for term_model, key in ((Theme, "themes"), (TargetGroup, "target_groups")):
            for row in data.get(key, []):
                self.upsert(term_model, {"slug": row["slug"]}, _translated("name", row["name"]))
        for row in data.get("funding_programmes", []):
            self.upsert(
                FundingProgramme,
                {"slug": row["slug"]},
                {"acronym": row.get("acronym", ""), **_translated("name", row["name"])},
            )
        for row in data.get("sdgs", []):
            self.upsert(SustainableDevelopmentGoal, {"number": row["number"]}, _translated("name", row["name"]))
        for row in data.get("languages", []):
            self.upsert(Language, {"code": row["code"]}, _translated("name", row["name"]))
        for row in data.get("municipalities", []):
            self.upsert(
                Municipality,
                {"slug": row["slug"]},
                {"country": row["country"], "kind": row["kind"], **_translated("name", row["name"])},
            )
        for row in data.get("organisations", []):
            self.upsert(
                Organisation,
                {"slug": row["slug"]},
                {
                    "acronym": row.get("acronym", ""),
                    "kind": row.get("kind", Organisation.Kind.OTHER),
                    "country": row.get("country", ""),
                    "website": row.get("website", ""),
                    **_translated("name", row["name"]),
                },
            )
        for row in data.get("projects", []):
            self.load_project(row)
        for row in data.get("resources", []):
            self.load_resource(row)
        for row in data.get("good_practices", []):
            self.load_practice(row)
        for row in data.get("news", []):
            self.load_news(row)
        for row in data.get("events", []):
            self.load_event(row)
        for row in data.get("info_pages", []):
            self.load_info_page(row)

    def load_project(self, row: dict[str, Any]) -> None:
        project, written = self.upsert(
            Project,
            {"slug": row["slug"]},
            {
                "acronym": row.get("acronym", ""),
                **_translated("title", row["title"]),
                **_translated("summary", row["summary"]),
                **_translated("period_note", row.get("period_note")),
                **_translated("approach_heading", row.get("approach_heading")),
                "start": _month(row.get("start")),
                "end": _month(row.get("end")),
                "published_on": _date(row.get("published_on")),
                "info_updated_on": _date(row.get("info_updated_on")),
                "funding_programme": self.maybe(FundingProgramme, "slug", row.get("funding_programme")),
                "grant_reference": row.get("grant_reference", ""),
                "level": row["level"],
                "countries": sorted(row.get("countries", [])),
            },
        )
        if not written:
            return
        self.set_m2m(project, "municipalities", self.many(Municipality, "slug", row.get("municipalities")))
        self.set_m2m(project, "themes", self.many(Theme, "slug", row.get("themes")))
        self.set_m2m(project, "target_groups", self.many(TargetGroup, "slug", row.get("target_groups")))
        self.set_m2m(project, "sdgs", self.many(SustainableDevelopmentGoal, "number", row.get("sdgs")))
        parent = {"project": project}
        items = []
        for kind, key in (("objective", "objectives"), ("activity", "activities"), ("approach", "approach")):
            items += [
                ({"kind": kind, "position": position}, _translated("text", text))
                for position, text in enumerate(row.get(key, []), start=1)
            ]
        self.sync_children(ProjectItem, parent, items)
        self.sync_children(
            ProjectPartner,
            parent,
            [
                (
                    {"organisation": self.get(Organisation, "slug", partner["organisation"])},
                    {"role": partner["role"], "position": position},
                )
                for position, partner in enumerate(row.get("partners", []), start=1)
            ],
        )
        self.sync_children(
            ContactPerson,
            parent,
            [
                (
                    {"position": position},
                    {
                        "name": contact["name"],
                        **_translated("role", contact.get("role")),
                        **_translated("organisation_text", contact.get("organisation_text")),
                        **_translated("group", contact.get("group")),
                        "organisation": self.maybe(Organisation, "slug", contact.get("organisation")),
                        "email": contact.get("email", ""),
                        "phone": contact.get("phone", ""),
                        "country": contact.get("country", ""),
                    },
                )
                for position, contact in enumerate(row.get("contacts", []), start=1)
            ],
        )
        self.sync_children(
            ProjectLink,
            parent,
            [
                (
                    {"position": position},
                    {
                        **_translated("title", link["title"]),
                        "url": link["url"],
                        "language": self.maybe(Language, "code", link.get("language")),
                    },
                )
                for position, link in enumerate(row.get("links", []), start=1)
            ],
        )

    def load_resource(self, row: dict[str, Any]) -> None:
        resource, written = self.upsert(
            Resource,
            {"slug": row["slug"]},
            {
                **_translated("title", row["title"]),
                **_translated("description", row.get("description")),
                "kind": row["kind"],
                "url": row.get("url", ""),
                "project": self.maybe(Project, "slug", row.get("project")),
                **{f"for_{audience}": audience in row.get("audiences", []) for audience in RESOURCE_AUDIENCES},
            },
        )
        if written:
            self.set_m2m(resource, "languages", self.many(Language, "code", row.get("languages")))
            self.set_m2m(resource, "themes", self.many(Theme, "slug", row.get("themes")))

    def load_practice(self, row: dict[str, Any]) -> None:
        practice, written = self.upsert(
            GoodPractice,
            {"slug": row["slug"]},
            {
                **_translated("title", row["title"]),
                **_translated("duration", row.get("duration")),
                **_translated("summary", row["summary"]),
                **_translated("origin", row.get("origin")),
                **_translated_lines("main_activities", row.get("main_activities")),
                **_translated_lines("challenges", row.get("challenges")),
                **_translated_lines("impact", row.get("impact")),
                **_translated_lines("replicability", row.get("replicability")),
                "organisation": self.get(Organisation, "slug", row["organisation"]),
                "country": row["country"],
                "level": row["level"],
                "project": self.maybe(Project, "slug", row.get("project")),
                "more_info_url": row.get("more_info_url", ""),
            },
        )
        if written:
            self.set_m2m(practice, "themes", self.many(Theme, "slug", row.get("themes")))
            self.set_m2m(practice, "target_groups", self.many(TargetGroup, "slug", row.get("target_groups")))
            self.set_m2m(practice, "sdgs", self.many(SustainableDevelopmentGoal, "number", row.get("sdgs")))
            self.set_m2m(practice, "municipalities", self.many(Municipality, "slug", row.get("municipalities")))

    def load_news(self, row: dict[str, Any]) -> None:
        news_item, written = self.upsert(
            NewsItem,
            {"slug": row["slug"]},
            {
                "published_on": _date(row["published_on"]),
                **_translated("title", row["title"]),
                **_translated("summary", row.get("summary")),
                **_translated("body", row["body"]),
                "project": self.maybe(Project, "slug", row.get("project")),
            },
        )
        if written:
            self.set_m2m(news_item, "municipalities", self.many(Municipality, "slug", row.get("municipalities")))

    def load_event(self, row: dict[str, Any]) -> None:
        event, written = self.upsert(
            Event,
            {"slug": row["slug"]},
            {
                "starts_on": _date(row["starts_on"]),
                "ends_on": _date(row.get("ends_on")),
                **_translated("title", row["title"]),
                **_translated("body", row["body"]),
                **_translated("location", row.get("location")),
                "participants": row.get("participants"),
                "project": self.maybe(Project, "slug", row.get("project")),
                "news_item": self.maybe(NewsItem, "slug", row.get("news")),
            },
        )
        if written:
            self.set_m2m(event, "municipalities", self.many(Municipality, "slug", row.get("municipalities")))

    def load_info_page(self, row: dict[str, Any]) -> None:
        """The privacy notice, contact page and accessibility statement: their texts only. The
        organisation's name and contacts are not in the sources, so the seed never sets them (not even
        with `update=True`): staff fill them in the admin, and until then the page says so."""
        self.upsert(
            InfoPage,
            {"kind": InfoPage.Kind(row["kind"]).value},
            {
                **_translated("title", row["title"]),
                **_translated("intro", row.get("intro")),
                **_translated("body", row["body"]),
            },
        )
