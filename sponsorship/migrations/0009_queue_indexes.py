# The caseworker's queues (portal.queues): partial indexes of the rows waiting in them.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sponsorship', '0008_household_counselling'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='sponsorprofile',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['created_at'], name='sponsor_pending_idx'),
        ),
    ]
