"""Follow-ups become questionnaires: each has its respondent (the household or the sponsor), its
milestone (1, 3 or 6 months) and typed answers. Existing follow-ups were the household's, three per
placement in the order of their due dates: they get the milestones 1, 3 and 6 in that order. The
caseworkers get the permissions of the new household notes and meetings (`portal.roles`)."""

from django.conf import settings
from django.db import migrations, models

MILESTONES = [1, 3, 6]


def milestones_fill(apps, schema_editor):
    FollowUp = apps.get_model("matching", "FollowUp")
    rank: dict[int, int] = {}
    for follow_up in FollowUp.objects.order_by("placement_id", "due_on", "pk"):
        index = rank.get(follow_up.placement_id, 0)
        rank[follow_up.placement_id] = index + 1
        # More than three for one placement never happened; were it so, the later ones count as the last.
        follow_up.milestone = MILESTONES[min(index, len(MILESTONES) - 1)]
        follow_up.save(update_fields=["milestone"])


def roles_update(apps, schema_editor):
    from portal.roles import roles_ensure

    roles_ensure(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0005_compact_explanations'),
        ('sponsorship', '0008_household_counselling'),
        ('portal', '0006_admin_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='followup',
            options={'ordering': ['placement', 'due_on', 'respondent'], 'verbose_name': 'follow-up', 'verbose_name_plural': 'follow-ups'},
        ),
        migrations.AddField(
            model_name='followup',
            name='housing_condition',
            field=models.CharField(blank=True, choices=[('good', 'Good'), ('adequate', 'Adequate'), ('needs_repairs', 'Needs repairs'), ('unsuitable', 'Unsuitable')], max_length=20, verbose_name='condition of the home'),
        ),
        migrations.AddField(
            model_name='followup',
            name='integration_steps',
            field=models.JSONField(blank=True, default=list, verbose_name='integration steps taken'),
        ),
        migrations.AddField(
            model_name='followup',
            name='milestone',
            field=models.PositiveSmallIntegerField(choices=[(1, 'After 1 month'), (3, 'After 3 months'), (6, 'After 6 months')], null=True, verbose_name='milestone'),
        ),
        migrations.AddField(
            model_name='followup',
            name='relationship',
            field=models.CharField(blank=True, choices=[('very_good', 'Very good'), ('good', 'Good'), ('distant', 'Little contact'), ('difficult', 'Difficult'), ('conflict', 'In conflict')], max_length=20, verbose_name='relationship between the household and the sponsor'),
        ),
        migrations.AddField(
            model_name='followup',
            name='respondent',
            field=models.CharField(choices=[('household', 'Household'), ('sponsor', 'Sponsor')], default='household', max_length=10, verbose_name='respondent'),
        ),
        migrations.RunPython(milestones_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='followup',
            name='milestone',
            field=models.PositiveSmallIntegerField(choices=[(1, 'After 1 month'), (3, 'After 3 months'), (6, 'After 6 months')], verbose_name='milestone'),
        ),
        migrations.AddConstraint(
            model_name='followup',
            constraint=models.UniqueConstraint(fields=('placement', 'respondent', 'milestone'), name='one_follow_up_per_respondent_and_milestone'),
        ),
        migrations.AddConstraint(
            model_name='followup',
            constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), models.Q(('rating__gte', 1), ('rating__lte', 5)), _connector='OR'), name='follow_up_rating_one_to_five'),
        ),
        migrations.RunPython(roles_update, migrations.RunPython.noop, elidable=False),
    ]
