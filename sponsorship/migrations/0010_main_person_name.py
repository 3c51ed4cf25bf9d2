"""A sponsor's main person is named as their account is: where the account has a name and the person was
recorded with the email instead (they had given no name then), the person takes the account's name."""

from django.db import migrations


def forwards(apps, schema_editor):
    SponsorPerson = apps.get_model("sponsorship", "SponsorPerson")
    people = SponsorPerson.objects.filter(role="main", user__isnull=False).select_related("user")
    for person in people.iterator():
        name = f"{person.user.first_name} {person.user.last_name}".strip()
        # Only a person recorded with the email (or with nothing): a name a caseworker typed stays.
        if name and person.full_name.strip() in ("", person.user.email):
            SponsorPerson.objects.filter(pk=person.pk).update(full_name=name)


class Migration(migrations.Migration):
    dependencies = [("sponsorship", "0009_queue_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
