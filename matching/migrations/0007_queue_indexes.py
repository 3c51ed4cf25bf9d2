# The caseworker's queues (portal.queues): partial indexes of the rows waiting in them.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0006_follow_up_questionnaire'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(condition=models.Q(('done_on__isnull', True)), fields=['due_on'], name='followup_open_idx'),
        ),
        migrations.AddIndex(
            model_name='matchproposal',
            index=models.Index(fields=['status', 'awaiting_since'], name='proposal_status_idx'),
        ),
        migrations.AddIndex(
            model_name='safeguardingconcern',
            index=models.Index(condition=models.Q(('closed_at__isnull', True)), fields=['raised_at'], name='concern_open_idx'),
        ),
    ]
