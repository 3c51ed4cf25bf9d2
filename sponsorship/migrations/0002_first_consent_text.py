from django.db import migrations

from sponsorship.consent import INITIAL_TEXTS, INITIAL_VERSION


def publish(apps, schema_editor):
    ConsentText = apps.get_model("sponsorship", "ConsentText")
    if not ConsentText.objects.filter(version=INITIAL_VERSION).exists():
        ConsentText.objects.create(
            version=INITIAL_VERSION,
            text=INITIAL_TEXTS["lt"],
            **{f"text_{code}": text for code, text in INITIAL_TEXTS.items()},
        )


class Migration(migrations.Migration):
    dependencies = [("sponsorship", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
