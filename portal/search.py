"""The site-wide search: one small table (`SearchEntry`) of the public content, one row per item and
language, kept by the apps that own the content.

**What is indexed.** Each app registers its public content in its `AppConfig.ready`
(`search_source_register`): a kind (`"project"`, `"programme"`, …), the model, a queryset of the public
rows and a function giving an item's title, text and address in the active language. Nothing personal is
ever registered (no households, sponsors, offers, enrolments or contact persons). portal imports no app
above it: the sources plug in.

**When it is kept in sync.** `search_entries_update(instance=…)` rebuilds one item's rows (or removes them
when it is no longer public); a change of a model a source depends on (a theme's name, a programme of its
sessions) rebuilds that whole kind. The admin calls it after saving (`SearchIndexedAdmin`, after the
inlines and many-to-many fields are saved), `seed_content` and `manage.py search_reindex` rebuild
everything (`search_reindex`). The rows are content models of the page cache: any change of them makes
the cached pages (search results included) stale.

**How text matches, on every database.** Text and query are normalised the same way in Python
(`normalise`: Unicode case folding, diacritics stripped after NFKD, so "Būstas", "BŪSTAS" and "bustas"
are one word, as "Украйна" and "украйна" are). A query term matches a word that starts with its *stem*:
the term without one common Lithuanian, Bulgarian or English ending (`ENDINGS`), keeping at least
`MIN_STEM` characters, so "Ukrainos" (ukrain-) finds "Ukraina", "Ukrainą" and "Ukraine", "būstas"
(bust-) finds "būsto", "housing" (hous-) finds "house". Every term must match (in any field, in any
language version of the item); the results show the item in the page's language.

**On PostgreSQL** the same rows carry a stored `tsvector` (the `english` configuration for the English
rows, `simple` for Lithuanian and Bulgarian, which have no snowball stemmer in PostgreSQL; `unaccent`
first), with GIN indexes on it and a trigram index on the text: a term matches by stem prefix
(`ukrain:*`), by the English stemmer, or by trigram word similarity (`<%`, which forgives a typo), and
the results are ranked by `ts_rank` plus the title's trigram similarity. On SQLite a term matches as a
word prefix (`LIKE`) of the normalised text, and titles rank above texts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import translation

from portal.models import SearchEntry
from portal.page_cache import page_cache_invalidate

# A longer query is cut (nobody types more; the page stays cheap whatever is sent).
MAX_QUERY_LENGTH = 200
# At most this many terms count; each must have at least MIN_TERM characters after normalising.
MAX_TERMS = 8
MIN_TERM = 2
# A stem keeps at least this many characters (shorter words are matched whole, as a prefix).
MIN_STEM = 4
# What an item's text may hold in the index (the rest is not searched).
MAX_TEXT = 20000

# Common endings, normalised (no diacritics), longest first: Lithuanian noun and adjective cases
# ("Ukrainos", "būstas", "savivaldybėse"), Bulgarian articles and plurals ("Украйна", "бежанците"), English
# plurals and -ing forms. Only one ending is stripped: a light stemmer, not a grammar.
ENDINGS = sorted(
    {
        # Lithuanian
        "iems", "iams", "uose", "ose", "ese", "yse", "oje", "eje", "uje", "ams", "ems", "oms", "ais", "ies",
        "ios", "iai", "ius", "iu", "io", "as", "is", "ys", "os", "us", "es", "ai", "ei", "a", "e", "i", "o", "u", "y",
        # Bulgarian
        "ите", "ята", "ата", "ото", "ете", "ът", "ят", "та", "то", "те", "ия", "и", "а", "я", "о", "е",
        # English
        "ings", "ing", "ed", "s",
    },
    key=len,
    reverse=True,
)  # fmt: skip

_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Case-folded, without diacritics (NFKD, combining marks dropped), words separated by one space, with a
    space before the first word (so that " " + stem matches a word's start)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " " + " ".join(_WORD.findall(plain)) + " "


def stem(term: str) -> str:
    """The term without one common ending, keeping at least MIN_STEM characters (`term` is normalised)."""
    for ending in ENDINGS:
        if term.endswith(ending) and len(term) - len(ending) >= MIN_STEM:
            return term[: -len(ending)]
    return term


def query_terms(text: str) -> list[str]:
    """The normalised terms of a query (cut to MAX_QUERY_LENGTH characters and MAX_TERMS terms)."""
    terms: list[str] = []
    for term in normalise(str(text)[:MAX_QUERY_LENGTH]).split():
        if len(term) >= MIN_TERM and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


# --- The registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchDocument:
    """An item as the index holds it, in one language."""

    title: str
    text: str
    url: str


@dataclass(frozen=True)
class SearchSource:
    """One kind of public content. `queryset()` gives the public rows (with what `document` reads);
    `document(obj)` is called with each language active in turn; `depends_on` lists the models whose
    changes can change the documents (the items referring to the changed row are rebuilt, or the kind
    whole when no relation of its own names that model)."""

    kind: str
    label: Any  # a lazy translation: the plural name shown on the results page ("Projects")
    model: type[Model]
    queryset: Callable[[], QuerySet]
    document: Callable[[Any], SearchDocument]
    order: int = 100
    depends_on: tuple[type[Model], ...] = field(default_factory=tuple)


_sources: dict[str, SearchSource] = {}


def search_source_register(source: SearchSource) -> None:
    _sources[source.kind] = source


def search_sources() -> list[SearchSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.kind))


def search_source(kind: str) -> SearchSource | None:
    return _sources.get(kind)


# --- Writes -------------------------------------------------------------------------------------


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _entries(source: SearchSource, obj: Any) -> list[SearchEntry]:
    entries = []
    for language in _languages():
        with translation.override(language):
            document = source.document(obj)
        title = " ".join(str(document.title).split())[:500]
        text = " ".join(str(document.text).split())[:MAX_TEXT]
        entries.append(
            SearchEntry(
                kind=source.kind,
                object_id=obj.pk,
                language=language,
                title=title,
                text=text,
                url=str(document.url)[:500],
                title_key=normalise(title),
                text_key=normalise(text),
            )
        )
    return entries


def _vectors_update(entries: QuerySet[SearchEntry]) -> None:
    """PostgreSQL: the stored tsvector of these rows (English rows stemmed, the others as written)."""
    if connection.vendor != "postgresql":
        return
    for config, rows in (("english", entries.filter(language="en")), ("simple", entries.exclude(language="en"))):
        rows.update(
            vector=SearchVector(Func(F("title_key"), function="unaccent"), config=config, weight="A")
            + SearchVector(Func(F("text_key"), function="unaccent"), config=config, weight="B")
        )


def _source_rebuild(source: SearchSource, objects: Iterable[Any] | None = None) -> int:
    """Rebuild the rows of these objects of the source (all of its kind when `objects` is None)."""
    with transaction.atomic():
        rows = SearchEntry.objects.filter(kind=source.kind)
        public = source.queryset()
        if objects is not None:
            pks = [obj.pk for obj in objects]
            rows = rows.filter(object_id__in=pks)
            public = public.filter(pk__in=pks)
        rows.delete()
        entries = [entry for obj in public for entry in _entries(source, obj)]
        SearchEntry.objects.bulk_create(entries, batch_size=500)
        _vectors_update(SearchEntry.objects.filter(kind=source.kind, vector__isnull=True))
        # Bulk writes send no signals: the cached pages (search results among them) are stale now.
        page_cache_invalidate()
    return len(entries)


def _dependants(source: SearchSource, instance: Model) -> QuerySet | None:
    """The source's items that refer to `instance` through a relation of their own (a foreign key or a
    many-to-many, either way), or None when none names its model (the whole kind is then rebuilt)."""
    paths = [
        relation.name
        for relation in source.model._meta.get_fields()
        if relation.is_relation and relation.related_model is type(instance)
    ]
    if not paths:
        return None
    refers = Q()
    for path in paths:
        refers |= Q(**{path: instance})
    return source.model._default_manager.filter(refers).distinct()


def search_entries_update(*, instance: Model) -> None:
    """An item was saved: its rows follow (removed when it is not public); when the model is one others
    depend on, the rows of the items that refer to it are rebuilt (a theme's edit rewrites its projects',
    not every project's)."""
    model = type(instance)
    for source in search_sources():
        if source.model is model:
            _source_rebuild(source, [instance])
        elif model in source.depends_on:
            _source_rebuild(source, _dependants(source, instance))


def search_entries_remove(*, model: type[Model], pks: Iterable[int]) -> None:
    """Items were deleted: their rows go (and kinds depending on the model are rebuilt)."""
    pks = list(pks)
    for source in search_sources():
        if source.model is model:
            SearchEntry.objects.filter(kind=source.kind, object_id__in=pks).delete()
            page_cache_invalidate()
        elif model in source.depends_on:
            _source_rebuild(source)


def search_reindex(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the index (of the given kinds, or all); returns the rows written per kind. Rows of kinds no
    longer registered are removed."""
    wanted = set(kinds) if kinds is not None else None
    counts: dict[str, int] = {}
    with transaction.atomic():
        if wanted is None:
            SearchEntry.objects.exclude(kind__in=list(_sources)).delete()
        for source in search_sources():
            if wanted is None or source.kind in wanted:
                counts[source.kind] = _source_rebuild(source)
    return counts


class SearchIndexedAdmin:
    """Admin mixin: the search index follows the admin's saves and deletions (after the inlines and the
    many-to-many fields are saved, so that the item's rows hold its themes and items)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        search_entries_update(instance=form.instance)

    def delete_model(self, request, obj):
        model, pk = type(obj), obj.pk
        super().delete_model(request, obj)  # type: ignore[misc]
        search_entries_remove(model=model, pks=[pk])

    def delete_queryset(self, request, queryset):
        model, pks = queryset.model, list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        search_entries_remove(model=model, pks=pks)


# --- Reads --------------------------------------------------------------------------------------


class _WordSimilar(Func):
    """PostgreSQL `term <% text`: the term is similar to a word of the text (pg_trgm, index-assisted)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _matching(terms: list[str]) -> tuple[Q, Any]:
    """The condition (every term matches) and the rank of a row, for the active database."""
    stems = [stem(term) for term in terms]
    condition = Q()
    if connection.vendor == "postgresql":
        prefix = SearchQuery(" & ".join(f"{s}:*" for s in stems), search_type="raw", config="simple")
        for term, s in zip(terms, stems, strict=True):
            condition &= (
                Q(vector=SearchQuery(f"{s}:*", search_type="raw", config="simple"))
                | Q(vector=SearchQuery(term, config="english"))
                | Q(_WordSimilar(Value(term), F("text_key")))
                | Q(_WordSimilar(Value(term), F("title_key")))
            )
        rank = SearchRank(F("vector"), prefix) + TrigramWordSimilarity(Value(" ".join(terms)), "title_key")
        return condition, Cast(rank, FloatField())
    title_hits = []
    for s in stems:
        word = " " + s
        condition &= Q(title_key__contains=word) | Q(text_key__contains=word)
        title_hits.append(Case(When(title_key__contains=word, then=Value(2)), default=Value(0)))
    rank: Any = Value(1)
    for hit in title_hits:
        rank = rank + hit
    return condition, Cast(rank, IntegerField())


@dataclass
class SearchResult:
    kind: str
    label: Any
    title: str
    text: str
    url: str


def search_matches(*, text: str, kind: str | None = None) -> QuerySet:
    """The matching items as (kind, object_id, score) rows, best first; one row per item whatever the
    language it matched in. Empty when the query has no term."""
    terms = query_terms(text)
    rows = SearchEntry.objects.all()
    if not terms:
        return rows.none().values("kind", "object_id")
    condition, rank = _matching(terms)
    rows = rows.filter(condition)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.values("kind", "object_id").annotate(score=Max(rank)).order_by("-score", "kind", "object_id")


def search_object_ids(*, kind: str, text: str) -> QuerySet:
    """The ids of the items of one kind matching the query (a subquery for `pk__in`)."""
    terms = query_terms(text)
    if not terms:
        return SearchEntry.objects.none().values("object_id")
    condition, _rank = _matching(terms)
    return SearchEntry.objects.filter(condition, kind=kind).values("object_id")


def search_kind_counts(*, text: str) -> list[tuple[SearchSource, int]]:
    """How many items of each kind match (in the registry's order), kinds without a match left out."""
    terms = query_terms(text)
    if not terms:
        return []
    condition, _rank = _matching(terms)
    counts = dict(
        SearchEntry.objects.filter(condition)
        .values("kind")
        .annotate(items=Count("object_id", distinct=True))
        .values_list("kind", "items")
    )
    return [(source, counts[source.kind]) for source in search_sources() if counts.get(source.kind)]


def search_results(*, rows: Iterable[dict], language: str) -> list[SearchResult]:
    """The page's items in the given language (one query), in the order of `rows`."""
    rows = list(rows)
    if not rows:
        return []
    wanted = Q()
    for row in rows:
        wanted |= Q(kind=row["kind"], object_id=row["object_id"])
    entries = {
        (entry.kind, entry.object_id): entry
        for entry in SearchEntry.objects.filter(wanted, language=language).only(
            "kind", "object_id", "title", "text", "url"
        )
    }
    results = []
    for row in rows:
        entry = entries.get((row["kind"], row["object_id"]))
        source = search_source(row["kind"])
        if entry is None or source is None:
            continue
        results.append(
            SearchResult(kind=entry.kind, label=source.label, title=entry.title, text=entry.text, url=entry.url)
        )
    return results
