"""Indexes for the admin at national scale: trigram searches on accounts, and the history and "recent
actions" of the admin's own log (django.contrib.admin's table, whose migrations are Django's: the
indexes are added here, by SQL, with `IF NOT EXISTS`, on PostgreSQL and SQLite alike)."""

from django.db import migrations

from portal.migration_tools import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_roles"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        trigram_indexes("portal_user", ["email", "first_name", "last_name"]),
        migrations.RunSQL(
            [
                # A record's history page: its entries, by content type and id.
                "CREATE INDEX IF NOT EXISTS admin_log_object_idx ON django_admin_log (content_type_id, object_id)",
                # The admin index's "recent actions": the reader's own latest entries.
                "CREATE INDEX IF NOT EXISTS admin_log_user_time_idx ON django_admin_log (user_id, action_time)",
            ],
            [
                "DROP INDEX IF EXISTS admin_log_object_idx",
                "DROP INDEX IF EXISTS admin_log_user_time_idx",
            ],
        ),
    ]
