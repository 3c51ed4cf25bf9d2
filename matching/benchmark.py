"""Synthetic, realistic matching data for the benchmark and the load tests, with a fixed seed.

Households and offers follow plausible shares (sizes, children, pets, step-free needs, rents, dates,
languages, preferred municipalities concentrated in the cities) so that a household has on the order of
fifty feasible offers at any size: the number of places grows with the offers, in regions of at most
`PLACES_PER_REGION` places (a country of Lithuania's size: 60 municipalities for a thousand offers, 625
for ten thousand; ten such regions for a hundred thousand), each with its own large cities, and a
household looks for a home in one region.
Values are drawn on arrays and rows written in bulk (COPY on PostgreSQL, bulk_create elsewhere); callers
usually roll them back afterwards. `matching_bench` runs the real matching end to end on such data and
reports each phase's time, peak memory and the rows or pairs it went through.
"""

from __future__ import annotations

import datetime
import gc
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from housing.models import HousingOffer
from portal.models import User
from projects.models import Language, Municipality, Organisation
from sponsorship.models import (
    Household,
    HouseholdMember,
    MunicipalityPreference,
    SponsorCheck,
    SponsorPerson,
    SponsorProfile,
)
from sponsorship.selectors import REQUIRED_CHECKS
from training.models import Certificate
from training.selectors import missing_required_training

# Places grow with the data (60 Lithuanian municipalities for a thousand offers; across the three RISE
# countries for more), so that a household keeps about fifty feasible offers at any size.
OFFERS_PER_PLACE = 16
PLACES_PER_REGION = 625
BASE_LANGUAGES = ["lt", "en", "ru", "uk"]  # from the seed content; created when missing
EXTRA_LANGUAGES = ["ar", "fa", "ps", "tr", "so", "ti", "fr", "de", "pl", "be", "ka", "hy"]


@dataclass
class SyntheticData:
    households: int
    offers: int
    sponsors: int
    eligible_sponsors: int
    municipalities: int = 0
    regions: int = 0


def _choice(rng: np.random.Generator, values, shares, n: int) -> np.ndarray:
    shares = np.asarray(shares, dtype=np.float64)
    return rng.choice(np.asarray(values), size=n, p=shares / shares.sum())


def _insert(model: type[models.Model], n: int, values: dict[str, Sequence | object]) -> np.ndarray:
    """Insert `n` rows of `model`, each field from `values` (a sequence of n, or one value for all), the
    others at their default (auto_now fields: now). Returns the new primary keys. COPY on PostgreSQL (the
    keys taken from the table's sequence first), bulk_create elsewhere."""
    if not n:
        return np.zeros(0, np.int64)
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns: dict[str, Sequence | object] = {}
    column_of = {f.attname: f.column for f in fields}
    for f in fields:
        if f.attname in values:
            columns[f.attname] = values[f.attname]
        elif f.name in values:
            columns[f.attname] = values[f.name]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns[f.attname] = now
        else:
            columns[f.attname] = f.get_default()
    listed = {
        name: (value.tolist() if isinstance(value, np.ndarray) else value)
        for name, value in columns.items()
        if isinstance(value, (list, tuple, np.ndarray))
    }
    fixed = {name: value for name, value in columns.items() if name not in listed}
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, n],
            )
            ids = [row[0] for row in cursor.fetchall()]
            names = [model._meta.pk.column, *(column_of[a] for a in columns)]
            quoted = ", ".join(connection.ops.quote_name(name) for name in names)
            order = list(columns)
            series = [listed.get(name) for name in order]
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for i in range(n):
                    copy.write_row(
                        [ids[i], *(fixed[name] if s is None else s[i] for name, s in zip(order, series, strict=True))]
                    )
        return np.array(ids, dtype=np.int64)
    objects = [
        model(**{name: (listed[name][i] if name in listed else fixed[name]) for name in columns}) for i in range(n)
    ]
    model.objects.bulk_create(objects, batch_size=2000)
    return np.array([obj.pk for obj in objects], dtype=np.int64)


