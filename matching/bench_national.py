# ruff: noqa: E501
# (SQL reads best on long lines.)
"""Synthetic data at national scale for the admin benchmark (`manage.py bench_national_data`,
`matching.bench_admin`): 100,000 households, 100,000 offers, 50,000 proposals and 2,000,000 audit-log
rows, written with bulk SQL (`INSERT … SELECT generate_series`) on PostgreSQL in a few minutes.

Every row is tagged so that it can be found and cleared again without touching real data:
organisations and municipalities have a slug starting with `bench-nat-`, users an address at
`bench-national.invalid`, households a reference starting with `NB-`, audit-log entries the
correlation id `bench-national`; offers, proposals and the rest hang from those. The data spans apps,
hence its place in matching, the top layer.

The distribution is meant to look like a country's: households are spread unevenly over 20
organisations (the largest has about 15 %) and their caseworkers, offers over 60 municipalities
(the first ones, the cities, have more), statuses as in a running programme, proposals linking
households to offers (some households have two), placements for the confirmed ones, sponsors' people
(the account holder, half the host families a second adult, groups three members: about 1.75 per
sponsor) and their checks (two or three each once verified), and audit rows over those records with
their content types, keys and `changes` of typical size (about 150 bytes). The text caseworkers
search is varied as in life (60 streets with house and flat numbers, hundreds of surnames, group
names from town, kind and word), so that a search finds a few rows, as it would, not every row.

When the database role may (`_bulk_checks_off`), PostgreSQL's per-row foreign-key checks are off for
the generator's and the clear's transactions (millions of single-row queries otherwise); the clear
then checks in bulk that nothing left refers to what it deleted, and rolls back if anything does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from housing.models import HousingOffer, Inspection
from matching.models import MatchProposal, Placement
from portal.models import User
from portal.roles import CASEWORKERS_GROUP, roles_ensure
from sponsorship.models import Household, HouseholdMember, SponsorProfile

TAG = "bench-nat-"
EMAIL_DOMAIN = "bench-national.invalid"
REFERENCE_PREFIX = "NB-"
AUDIT_CID = "bench-national"
# The caseworker the admin benchmark signs in as: of the largest organisation (the worst case).
BENCH_CASEWORKER_EMAIL = f"caseworker-00-0@{EMAIL_DOMAIN}"

# Text that caseworkers search is varied as in life (a search for one street, name or group finds a
# few rows, not every row): hosts' names, streets and community groups' names are drawn from these.
FIRST_NAMES = [
    "Jonas", "Ona", "Petras", "Rūta", "Tomas", "Eglė", "Marius", "Laura", "Mantas", "Giedrė", "Andrius", "Jurgita",
    "Darius", "Inga", "Vytautas", "Aistė", "Lukas", "Greta", "Paulius", "Simona", "Rimantas", "Vaida", "Tadas",
    "Kristina", "Mindaugas", "Agnė", "Saulius", "Ieva", "Gintaras", "Dalia",
]  # fmt: skip
# Surnames are a stem and an ending, so that there are hundreds of them (the commonest surname of a
# country is carried by well under 1 % of its people): a search for one finds a few dozen rows.
LAST_NAME_STEMS = [
    "Kazl", "Petr", "Jank", "Stank", "Vasil", "Žuk", "Butk", "Paul", "Urbon", "Kaval", "Baran", "Navick", "Sakal",
    "Raman", "Rimk", "Šimk", "Vaitk", "Mikal", "Jon", "Kair", "Malin", "Žilin", "Balč", "Grigal", "Adom", "Kuzm",
    "Bern", "Simon", "Juršk", "Lauč", "Daukš", "Mock", "Stašk", "Nork", "Radz", "Budr", "Zabiel", "Gud", "Tamoš",
    "Kvedar",
]  # fmt: skip
LAST_NAME_ENDINGS = ["auskas", "auskienė", "aitis", "aitytė", "evičius", "ūnas", "as", "ienė"]
HOUSEHOLD_FIRST_NAMES = [
    "Olena", "Ivan", "Amir", "Leila", "Oksana", "Dmytro", "Nadia", "Yusuf", "Maryna", "Andrii", "Fatima", "Serhii",
    "Iryna", "Oleksandr", "Tetiana", "Mykola", "Yuliia", "Volodymyr", "Kateryna", "Bohdan", "Anastasiia", "Taras",
    "Sofiia", "Maksym", "Ali", "Zahra", "Omar", "Mariam", "Hassan", "Nour",
]  # fmt: skip
HOUSEHOLD_SURNAME_STEMS = [
    "Koval", "Petr", "Bondar", "Tkach", "Kravch", "Shevch", "Melnych", "Oliin", "Moroz", "Lys", "Savch", "Rud",
    "March", "Hryts", "Pavl", "Levch", "Kharch", "Kuzm", "Vasylch", "Yarosh", "Sydor", "Ostap", "Fedor", "Hnat",
    "Danyl", "Prokop", "Tymosh", "Kost", "Zinch", "Panas", "Ivan", "Mykh", "Stepan", "Lytvyn", "Kushn", "Nazar",
    "Roman", "Semen", "Yakym", "Dorosh",
]  # fmt: skip
HOUSEHOLD_SURNAME_ENDINGS = ["enko", "chuk", "uk", "ko", "ets", "ovych", "yshyn", "iak"]
STREETS = [
    "Gedimino pr.", "Laisvės al.", "Vilniaus g.", "Kauno g.", "Savanorių pr.", "Ukmergės g.", "Žalgirio g.",
    "Taikos pr.", "Pušų g.", "Liepų g.", "Beržų g.", "Ąžuolų g.", "Sodų g.", "Mokyklos g.", "Parko g.", "Ežero g.",
    "Miško g.", "Naujoji g.", "Tilto g.", "Stoties g.", "Basanavičiaus g.", "Maironio g.", "Donelaičio g.",
    "Vytauto pr.", "Kęstučio g.", "Mindaugo g.", "Jonavos g.", "Pramonės pr.", "Šviesos g.", "Žemaitės g.",
    "Kalvarijų g.", "Antakalnio g.", "Verkių g.", "Didlaukio g.", "Baltupio g.", "Šilo g.", "Klaipėdos g.",
    "Šiaulių g.", "Panevėžio g.", "Aukštaičių g.", "Dariaus ir Girėno g.", "Partizanų g.", "Varnių g.",
    "Kovo 11-osios g.", "Smetonos al.", "Radvilų g.", "Žirmūnų g.", "Tuskulėnų g.", "Minties g.", "Kražių g.",
    "Pylimo g.", "Totorių g.", "Trakų g.", "Algirdo g.", "Švitrigailos g.", "Gėlių g.", "Rožių g.", "Vyšnių g.",
    "Obelų g.", "Klevų g.",
]  # fmt: skip
TOWNS = [
    "Vilniaus", "Kauno", "Klaipėdos", "Šiaulių", "Panevėžio", "Alytaus", "Marijampolės", "Utenos", "Telšių",
    "Tauragės", "Jonavos", "Kėdainių",
]  # fmt: skip
GROUP_KINDS = ["bendruomenė", "asociacija", "parapijos grupė", "savanorių klubas", "labdaros fondas", "kaimynų tinklas"]
GROUP_WORDS = [
    "Viltis",
    "Saulėtekis",
    "Ąžuolas",
    "Draugystė",
    "Tiltas",
    "Šviesa",
    "Namai",
    "Pagalba",
    "Vienybė",
    "Aušra",
]


@dataclass(frozen=True)
class Sizes:
    organisations: int = 20
    caseworkers_per_organisation: int = 5
    municipalities: int = 60
    sponsors: int = 60_000
    households: int = 100_000
    offers: int = 100_000
    proposals: int = 50_000
    transfers: int = 2_000
    concerns: int = 1_000
    runs: int = 200
    audit_rows: int = 2_000_000
    admin_log_rows: int = 200_000

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        base = cls()
        keep = {"organisations", "caseworkers_per_organisation", "municipalities"}
        return cls(
            **{name: value if name in keep else max(10, int(value * scale)) for name, value in base.__dict__.items()}
        )


VACUUMED = [
    "portal_user",
    "projects_organisation",
    "projects_municipality",
    "sponsorship_sponsorprofile",
    "sponsorship_sponsorperson",
    "sponsorship_sponsorcheck",
    "sponsorship_household",
    "sponsorship_householdmember",
    "sponsorship_municipalitypreference",
    "sponsorship_household_languages",
    "sponsorship_householdtransfer",
    "housing_housingoffer",
    "housing_housingoffer_host_languages",
    "housing_inspection",
    "matching_matchingrun",
    "matching_matchproposal",
    "matching_proposaltransition",
    "matching_placement",
    "matching_unmatchedhousehold",
    "matching_safeguardingconcern",
    "auditlog_logentry",
    "django_admin_log",
]


class NotPostgreSQL(Exception):
    """The generator writes with PostgreSQL's bulk SQL; SQLite is refused."""


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise NotPostgreSQL(
            f"The national-scale data is written with PostgreSQL's bulk SQL; this database is {connection.vendor}. "
            "Set DATABASE_URL to a PostgreSQL database."
        )


