"""Inspection evidence, step 3: the booleans go, the typed results take their names; the re-inspection rule."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("housing", "0007_inspection_checklist_typed")]

    operations = [
        migrations.RemoveField(model_name="inspection", name="heating"),
        migrations.RenameField(model_name="inspection", old_name="heating_result", new_name="heating"),
        migrations.RemoveField(model_name="inspection", name="matches_description"),
        migrations.RenameField(
            model_name="inspection", old_name="matches_description_result", new_name="matches_description"
        ),
        migrations.RemoveField(model_name="inspection", name="safety"),
        migrations.RenameField(model_name="inspection", old_name="safety_result", new_name="safety"),
        migrations.RemoveField(model_name="inspection", name="smoke_detector"),
        migrations.RenameField(model_name="inspection", old_name="smoke_detector_result", new_name="smoke_detector"),
        migrations.RemoveField(model_name="inspection", name="water_sanitation"),
        migrations.RenameField(
            model_name="inspection", old_name="water_sanitation_result", new_name="water_sanitation"
        ),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["offer", "-created_at", "-id"], name="inspection_offer_latest_idx"),
        ),
        migrations.AddConstraint(
            model_name="inspection",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("reinspect_on__isnull", False), ("result", "reinspect")),
                    models.Q(models.Q(("result", "reinspect"), _negated=True), ("reinspect_on__isnull", True)),
                    _connector="OR",
                ),
                name="inspection_reinspect_date",
            ),
        ),
    ]
