"""The site-wide search's table (see `portal.search`). On PostgreSQL: the `unaccent` and `pg_trgm`
extensions, a GIN index on the stored text search vector and trigram indexes on the normalised title and
text; SQLite skips all of them (the extension operations and `postgresql_only` do nothing there)."""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

from portal.migration_tools import postgresql_only


class UnaccentExtensionOnPostgreSQL(UnaccentExtension):
    """unaccent, dropped when this migration is reversed on PostgreSQL (Django's operation would ask
    SQLite for `pg_extension` when reversed; forwards it already does nothing there)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class TrigramExtensionKept(TrigramExtension):
    """pg_trgm, kept when this migration is reversed: earlier migrations' trigram indexes need it."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_notification_codes"),
    ]

    operations = [
        UnaccentExtensionOnPostgreSQL(),
        TrigramExtensionKept(),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40, verbose_name="kind")),
                ("object_id", models.PositiveBigIntegerField(verbose_name="object id")),
                ("language", models.CharField(max_length=8, verbose_name="language")),
                ("title", models.CharField(max_length=500, verbose_name="title")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("url", models.CharField(max_length=500, verbose_name="address")),
                ("title_key", models.TextField(editable=False)),
                ("text_key", models.TextField(editable=False)),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "indexes": [models.Index(fields=["language", "kind", "object_id"], name="search_entry_language")],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id", "language"), name="search_entry_unique")
                ],
            },
        ),
        postgresql_only(
            [
                'CREATE INDEX IF NOT EXISTS "search_entry_vector" ON "portal_searchentry" USING gin ("vector")',
                'CREATE INDEX IF NOT EXISTS "search_entry_text_trgm" ON "portal_searchentry" '
                'USING gin ("text_key" gin_trgm_ops)',
                'CREATE INDEX IF NOT EXISTS "search_entry_title_trgm" ON "portal_searchentry" '
                'USING gin ("title_key" gin_trgm_ops)',
            ],
            [
                'DROP INDEX IF EXISTS "search_entry_vector"',
                'DROP INDEX IF EXISTS "search_entry_text_trgm"',
                'DROP INDEX IF EXISTS "search_entry_title_trgm"',
            ],
        ),
    ]
