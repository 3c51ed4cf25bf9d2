"""The roles are data: the Caseworkers and Sponsors groups, with the caseworkers' permissions
(`portal.roles`). Idempotent; undoing it leaves the groups in place."""

from django.db import migrations


def roles_create(apps, schema_editor):
    from portal.roles import roles_ensure

    roles_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0004_outboundemail"),
        ("projects", "0003_resource_audiences"),
        ("sponsorship", "0004_household_anonymised"),
        ("housing", "0004_offer_nearness"),
        ("matching", "0003_run_lease"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop, elidable=False)]
