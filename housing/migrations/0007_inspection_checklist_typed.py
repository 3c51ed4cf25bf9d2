"""Inspection evidence, step 2 (its own transaction): the checklist's booleans become typed results."""

from django.db import migrations

CHECKLIST = ["safety", "heating", "water_sanitation", "smoke_detector", "matches_description"]


def checklist_from_booleans(apps, schema_editor):
    """Each checklist item's boolean becomes its typed result: checked is satisfactory, unchecked is not."""
    Inspection = apps.get_model("housing", "Inspection")
    for name in CHECKLIST:
        Inspection.objects.filter(**{name: True}).update(**{f"{name}_result": "ok"})
        Inspection.objects.filter(**{name: False}).update(**{f"{name}_result": "failed"})


def checklist_to_booleans(apps, schema_editor):
    Inspection = apps.get_model("housing", "Inspection")
    Inspection.objects.filter(result="reinspect").update(result="fail", reinspect_on=None)
    for name in CHECKLIST:
        Inspection.objects.filter(**{f"{name}_result": "ok"}).update(**{name: True})
        Inspection.objects.exclude(**{f"{name}_result": "ok"}).update(**{name: False})


class Migration(migrations.Migration):
    dependencies = [("housing", "0006_inspection_evidence")]

    operations = [migrations.RunPython(checklist_from_booleans, checklist_to_booleans)]
