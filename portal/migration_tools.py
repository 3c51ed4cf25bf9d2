"""Operations shared by the apps' migrations."""

from django.db import migrations

TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def postgresql_only(sql: list[str], reverse_sql: list[str]) -> migrations.RunPython:
    """Statements only PostgreSQL runs (an extension, an index with an operator class); SQLite (`make run`,
    the quick test runs) skips them. The models' state is untouched: such indexes live in the database
    only, like the extension they need."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in sql:
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in reverse_sql:
                schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards)


def trigram_indexes(table: str, columns: list[str]) -> migrations.RunPython:
    """GIN trigram indexes on `UPPER(column)` for the admin's searches: Django's `icontains` on
    PostgreSQL is `UPPER(column::text) LIKE UPPER('%term%')`, which such an index answers, so a search
    reads the matching rows instead of the whole table."""
    return postgresql_only(
        [TRIGRAM_EXTENSION]
        + [
            f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" ON "{table}" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
            for column in columns
        ],
        [f'DROP INDEX IF EXISTS "{table}_{column}_trgm"' for column in columns],
    )
