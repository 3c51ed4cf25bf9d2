# The caseworker's queues (portal.queues): partial indexes of the rows waiting in them.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('housing', '0008_inspection_checklist_rename'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='housingoffer',
            index=models.Index(condition=models.Q(('status', 'submitted')), fields=['updated_at'], name='offer_submitted_idx'),
        ),
    ]