def _first_distinct(draws: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of `draws`, its first `keep[row]` distinct values in order: (row, value, rank from 1)."""
    repeated = np.zeros(draws.shape, dtype=bool)
    for j in range(1, draws.shape[1]):
        repeated[:, j] = (draws[:, :j] == draws[:, j : j + 1]).any(axis=1)
    rank = np.cumsum(~repeated, axis=1)
    chosen = ~repeated & (rank <= keep[:, None])
    rows, cols = np.nonzero(chosen)
    return rows, draws[rows, cols], rank[rows, cols]


def synthetic_data_create(
    *, households: int, offers: int, seed: int = 1, today: datetime.date | None = None, tag: str = "bench"
) -> SyntheticData:
    rng = np.random.default_rng(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    day = datetime.timedelta(days=1)

    # Places and languages -------------------------------------------------------------------------
    places = max(60, offers // OFFERS_PER_PLACE)
    existing = Municipality.objects.count()
    if places > existing:
        Municipality.objects.bulk_create(
            (
                Municipality(slug=f"{tag}-{seed}-place-{i}", name=f"Place {i}", country="LT", kind="district")
                for i in range(places - existing)
            ),
            batch_size=2000,
        )
    municipality_ids = np.array(Municipality.objects.order_by("pk").values_list("pk", flat=True)[:places])
    # Regions of consecutive places; in each, a few large cities draw most preferences and offers (a
    # Zipf-like share).
    region_of = np.arange(len(municipality_ids)) // PLACES_PER_REGION
    regions = int(region_of[-1]) + 1
    region_start = np.flatnonzero(np.r_[True, region_of[1:] != region_of[:-1]])
    region_size = np.diff(np.r_[region_start, len(municipality_ids)])
    shares = [1.0 / np.arange(1, size + 1) ** 0.7 for size in region_size.tolist()]
    cumulative = [np.cumsum(share) / share.sum() for share in shares]

    def places_draw(shape: tuple[int, ...], region: np.ndarray) -> np.ndarray:
        """Places drawn by their share within `region` (one region per row of `shape`)."""
        u = rng.random(shape)
        picked = np.zeros(shape, dtype=np.int64)
        for r in range(regions):
            rows = region == r
            picked[rows] = region_start[r] + np.minimum(
                np.searchsorted(cumulative[r], u[rows], side="right"), region_size[r] - 1
            )
        return picked

    def regions_draw(n: int) -> np.ndarray:
        return np.minimum(rng.choice(regions, size=n, p=region_size / region_size.sum()), regions - 1)

    for code in BASE_LANGUAGES + EXTRA_LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": code})
    languages = dict(Language.objects.values_list("code", "pk"))
    refugee_languages = [
        code for code in ["uk", "ru", "ar", "fa", "ps", "tr", "so", "ti", "be", "ka"] if code in languages
    ]
    host_languages = [code for code in ["lt", "en", "ru", "uk", "pl", "de", "fr"] if code in languages]

    organisation, _created = Organisation.objects.get_or_create(
        slug=f"{tag}-organisation", defaults={"name": "Benchmark organisation"}
    )

    # Sponsors: some own several offers (landlords, agencies); about 95 % are eligible ----------------
    n_sponsors = max(1, offers * 2 // 3)
    password = make_password(None)
    users = _insert(
        User,
        n_sponsors,
        {
            "email": [f"{tag}-{seed}-sponsor-{i}@example.invalid" for i in range(n_sponsors)],
            "password": password,
            "is_active": True,
            "date_joined": now,
        },
    )
    status = _choice(rng, ["verified", "pending"], [0.97, 0.03], n_sponsors)
    sponsors = _insert(
        SponsorProfile,
        n_sponsors,
        {
            "user_id": users,
            "kind": "host_family",
            "municipality_id": municipality_ids[places_draw((n_sponsors,), regions_draw(n_sponsors))],
            "status": status.astype(str).tolist(),
            "consented_at": now,
        },
    )
    persons = _insert(
        SponsorPerson,
        n_sponsors,
        {
            "sponsor_id": sponsors,
            "full_name": [f"Sponsor {i}" for i in range(n_sponsors)],
            "role": SponsorPerson.Role.MAIN,
        },
    )
    expired = rng.random(n_sponsors) < 0.02
    kinds = [str(kind) for kind in REQUIRED_CHECKS]
    check_person = np.repeat(persons, len(kinds))
    check_kind = kinds * n_sponsors
    bad = np.repeat(expired, len(kinds)) & (np.array(check_kind) == kinds[1])
    _insert(
        SponsorCheck,
        len(check_person),
        {
            "person_id": check_person,
            "kind": check_kind,
            "result": SponsorCheck.Result.PASSED,
            "checked_on": today - 400 * day,
            "expires_on": [today - day if b else None for b in bad.tolist()],
        },
    )
    trained = rng.random(n_sponsors) < 0.98
    programmes = [programme.pk for programme in missing_required_training(user=None)]
    certified = np.flatnonzero(trained)
    certificate_user = np.repeat(users[certified], len(programmes))
    certificate_index = np.repeat(certified, len(programmes))
    certificate_programme = programmes * len(certified)
    _insert(
        Certificate,
        len(certificate_user),
        {
            "user_id": certificate_user,
            "holder_name": "Sponsor",
            "programme_id": certificate_programme,
            "code": [
                f"B{seed}{i:07d}{programme:03d}"[:20]
                for i, programme in zip(certificate_index.tolist(), certificate_programme, strict=True)
            ],
        },
    )
    eligible = int(((status == "verified") & ~expired & trained).sum())

    # Offers ------------------------------------------------------------------------------------------
    capacity = _choice(rng, [1, 2, 3, 4, 5, 6, 8], [12, 26, 20, 18, 12, 8, 4], offers)
    free = rng.random(offers) < 0.4
    rent = np.round(rng.uniform(120, 650, offers), -1)
    available_from = rng.integers(-30, 45, offers)
    open_ended = rng.random(offers) < 0.5
    months = rng.integers(3, 25, offers)
    flags = rng.random((offers, 7))
    offer_ids = _insert(
        HousingOffer,
        offers,
        {
            "sponsor_id": sponsors[rng.integers(0, n_sponsors, offers)],
            "status": HousingOffer.Status.AVAILABLE,
            "kind": "flat",
            "municipality_id": municipality_ids[places_draw((offers,), regions_draw(offers))],
            "street_address": [f"Street {i}" for i in range(offers)],
            "capacity": capacity,
            "max_households": np.where((capacity >= 6) & (rng.random(offers) < 0.3), 2, 1),
            "step_free": flags[:, 0] < 0.3,
            "children_welcome": flags[:, 1] < 0.75,
            "pets_allowed": flags[:, 2] < 0.35,
            "near_school": flags[:, 3] < 0.45,
            "near_work": flags[:, 4] < 0.45,
            "near_medical_care": flags[:, 5] < 0.45,
            "cost": np.where(free, HousingOffer.Cost.FREE, HousingOffer.Cost.REDUCED).astype(str),
            "monthly_rent": [None if f else r for f, r in zip(free.tolist(), rent.tolist(), strict=True)],
            "available_from": [today + int(d) * day for d in available_from.tolist()],
            "available_until": [
                None if o else today + (int(d) + int(m) * 31 + 30) * day
                for o, d, m in zip(open_ended.tolist(), available_from.tolist(), months.tolist(), strict=True)
            ],
            "minimum_stay_months": rng.choice([0, 1, 3, 6], size=offers),
            "confirmed_at": now,
        },
    )
    spoken_by_host = rng.random((offers, len(host_languages) - 1)) < 0.25
    rows, cols = np.nonzero(np.c_[np.ones(offers, bool), spoken_by_host])
    through = HousingOffer.host_languages.through
    host_language_ids = np.array([languages[code] for code in host_languages])
    _insert(through, len(rows), {"housingoffer_id": offer_ids[rows], "language_id": host_language_ids[cols]})

    # Households --------------------------------------------------------------------------------------
    size = _choice(rng, [1, 2, 3, 4, 5, 6, 7], [30, 24, 18, 13, 8, 5, 2], households)
    waiting = rng.integers(0, 365, households)
    draws = rng.random((households, 8))
    max_rent = np.round(rng.uniform(150, 700, households), -1)
    move_in = rng.integers(0, 60, households)
    stay = rng.integers(3, 25, households)
    household_ids = _insert(
        Household,
        households,
        {
            "reference": [f"{tag[:4].upper()}{seed}-{i:06d}"[:20] for i in range(households)],
            "head_name": [f"Household {i}" for i in range(households)],
            "protection_status": "temporary",
            "organisation_id": organisation.pk,
            "status": Household.Status.SEEKING,
            "consent_version": "1",
            "consent_given_on": [None if d < 0.01 else today for d in draws[:, 0].tolist()],
            "needs_step_free": draws[:, 1] < 0.08,
            "has_pets": draws[:, 2] < 0.1,
            "max_monthly_rent": [
                None if d < 0.5 else r for d, r in zip(draws[:, 3].tolist(), max_rent.tolist(), strict=True)
            ],
            "move_in_from": [today + int(d) * day for d in move_in.tolist()],
            "stay_months": [None if d < 0.2 else s for d, s in zip(draws[:, 4].tolist(), stay.tolist(), strict=True)],
            "near_school": draws[:, 5] < 0.3,
            "near_work": draws[:, 6] < 0.4,
            "near_medical_care": draws[:, 7] < 0.15,
            "waiting_since": [today - int(w) * day for w in waiting.tolist()],
        },
    )
    # Members: one adult alone, two in a pair, one or two adults (60 %) with children in larger families.
    two_adults = rng.random(households) < 0.6
    adults = np.where(size == 1, 1, np.where(size == 2, 2, np.where(two_adults, 2, 1)))
    member_household = np.repeat(household_ids, size)
    position = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    is_adult = position < np.repeat(adults, size)
    ages = np.where(is_adult, rng.integers(18, 70, len(is_adult)), rng.integers(0, 17, len(is_adult)))
    _insert(
        HouseholdMember,
        len(member_household),
        {
            "household_id": member_household,
            "kind": np.where(is_adult, "adult", "child").astype(str),
            "age": ages,
        },
    )
    # One to three preferred places in one region, drawn by the places' shares.
    wanted = rng.choice([1, 2, 3], p=[0.35, 0.4, 0.25], size=households)
    place_draws = places_draw((households, 8), regions_draw(households))
    rows, place, rank = _first_distinct(place_draws, wanted)
    _insert(
        MunicipalityPreference,
        len(rows),
        {"household_id": household_ids[rows], "municipality_id": municipality_ids[place], "rank": rank},
    )
    # One refugee language; Russian as well for half of them, English for a quarter.
    spoken = np.c_[
        np.array([languages[c] for c in refugee_languages])[rng.integers(0, len(refugee_languages), households)],
        np.where(rng.random(households) < 0.5, languages.get("ru", languages[refugee_languages[0]]), -1),
        np.where(rng.random(households) < 0.25, languages.get("en", -1), -1),
    ]
    rows, language = _first_distinct(spoken, np.full(households, 3))[:2]
    keep = language >= 0
    language_through = Household.languages.through
    _insert(
        language_through,
        int(keep.sum()),
        {"household_id": household_ids[rows[keep]], "language_id": language[keep]},
    )
    return SyntheticData(
        households=households,
        offers=offers,
        sponsors=n_sponsors,
        eligible_sponsors=eligible,
        municipalities=len(municipality_ids),
        regions=regions,
    )


# --- The benchmark -----------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


# The tables the synthetic data and a run write.
BENCH_MODELS = (
    User,
    SponsorProfile,
    SponsorPerson,
    SponsorCheck,
    Certificate,
    HousingOffer,
    HousingOffer.host_languages.through,
    Household,
    HouseholdMember,
    MunicipalityPreference,
    Household.languages.through,
)


def _statistics_refresh(*, vacuum: bool) -> None:
    """PostgreSQL: ANALYZE the tables (in the transaction, after the data was created: the planner sees
    a country's rows, as it would in production), or VACUUM ANALYZE them after the rollback (outside any
    transaction), so that the dead rows of one benchmark do not slow the next."""
    if connection.vendor != "postgresql" or (vacuum and connection.in_atomic_block):
        return
    from matching.models import MatchProposal, UnmatchedHousehold

    with connection.cursor() as cursor:
        for model in (*BENCH_MODELS, MatchProposal, UnmatchedHousehold):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"{'VACUUM ' if vacuum else ''}ANALYZE {table}")


def peak_reset() -> bool:
    """Reset the process's peak resident memory (Linux), so that the next peak measured is from now on."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """The process's peak resident memory (VmHWM) since the last reset, in MB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def matching_bench_one(
    *, households: int, offers: int, seed: int = 1, keep: bool = False, inspect: Callable | None = None
) -> dict:
    """Create synthetic data, run the real matching end to end on it (database to written proposals) and
    roll everything back (unless `keep`). Each phase's seconds, peak memory (the process's resident
    memory, VmHWM) and cells: the rows loaded, the candidate pairs compared with the rules, the feasible
    pairs scored, the solver's arcs, the pairs greedy orders, and the rows written plus the cells compared
    to explain the households left without a proposal. `inspect(run)`, if given, is called before the
    rollback and its result reported as "inspected"."""
    from matching.models import MatchingRun
    from matching.runs import matching_run_execute

    report: dict = {}
    phases: list[dict] = []
    try:
        with transaction.atomic():
            started = time.perf_counter()
            data = synthetic_data_create(households=households, offers=offers, seed=seed)
            generate_seconds = time.perf_counter() - started
            _statistics_refresh(vacuum=False)
            run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL)
            gc.collect()
            peak_reset()
            start_mb = peak_mb()

            def observe(phase: str, cells: int) -> None:
                phases.append({"phase": phase, "cells": int(cells), "peak_mb": round(peak_mb(), 1)})
                peak_reset()

            run = matching_run_execute(run_id=run.pk, observe=observe)
            seconds = run.phase_seconds
            for phase in phases:
                phase["seconds"] = seconds.get(phase["phase"])
            report = {
                "size": max(households, offers),
                "households": run.households,
                "offers": run.offers,
                "feasible_pairs": run.feasible_pairs,
                "pairs_per_household": round(run.feasible_pairs / max(1, run.households), 1),
                "total_s": seconds.get("total"),
                "peak_mb": max([start_mb, *(phase["peak_mb"] for phase in phases)]),
                "phases": phases,
                "generate_s": round(generate_seconds, 2),
                "municipalities": data.municipalities,
                "regions": data.regions,
                "data": (
                    f"{data.municipalities} municipalities in {data.regions} region(s) of at most {PLACES_PER_REGION},"
                    f" a household looking in one region: {round(run.feasible_pairs / max(1, run.households), 1)}"
                    " feasible pairs per household (kept near 50 as the country grows)"
                ),
                "optimal_score": run.total_score,
                "greedy_score": run.greedy_score,
                "score_ratio": round(run.score_ratio, 4) if run.score_ratio else None,
                "optimal_matched": run.proposals_created,
                "greedy_matched": run.greedy_matched,
                "policy_version": run.policy.version if run.policy else None,
                "run": run,
                "inspected": inspect(run) if inspect is not None else None,
            }
            if not keep:
                raise _Rollback
    except _Rollback:
        pass
    _statistics_refresh(vacuum=True)
    return report


def matching_bench(*, sizes: list[int], seed: int = 1) -> list[dict]:
    """The matching benchmark at each size (n households × n offers), data created and rolled back; one
    dict per size (see `matching_bench_one`), for `make bench`."""
    results = []
    for n in sizes:
        report = matching_bench_one(households=n, offers=n, seed=seed)
        report.pop("run", None)
        report.pop("inspected", None)
        results.append(report)
    return results