def national_data_counts() -> dict[str, int]:
    """How many tagged rows each big table holds."""
    _require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM sponsorship_household WHERE reference LIKE %(ref)s),
                   (SELECT count(*) FROM housing_housingoffer o JOIN sponsorship_sponsorprofile s ON s.id = o.sponsor_id
                      JOIN portal_user u ON u.id = s.user_id WHERE u.email LIKE %(email)s),
                   (SELECT count(*) FROM matching_matchproposal p JOIN sponsorship_household h ON h.id = p.household_id
                      WHERE h.reference LIKE %(ref)s),
                   (SELECT count(*) FROM auditlog_logentry WHERE cid = %(cid)s)
            """,
            {"ref": REFERENCE_PREFIX + "%", "email": "%@" + EMAIL_DOMAIN, "cid": AUDIT_CID},
        )
        households, offers, proposals, audit = cursor.fetchone()
    return {"households": households, "offers": offers, "proposals": proposals, "audit_rows": audit}


def national_data_present(sizes: Sizes | None = None) -> bool:
    """Is the tagged data there, at (at least) these sizes?"""
    sizes = sizes or Sizes()
    counts = national_data_counts()
    return (
        counts["households"] >= sizes.households
        and counts["offers"] >= sizes.offers
        and counts["proposals"] >= sizes.proposals
        and counts["audit_rows"] >= sizes.audit_rows
    )


# Rows hanging from the tagged roots, deleted child first. Each statement is one bulk DELETE.
_CLEAR = [
    # The audit trail: the generated rows, and those the benchmark's own page views wrote.
    "DELETE FROM auditlog_logentry WHERE cid = %(cid)s OR actor_id IN (SELECT id FROM bn_users)",
    "DELETE FROM django_admin_log WHERE user_id IN (SELECT id FROM bn_users)",
    "DELETE FROM sponsorship_householdmeeting_staff_attendees WHERE householdmeeting_id IN (SELECT id FROM "
    "sponsorship_householdmeeting WHERE household_id IN (SELECT id FROM bn_households))",
    "DELETE FROM sponsorship_householdmeeting WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM sponsorship_householdnote WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM matching_followup WHERE placement_id IN (SELECT id FROM matching_placement WHERE household_id IN "
    "(SELECT id FROM bn_households))",
    "DELETE FROM matching_mediationnote WHERE proposal_id IN (SELECT id FROM matching_matchproposal WHERE "
    "household_id IN (SELECT id FROM bn_households)) OR placement_id IN (SELECT id FROM matching_placement WHERE "
    "household_id IN (SELECT id FROM bn_households))",
    "DELETE FROM matching_safeguardingconcern WHERE sponsor_id IN (SELECT id FROM bn_sponsors)",
    "DELETE FROM matching_placement WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM matching_proposaltransition WHERE proposal_id IN (SELECT id FROM matching_matchproposal WHERE "
    "household_id IN (SELECT id FROM bn_households))",
    "DELETE FROM matching_matchproposal WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM matching_unmatchedhousehold WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM matching_runnotice WHERE recipient_id IN (SELECT id FROM bn_users)",
    "DELETE FROM matching_matchingrun WHERE requested_by_id IN (SELECT id FROM bn_users)",
    "DELETE FROM sponsorship_householdtransfer WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM sponsorship_householdmember WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM sponsorship_municipalitypreference WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM sponsorship_household_languages WHERE household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM sponsorship_household_possible_duplicates WHERE from_household_id IN (SELECT id FROM bn_households)"
    " OR to_household_id IN (SELECT id FROM bn_households)",
    "DELETE FROM sponsorship_household WHERE id IN (SELECT id FROM bn_households)",
    "DELETE FROM housing_inspectionfailure WHERE inspection_id IN (SELECT id FROM housing_inspection WHERE offer_id "
    "IN (SELECT id FROM bn_offers))",
    "DELETE FROM housing_inspectionfile WHERE inspection_id IN (SELECT id FROM housing_inspection WHERE offer_id "
    "IN (SELECT id FROM bn_offers))",
    "DELETE FROM housing_inspection WHERE offer_id IN (SELECT id FROM bn_offers)",
    "DELETE FROM housing_offertransition WHERE offer_id IN (SELECT id FROM bn_offers)",
    "DELETE FROM housing_housingoffer_host_languages WHERE housingoffer_id IN (SELECT id FROM bn_offers)",
    "DELETE FROM housing_housingoffer WHERE id IN (SELECT id FROM bn_offers)",
    "DELETE FROM sponsorship_sponsorcheck WHERE person_id IN (SELECT id FROM sponsorship_sponsorperson WHERE "
    "sponsor_id IN (SELECT id FROM bn_sponsors)) OR checked_by_id IN (SELECT id FROM bn_users)",
    "DELETE FROM sponsorship_sponsorperson WHERE sponsor_id IN (SELECT id FROM bn_sponsors) OR user_id IN "
    "(SELECT id FROM bn_users)",
    "DELETE FROM sponsorship_sponsorprofile_languages WHERE sponsorprofile_id IN (SELECT id FROM bn_sponsors)",
    "DELETE FROM sponsorship_sponsorprofile WHERE id IN (SELECT id FROM bn_sponsors)",
    "DELETE FROM mfa_authenticator WHERE user_id IN (SELECT id FROM bn_users)",
    "DELETE FROM portal_user_groups WHERE user_id IN (SELECT id FROM bn_users)",
    "DELETE FROM portal_user WHERE id IN (SELECT id FROM bn_users)",
    "DELETE FROM projects_organisation WHERE slug LIKE %(tag)s",
    "DELETE FROM projects_municipality WHERE slug LIKE %(tag)s",
]


# The single-column foreign keys of the database: (table, column, referenced table, referenced column).
_FOREIGN_KEYS = """
    SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
"""


def _bulk_checks_off(cursor) -> bool:
    """Turn off, for this transaction, the per-row triggers that check foreign keys, when the database
    role may (a superuser, or one granted SET on `session_replication_role`), and say so. PostgreSQL
    checks each inserted or deleted row with its own query (a deleted user is looked for in every one of
    the 30-odd tables referring to users): millions of single-row queries for the national data, most
    of the generator's time. The generator's rows are built by joins on existing rows, and the clear
    checks what it deleted in bulk instead (`_check_nothing_refers_to`)."""
    cursor.execute(
        "SELECT current_setting('is_superuser') = 'on' OR has_parameter_privilege('session_replication_role', 'SET')"
    )
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _check_nothing_refers_to(cursor, gone: dict[str, list[tuple[str, str, str]]]) -> None:
    """The deleted rows' referential check, one query per foreign key instead of one per row: no row
    left in the database refers to a deleted one (else the whole clear is rolled back)."""
    for parent, keys in gone.items():
        for table, column, target in keys:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}" IN (SELECT "{target}" FROM "bn_gone_{parent}") LIMIT 1'
            )
            if cursor.fetchone():
                raise RuntimeError(
                    f"Not cleared: rows of {table} that are not benchmark data refer to benchmark rows of {parent}."
                )


def _vacuum_analyse() -> float:
    """VACUUM ANALYZE the tables the national data fills, one at a time (outside any transaction: VACUUM
    cannot run in one, so inside one this does nothing); returns the seconds it took."""
    started = time.perf_counter()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in VACUUMED:
                cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def national_data_clear(*, log: Callable[[str], None] = lambda message: None) -> float:
    """Delete every tagged row (and what hangs from them), child tables first, in one transaction;
    returns the seconds it took. Never TRUNCATE: other data may share the tables."""
    _require_postgresql()
    started = time.perf_counter()
    params = {"cid": AUDIT_CID, "tag": TAG + "%"}
    with transaction.atomic(), connection.cursor() as cursor:
        bulk = _bulk_checks_off(cursor)
        cursor.execute(
            "CREATE TEMP TABLE bn_users ON COMMIT DROP AS SELECT id FROM portal_user WHERE email LIKE %s",
            ["%@" + EMAIL_DOMAIN],
        )
        cursor.execute(
            "CREATE TEMP TABLE bn_households ON COMMIT DROP AS SELECT id FROM sponsorship_household "
            "WHERE reference LIKE %s",
            [REFERENCE_PREFIX + "%"],
        )
        cursor.execute(
            "CREATE TEMP TABLE bn_sponsors ON COMMIT DROP AS SELECT id FROM sponsorship_sponsorprofile "
            "WHERE user_id IN (SELECT id FROM bn_users)"
        )
        cursor.execute(
            "CREATE TEMP TABLE bn_offers ON COMMIT DROP AS SELECT id FROM housing_housingoffer "
            "WHERE sponsor_id IN (SELECT id FROM bn_sponsors)"
        )
        for table in ("bn_users", "bn_households", "bn_sponsors", "bn_offers"):
            cursor.execute(f"CREATE INDEX ON {table} (id)")
            cursor.execute(f"ANALYZE {table}")
        referring: dict[str, list[tuple[str, str, str]]] = {}
        if bulk:
            cursor.execute(_FOREIGN_KEYS)
            for table, column, parent, target in cursor.fetchall():
                referring.setdefault(parent, []).append((table, column, target))
        gone: dict[str, list[tuple[str, str, str]]] = {}
        for statement in _CLEAR:
            table = statement.removeprefix("DELETE FROM ").split(" ")[0]
            step_started = time.perf_counter()
            if table in referring:
                # Keep the deleted rows' keys for the check at the end.
                targets = sorted({target for _, _, target in referring[table]})
                columns = ", ".join(f'"{target}"' for target in targets)
                cursor.execute(
                    f'CREATE TEMP TABLE "bn_gone_{table}" ON COMMIT DROP AS SELECT {columns} FROM "{table}" WITH NO DATA'
                )
                cursor.execute(
                    f'WITH gone AS ({statement} RETURNING {columns}) INSERT INTO "bn_gone_{table}" SELECT * FROM gone',
                    params,
                )
                gone[table] = referring[table]
            else:
                cursor.execute(statement, params)
            log(f"{cursor.rowcount:>9} {table} ({time.perf_counter() - step_started:.1f} s)")
        if bulk:
            step_started = time.perf_counter()
            for table in gone:
                cursor.execute(f'ANALYZE "bn_gone_{table}"')
            _check_nothing_refers_to(cursor, gone)
            log(f"referential check of the deleted rows ({time.perf_counter() - step_started:.1f} s)")
        commit_started = time.perf_counter()
    log(f"commit ({time.perf_counter() - commit_started:.1f} s)")
    # The deleted rows stay in the tables and their indexes until vacuumed; meanwhile the planner walks
    # their dead index entries on every query that compares an indexed column (pages planned several
    # times slower), so the clear leaves the tables as autovacuum would.
    log(f"vacuum analyse ({_vacuum_analyse():.1f} s)")
    return time.perf_counter() - started


def _content_type_ids() -> dict[str, int]:
    models = {
        "household": Household,
        "member": HouseholdMember,
        "offer": HousingOffer,
        "inspection": Inspection,
        "proposal": MatchProposal,
        "placement": Placement,
        "user": User,
        "sponsor": SponsorProfile,
    }
    return {name: ContentType.objects.get_for_model(model).pk for name, model in models.items()}


def _caseworkers_group_id() -> int:
    roles_ensure()
    return Group.objects.get(name=CASEWORKERS_GROUP).pk


def _steps(sizes: Sizes, ct: dict[str, int], group_id: int) -> list[tuple[str, str]]:
    """(label, SQL) in order. Parameters: the sizes, content type ids and tags (named, `%(…)s`)."""
    org_pick = "floor(%(organisations)s * power(random(), 1.6))::int"  # the first organisations are bigger
    mun_pick = "floor(%(municipalities)s * power(random(), 2.0))::int"  # cities first
    ts = "now() - random() * interval '3 years'"
    return [
        (
            "organisations",
            """
            INSERT INTO projects_organisation (slug, name, name_lt, name_en, acronym, kind, country, website)
            SELECT %(tag)s || 'org-' || lpad(n::text, 2, '0'), 'Bench organisation ' || n, 'Bench organizacija ' || n,
                   'Bench organisation ' || n, 'BO' || n, 'ngo', 'LT', ''
            FROM generate_series(0, %(organisations)s - 1) n;
            CREATE TEMP TABLE bn_org ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY slug) - 1)::int AS n, id FROM projects_organisation
                WHERE slug LIKE %(tag_like)s;
            INSERT INTO projects_municipality (slug, name, name_lt, name_en, country, kind)
            SELECT %(tag)s || 'mun-' || lpad(n::text, 2, '0'), 'Savivaldybė ' || n, 'Savivaldybė ' || n,
                   'Municipality ' || n, 'LT', CASE WHEN n < 8 THEN 'city' ELSE 'district' END
            FROM generate_series(0, %(municipalities)s - 1) n;
            CREATE TEMP TABLE bn_mun ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY slug) - 1)::int AS n, id FROM projects_municipality
                WHERE slug LIKE %(tag_like)s;
            """,
        ),
        (
            "users",
            f"""
            INSERT INTO portal_user (password, is_superuser, first_name, last_name, is_staff, is_active, date_joined,
                                     email, language, organisation_id)
            SELECT '!bench', false, 'Case', 'Worker ' || o.n || '-' || c, true, true, now(),
                   'caseworker-' || lpad(o.n::text, 2, '0') || '-' || c || '@' || %(domain)s, 'lt', o.id
            FROM bn_org o, generate_series(0, %(caseworkers)s - 1) c;
            INSERT INTO portal_user_groups (user_id, group_id)
                SELECT id, %(group)s FROM portal_user WHERE email LIKE 'caseworker-%%@' || %(domain)s;
            CREATE TEMP TABLE bn_cw ON COMMIT DROP AS
                SELECT u.id, u.organisation_id, o.n AS org_n,
                       (row_number() OVER (PARTITION BY u.organisation_id ORDER BY u.id) - 1)::int AS k
                FROM portal_user u JOIN bn_org o ON o.id = u.organisation_id
                WHERE u.email LIKE 'caseworker-%%@' || %(domain)s;
            CREATE INDEX ON bn_cw (org_n, k);
            INSERT INTO portal_user (password, is_superuser, first_name, last_name, is_staff, is_active, date_joined,
                                     email, language)
            SELECT '!bench', false, first, last, false, true, {ts},
                   translate(lower(first || '.' || last), 'ąčęėįšųūž', 'aceeisuuz') || n || '@' || %(domain)s, 'lt'
            FROM (SELECT n, (%(first_names)s::text[])[1 + (n::bigint * 7919) %% %(first_count)s] AS first,
                         (%(last_stems)s::text[])[1 + (n::bigint * 104729) %% %(last_stem_count)s]
                         || (%(last_endings)s::text[])[1 + (n / 3 + n * 7) %% %(last_ending_count)s] AS last
                  FROM generate_series(0, %(sponsors)s - 1) n) g;
            """,
        ),
        (
            "sponsors",
            f"""
            INSERT INTO sponsorship_sponsorprofile (user_id, kind, organisation_name, municipality_id, country, phone,
                motivation, motivation_language, status, verification_notes, rejection_reason, created_at, updated_at)
            SELECT u.id, CASE WHEN u.id %% 10 = 0 THEN 'community_group' ELSE 'host_family' END,
                   CASE WHEN u.id %% 10 = 0 THEN (%(towns)s::text[])[1 + (u.id / 10) %% %(town_count)s] || ' '
                        || (%(group_kinds)s::text[])[1 + (u.id / 120) %% %(group_kind_count)s] || ' „'
                        || (%(group_words)s::text[])[1 + (u.id / 720) %% %(group_word_count)s] || '“'
                        ELSE '' END,
                   mu.id, 'LT', '+370 600 ' || lpad((u.id %% 100000)::text, 5, '0'),
                   'We have a spare room and want to help.', 'lt',
                   CASE WHEN u.id %% 7 = 0 THEN 'pending' WHEN u.id %% 31 = 0 THEN 'rejected' ELSE 'verified' END,
                   '', '', u.date_joined, u.date_joined
            FROM (SELECT *, {mun_pick} AS mun_n FROM portal_user WHERE email LIKE '%%@' || %(domain)s AND NOT is_staff) u
            JOIN bn_mun mu ON mu.n = u.mun_n;
            CREATE TEMP TABLE bn_sp ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY s.id) - 1)::int AS n, s.id FROM sponsorship_sponsorprofile s
                JOIN portal_user u ON u.id = s.user_id WHERE u.email LIKE '%%@' || %(domain)s AND NOT u.is_staff;
            CREATE UNIQUE INDEX ON bn_sp (n);
            """,
        ),
        (
            "sponsor people and checks",
            """
            INSERT INTO sponsorship_sponsorperson (sponsor_id, user_id, full_name, email, role, invited_at, accepted_at,
                created_at)
            SELECT s.id, u.id, u.first_name || ' ' || u.last_name, u.email,
                   CASE WHEN s.kind = 'community_group' THEN 'lead' ELSE 'main' END, NULL, s.created_at, s.created_at
            FROM bn_sp sp JOIN sponsorship_sponsorprofile s ON s.id = sp.id JOIN portal_user u ON u.id = s.user_id;
            INSERT INTO sponsorship_sponsorperson (sponsor_id, user_id, full_name, email, role, invited_at, accepted_at,
                created_at)
            SELECT s.id, NULL, (%(first_names)s::text[])[1 + (sp.n + k * 13) %% %(first_count)s] || ' '
                   || (%(last_stems)s::text[])[1 + (sp.n / 3 + k) %% %(last_stem_count)s]
                   || (%(last_endings)s::text[])[1 + (sp.n / 7 + k) %% %(last_ending_count)s],
                   CASE WHEN k = 1 THEN 'member' || sp.n || '-' || k || '@' || %(domain)s ELSE '' END,
                   CASE WHEN s.kind = 'community_group' THEN (ARRAY['housing','mentoring','finance'])[k]
                        ELSE 'household_adult' END,
                   s.created_at + interval '1 day', s.created_at + interval '3 days', s.created_at + interval '1 day'
            FROM bn_sp sp JOIN sponsorship_sponsorprofile s ON s.id = sp.id
            CROSS JOIN LATERAL generate_series(1, CASE WHEN s.kind = 'community_group' THEN 3
                                                       WHEN sp.n %% 2 = 0 THEN 1 ELSE 0 END) k;
            INSERT INTO sponsorship_sponsorcheck (person_id, kind, result, checked_on, checked_by_id, expires_on, notes,
                created_at, scan)
            SELECT p.id, c.kind, CASE WHEN (p.id + c.i) %% 50 = 0 THEN 'failed' ELSE 'passed' END, c.on_date,
                   cw.id, CASE WHEN c.kind = 'criminal_record' THEN c.on_date + 365 END, '', c.on_date, ''
            FROM sponsorship_sponsorperson p JOIN bn_sp sp ON sp.id = p.sponsor_id
            JOIN sponsorship_sponsorprofile s ON s.id = p.sponsor_id
            JOIN bn_cw cw ON cw.org_n = sp.n %% %(organisations)s AND cw.k = sp.n %% %(caseworkers)s
            CROSS JOIN LATERAL (
                SELECT i, (ARRAY['identity','criminal_record','references'])[i] AS kind,
                       (s.created_at + (i * 2 + p.id %% 20) * interval '1 day')::date AS on_date
                FROM generate_series(1, CASE WHEN p.role = 'lead' THEN 3 ELSE 2 END) i
            ) c
            WHERE s.status <> 'pending' OR c.i = 1;
            """,
        ),
        (
            "households",
            f"""
            CREATE TEMP TABLE bn_hh_src ON COMMIT DROP AS
                SELECT n, {org_pick} AS org_n, random() AS r, {ts} AS created FROM generate_series(0, %(households)s - 1) n;
            INSERT INTO sponsorship_household (reference, head_name, head_birth_date, document_number, phone, email,
                nationalities, protection_status, arrival_date, current_accommodation, move_in_from, stay_months,
                needs_step_free, has_pets, max_monthly_rent, near_school, near_work, near_medical_care, other_needs,
                consent_version, consent_given_on, organisation_id, caseworker_id, status, waiting_since,
                created_at, updated_at)
            SELECT %(ref)s || lpad(s.n::text, 7, '0'),
                   (%(household_first_names)s::text[])[1 + s.n %% %(household_first_count)s] || ' '
                   || (%(household_stems)s::text[])[1 + (s.n::bigint * 7919) %% %(household_stem_count)s]
                   || (%(household_endings)s::text[])[1 + (s.n / 5 + s.n * 3) %% %(household_ending_count)s],
                   date '1960-01-01' + (s.n %% 15000),
                   (ARRAY['FP','EH','GA','TP'])[1 + s.n %% 4] || lpad(((s.n::bigint * 7919) %% 10000000)::text, 7, '0'),
                   '+370 6' || lpad(((s.n::bigint * 104729) %% 10000000)::text, 7, '0'),
                   CASE WHEN s.n %% 5 < 3 THEN 'head' || s.n || '@example.org' ELSE '' END,
                   (ARRAY['UA','UA','UA','SY','AF','BY','IQ'])[1 + s.n %% 7],
                   (ARRAY['temporary','temporary','refugee','subsidiary'])[1 + s.n %% 4],
                   (s.created - interval '20 days')::date, 'Reception centre, room ' || (s.n %% 300),
                   (s.created + interval '10 days')::date, 3 + s.n %% 10, s.n %% 9 = 0, s.n %% 11 = 0,
                   (200 + s.n %% 600)::numeric, s.n %% 2 = 0, s.n %% 3 = 0, s.n %% 13 = 0, '', '2024-1',
                   s.created::date, o.id, c.id,
                   CASE WHEN s.r < 0.10 THEN 'registered' WHEN s.r < 0.60 THEN 'seeking' WHEN s.r < 0.75 THEN 'proposed'
                        WHEN s.r < 0.90 THEN 'housed' ELSE 'closed' END,
                   s.created::date, s.created, s.created + random() * interval '30 days'
            FROM bn_hh_src s JOIN bn_org o ON o.n = s.org_n
            JOIN bn_cw c ON c.org_n = s.org_n AND c.k = s.n %% %(caseworkers)s;
            CREATE TEMP TABLE bn_hh ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id, organisation_id, caseworker_id, reference
                FROM sponsorship_household WHERE reference LIKE %(ref_like)s;
            CREATE UNIQUE INDEX ON bn_hh (n);
            INSERT INTO sponsorship_householdmember (household_id, kind, age, name)
            SELECT h.id, CASE WHEN m < 2 THEN 'adult' ELSE 'child' END,
                   CASE WHEN m < 2 THEN 25 + (h.n + m) %% 40 ELSE 1 + (h.n + m) %% 16 END, ''
            FROM bn_hh h, generate_series(0, h.n %% 4) m;
            INSERT INTO sponsorship_municipalitypreference (household_id, municipality_id, rank)
            SELECT h.id, mu.id, r + 1 FROM bn_hh h CROSS JOIN LATERAL generate_series(0, h.n %% 3) r
            JOIN bn_mun mu ON mu.n = (h.n + r * 7) %% %(municipalities)s;
            INSERT INTO sponsorship_household_languages (household_id, language_id)
            SELECT h.id, l.id FROM bn_hh h JOIN projects_language l ON l.code = (ARRAY['uk','ru','en'])[1 + h.n %% 3];
            """,
        ),
        (
            "offers",
            f"""
            INSERT INTO housing_housingoffer (sponsor_id, status, kind, municipality_id, street_address, capacity,
                max_households, bedrooms, step_free, lift, floor, children_welcome, pets_allowed, smoking_allowed,
                near_school, near_work, near_medical_care, cost, monthly_rent, utilities_included, available_from,
                available_until, minimum_stay_months, description, description_language, confirmed_at, created_at,
                updated_at)
            SELECT sp.id, (ARRAY['available','available','available','available','draft','submitted','inspected',
                               'reserved','occupied','occupied','withdrawn','expired'])[1 + (g.n * 31) %% 12],
                   (ARRAY['room','flat','flat','house','other'])[1 + g.n %% 5],
                   mu.id,
                   (%(streets)s::text[])[1 + floor(random() * %(street_count)s)::int] || ' ' || (1 + g.n %% 97)
                   || CASE WHEN g.n %% 5 < 2 THEN '' ELSE '-' || (1 + (g.n / 5) %% 60) END, 1 + g.n %% 6, 1, 1 + g.n %% 3, g.n %% 4 = 0, g.n %% 3 = 0,
                   g.n %% 9, g.n %% 2 = 0, g.n %% 5 = 0, false, g.n %% 3 = 0, g.n %% 2 = 0, g.n %% 4 = 0,
                   (ARRAY['free','reduced','market'])[1 + g.n %% 3],
                   CASE WHEN g.n %% 3 = 0 THEN NULL ELSE (150 + g.n %% 500)::numeric END, g.n %% 2 = 0,
                   (now() - random() * interval '200 days')::date,
                   CASE WHEN g.n %% 4 = 0 THEN NULL ELSE (now() + interval '200 days' + random() * interval '400 days')::date END,
                   1 + g.n %% 6,
                   'A bright room close to the bus stop; shared kitchen and bathroom; quiet neighbourhood. '
                   'The family speaks Lithuanian and some English.', 'en', now() - random() * interval '60 days',
                   {ts}, now() - random() * interval '90 days'
            FROM (SELECT n, {mun_pick} AS mun_n FROM generate_series(0, %(offers)s - 1) n) g
            JOIN bn_sp sp ON sp.n = (g.n::bigint * 48271) %% %(sponsors)s JOIN bn_mun mu ON mu.n = g.mun_n;
            CREATE TEMP TABLE bn_of ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY o.id) - 1)::int AS n, o.id, o.status FROM housing_housingoffer o
                JOIN bn_sp sp ON sp.id = o.sponsor_id;
            CREATE UNIQUE INDEX ON bn_of (n);
            INSERT INTO housing_housingoffer_host_languages (housingoffer_id, language_id)
            SELECT o.id, l.id FROM bn_of o JOIN projects_language l ON l.code = (ARRAY['lt','en','ru'])[1 + o.n %% 3];
            INSERT INTO housing_inspection (offer_id, visited_on, inspector_id, safety, heating, water_sanitation,
                smoke_detector, matches_description, notes, result, created_at, other_reason)
            SELECT o.id, (now() - random() * interval '300 days')::date, c.id, 'ok', 'ok', 'ok',
                   CASE WHEN o.n %% 10 = 0 THEN 'failed' ELSE 'ok' END, 'ok',
                   '', CASE WHEN o.n %% 10 = 0 THEN 'fail' ELSE 'pass' END, now() - random() * interval '300 days',
                   ''
            FROM bn_of o JOIN bn_cw c ON c.org_n = o.n %% %(organisations)s AND c.k = 0
            WHERE o.status IN ('inspected', 'available', 'reserved', 'occupied');
            """,
        ),
        (
            "proposals",
            f"""
            INSERT INTO matching_matchingrun (status, trigger, nightly_for, requested_at, finished_at, households, offers,
                feasible_pairs, kept, proposals_created, total_score, greedy_score, greedy_matched, phase_seconds,
                error, attempts, requested_by_id)
            SELECT 'done', 'nightly', current_date - 10000 - r, now() - r * interval '1 day',
                   now() - r * interval '1 day' + interval '40 seconds', 60000, 40000, 3000000, 1200, 250, 180.5,
                   150.2, 230, '{{"load": 2.1, "filter": 9.5, "score": 3.2, "solve": 12.0, "write": 4.4}}', '', 1,
                   (SELECT id FROM bn_cw WHERE org_n = 0 AND k = 0)
            FROM generate_series(0, %(runs)s - 1) r;
            CREATE TEMP TABLE bn_run ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id FROM matching_matchingrun
                WHERE requested_by_id = (SELECT id FROM bn_cw WHERE org_n = 0 AND k = 0);
            CREATE TEMP TABLE bn_pr_src ON COMMIT DROP AS
                SELECT g.n, h.id AS household_id, h.caseworker_id, o.id AS offer_id, random() AS r, {ts} AS created
                FROM generate_series(0, %(proposals)s - 1) g(n)
                JOIN bn_hh h ON h.n = CASE WHEN g.n < %(proposals)s * 4 / 5 THEN g.n
                                           ELSE (g.n - %(proposals)s * 4 / 5) * 3 END %% %(households)s
                JOIN bn_of o ON o.n = (g.n::bigint * 7919) %% %(offers)s;
            INSERT INTO matching_matchproposal (household_id, offer_id, status, score, explanation, decline_reason,
                decline_note, withdraw_reason, awaiting_since, created_by_id, run_id, created_at, updated_at)
            SELECT s.household_id, s.offer_id,
                   CASE WHEN s.n >= %(proposals)s * 4 / 5 THEN (ARRAY['sponsor_declined','withdrawn','expired'])[1 + s.n %% 3]
                        WHEN s.r < 0.20 THEN 'proposed' WHEN s.r < 0.30 THEN 'approved' WHEN s.r < 0.45 THEN 'sent'
                        WHEN s.r < 0.50 THEN 'sponsor_accepted' WHEN s.r < 0.60 THEN 'sponsor_declined'
                        WHEN s.r < 0.65 THEN 'meeting' WHEN s.r < 0.80 THEN 'confirmed' WHEN s.r < 0.90 THEN 'withdrawn'
                        ELSE 'expired' END,
                   round((0.4 + random() * 0.6)::numeric, 4)::float,
                   jsonb_build_object('policy', 1, 'score', round((0.4 + random() * 0.6)::numeric, 4),
                       'criteria', jsonb_build_object('municipality', jsonb_build_object('score', 1, 'weight', 3),
                           'language', jsonb_build_object('score', 0.5, 'weight', 2),
                           'rent', jsonb_build_object('score', 0.8, 'weight', 2),
                           'size', jsonb_build_object('score', 0.9, 'weight', 1),
                           'duration', jsonb_build_object('score', 1, 'weight', 1),
                           'needs', jsonb_build_object('score', 0.5, 'weight', 1),
                           'waiting', jsonb_build_object('score', 0.3, 'weight', 1)),
                       'details', jsonb_build_object('size', jsonb_build_object('size', 3, 'capacity', 4),
                           'waiting', jsonb_build_object('days', s.n %% 300)),
                       'constraints', jsonb_build_array('capacity', 'dates', 'rent', 'step_free', 'pets')),
                   CASE WHEN s.r >= 0.50 AND s.r < 0.60 THEN 'location' ELSE '' END, '', '',
                   CASE WHEN s.r >= 0.30 AND s.r < 0.50 THEN s.created + interval '1 day' END,
                   s.caseworker_id, (SELECT id FROM bn_run WHERE n = s.n %% %(runs)s), s.created, s.created
            FROM bn_pr_src s;
            CREATE TEMP TABLE bn_pr ON COMMIT DROP AS
                SELECT p.id, p.household_id, p.offer_id, p.status, p.created_at, p.created_by_id FROM matching_matchproposal p
                JOIN bn_hh h ON h.id = p.household_id;
            INSERT INTO matching_proposaltransition (proposal_id, from_status, to_status, by_id, at, note, notified_at)
            SELECT id, 'proposed', status, created_by_id, created_at + interval '2 days', '', created_at + interval '2 days'
            FROM bn_pr WHERE status <> 'proposed';
            INSERT INTO matching_placement (proposal_id, household_id, offer_id, slot, move_in_date, agreed_months,
                end_date, outcome, outcome_note, created_by_id, created_at)
            SELECT id, household_id, offer_id, 1, (created_at + interval '14 days')::date, 6, NULL, '', '',
                   created_by_id, created_at + interval '7 days'
            FROM bn_pr WHERE status = 'confirmed';
            INSERT INTO matching_unmatchedhousehold (run_id, household_id, reason, offers_ruled_out, counts)
            SELECT (SELECT max(id) FROM bn_run), h.id, 'capacity', 39000, '{{"capacity": 30000, "dates": 9000}}'
            FROM bn_hh h WHERE h.n %% 4 = 1;
            """,
        ),
        (
            "transfers and concerns",
            """
            INSERT INTO sponsorship_householdtransfer (household_id, from_organisation_id, to_organisation_id, status,
                note, requested_by_id, decided_by_id, created_at, decided_at)
            SELECT h.id, h.organisation_id, o.id, (ARRAY['requested','accepted','refused'])[1 + t %% 3],
                   'The family moves to another region.', h.caseworker_id, NULL,
                   now() - random() * interval '300 days', NULL
            FROM generate_series(0, %(transfers)s - 1) t
            JOIN bn_hh h ON h.n = (t * 37) %% %(households)s
            JOIN bn_org o ON o.n = (t + 1) %% %(organisations)s
            WHERE o.id <> h.organisation_id;
            INSERT INTO matching_safeguardingconcern (sponsor_id, placement_id, severity, note, raised_by_id, raised_at,
                closed_at, closing_note)
            SELECT sp.id, NULL, (ARRAY['low','medium','high'])[1 + c %% 3], 'Reported by a neighbour; to check.',
                   (SELECT id FROM bn_cw WHERE org_n = c %% %(organisations)s AND k = 0),
                   now() - random() * interval '300 days', CASE WHEN c %% 2 = 0 THEN now() END, ''
            FROM generate_series(0, %(concerns)s - 1) c JOIN bn_sp sp ON sp.n = (c * 53) %% %(sponsors)s;
            INSERT INTO matching_safeguardingconcern (sponsor_id, placement_id, severity, note, raised_by_id, raised_at,
                closed_at, closing_note)
            SELECT o.sponsor_id, pl.id, 'medium', 'Follow-up visit found tension.', pl.created_by_id,
                   pl.created_at + interval '30 days', NULL, ''
            FROM matching_placement pl JOIN bn_hh h ON h.id = pl.household_id JOIN housing_housingoffer o
                ON o.id = pl.offer_id
            WHERE pl.id %% 20 = 0;
            """,
        ),
        (
            "audit targets",
            """
            CREATE TEMP TABLE bn_target ON COMMIT DROP AS
            SELECT ct, (row_number() OVER (PARTITION BY ct ORDER BY pk) - 1)::int AS n, pk, repr, actor FROM (
                SELECT %(ct_household)s AS ct, id AS pk, reference AS repr, caseworker_id AS actor FROM bn_hh
                UNION ALL
                SELECT %(ct_member)s, m.id, CASE m.kind WHEN 'adult' THEN 'Adult, ' ELSE 'Child, ' END || m.age,
                       h.caseworker_id
                FROM sponsorship_householdmember m JOIN bn_hh h ON h.id = m.household_id
                UNION ALL
                SELECT %(ct_proposal)s, p.id, h.reference || ' ↔ Whole flat #' || p.offer_id, p.created_by_id
                FROM bn_pr p JOIN bn_hh h ON h.id = p.household_id
                UNION ALL
                SELECT %(ct_placement)s, pl.id, h.reference || ' @ Whole flat #' || pl.offer_id, pl.created_by_id
                FROM matching_placement pl JOIN bn_hh h ON h.id = pl.household_id
                UNION ALL
                SELECT %(ct_offer)s, o.id, 'Whole flat #' || o.id, sp.user_id
                FROM bn_of o JOIN housing_housingoffer ho ON ho.id = o.id JOIN sponsorship_sponsorprofile sp
                    ON sp.id = ho.sponsor_id
                UNION ALL
                SELECT %(ct_inspection)s, i.id, i.visited_on || ': Pass', i.inspector_id
                FROM housing_inspection i JOIN bn_of o ON o.id = i.offer_id
                UNION ALL
                SELECT %(ct_user)s, u.id, u.email, u.id FROM bn_sp sp
                JOIN sponsorship_sponsorprofile s ON s.id = sp.id JOIN portal_user u ON u.id = s.user_id
            ) x;
            CREATE UNIQUE INDEX ON bn_target (ct, n);
            CREATE TEMP TABLE bn_target_count ON COMMIT DROP AS SELECT ct, count(*)::int AS c FROM bn_target GROUP BY ct;
            ANALYZE bn_target;
            """,
        ),
        (
            "audit log",
            f"""
            INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, object_repr, action, changes,
                changes_text, actor_id, timestamp, cid)
            SELECT t.ct, t.pk::text, t.pk, t.repr, a.action,
                   CASE a.action
                     WHEN 0 THEN jsonb_build_object('id', jsonb_build_array(NULL, t.pk::text),
                         'status', jsonb_build_array(NULL, 'registered'), 'created_at',
                         jsonb_build_array(NULL, to_char(a.at, 'YYYY-MM-DD HH24:MI:SS')))
                     WHEN 1 THEN CASE a.n %% 3
                         WHEN 0 THEN jsonb_build_object('status', jsonb_build_array('seeking', 'proposed'),
                             'updated_at', jsonb_build_array('2025-03-01 10:00:00', to_char(a.at, 'YYYY-MM-DD HH24:MI:SS')))
                         WHEN 1 THEN jsonb_build_object('phone', jsonb_build_array('+370 6*******', '+370 6*******'),
                             'updated_at', jsonb_build_array('2025-03-01 10:00:00', to_char(a.at, 'YYYY-MM-DD HH24:MI:SS')))
                         ELSE jsonb_build_object('stay_months', jsonb_build_array('6', '9'),
                             'move_in_from', jsonb_build_array('2025-04-01', '2025-05-01')) END
                     WHEN 3 THEN NULL
                     ELSE jsonb_build_object('id', jsonb_build_array(t.pk::text, NULL)) END,
                   '', t.actor, a.at, %(cid)s
            FROM (
                SELECT g.n, {ts} AS at,
                       CASE WHEN g.n %% 100 < 80 THEN 1 WHEN g.n %% 100 < 90 THEN 0 WHEN g.n %% 100 < 99 THEN 3 ELSE 2 END
                         AS action,
                       CASE WHEN g.n %% 20 < 7 THEN %(ct_household)s WHEN g.n %% 20 < 9 THEN %(ct_member)s
                            WHEN g.n %% 20 < 14 THEN %(ct_proposal)s WHEN g.n %% 20 < 17 THEN %(ct_offer)s
                            WHEN g.n %% 20 < 18 THEN %(ct_placement)s WHEN g.n %% 20 < 19 THEN %(ct_user)s
                            ELSE %(ct_inspection)s END AS ct
                FROM generate_series(0, %(audit_rows)s - 1) g(n)
            ) a
            JOIN bn_target_count k ON k.ct = a.ct
            JOIN bn_target t ON t.ct = a.ct AND t.n = ((a.n::bigint * 16807) %% k.c)::int;
            INSERT INTO django_admin_log (action_time, user_id, content_type_id, object_id, object_repr, action_flag,
                change_message)
            SELECT {ts}, h.caseworker_id, %(ct_household)s, h.id::text, h.reference, 2,
                   '[{{"changed": {{"fields": ["Status", "Phone"]}}}}]'
            FROM generate_series(0, %(admin_log_rows)s - 1) g(n) JOIN bn_hh h ON h.n = (g.n * 7) %% %(households)s;
            """,
        ),
    ]


def _name_lists() -> dict[str, list[str] | int]:
    lists = {
        "first_names": FIRST_NAMES,
        "last_stems": LAST_NAME_STEMS,
        "last_endings": LAST_NAME_ENDINGS,
        "household_first_names": HOUSEHOLD_FIRST_NAMES,
        "household_stems": HOUSEHOLD_SURNAME_STEMS,
        "household_endings": HOUSEHOLD_SURNAME_ENDINGS,
        "streets": STREETS,
        "towns": TOWNS,
        "group_kinds": GROUP_KINDS,
        "group_words": GROUP_WORDS,
    }
    counts = {f"{name.removesuffix('s').removesuffix('_name')}_count": len(values) for name, values in lists.items()}
    # first_names -> first_count, last_stems -> last_stem_count, household_endings -> household_ending_count, …
    return {**lists, **counts}


def national_data_create(
    *, sizes: Sizes | None = None, seed: float = 0.42, log: Callable[[str], None] = lambda message: None
) -> dict[str, float]:
    """Write the tagged data in one transaction; returns the seconds of each step and the total. Refuses
    SQLite (`NotPostgreSQL`). Clear earlier tagged data first (`national_data_clear`)."""
    _require_postgresql()
    sizes = sizes or Sizes()
    ct = _content_type_ids()
    group_id = _caseworkers_group_id()
    params = {
        **sizes.__dict__,
        "caseworkers": sizes.caseworkers_per_organisation,
        "tag": TAG,
        "tag_like": TAG + "%",
        "domain": EMAIL_DOMAIN,
        "ref": REFERENCE_PREFIX,
        "ref_like": REFERENCE_PREFIX + "%",
        "cid": AUDIT_CID,
        "group": group_id,
        **_name_lists(),
        **{f"ct_{name}": pk for name, pk in ct.items()},
    }
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # The rows are built by joins on existing rows: no per-row foreign-key checks (`_bulk_checks_off`).
        _bulk_checks_off(cursor)
        cursor.execute("SELECT setseed(%s)", [seed])
        for label, sql in _steps(sizes, ct, group_id):
            step_started = time.perf_counter()
            cursor.execute(sql, params)
            seconds[label] = round(time.perf_counter() - step_started, 1)
            log(f"{label}: {seconds[label]} s")
    # VACUUM ANALYZE after the commit, one table at a time (VACUUM runs outside transactions): the
    # planner's statistics and estimated counts see the rows, and the visibility map lets counts read
    # indexes only, as in a database that autovacuum keeps.
    seconds["vacuum analyse"] = round(_vacuum_analyse(), 1)
    log(f"vacuum analyse: {seconds['vacuum analyse']} s")
    seconds["total"] = round(time.perf_counter() - started, 1)
    return seconds
