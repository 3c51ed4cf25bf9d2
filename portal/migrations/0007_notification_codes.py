"""Notifications become a message code with parameters, rendered in the reader's language when read.

The rows written before keep their text: they get the code `legacy`, whose parameters are the stored
title, text and link, shown as they were (see `portal.notifications`)."""

from django.db import migrations, models

BATCH = 2000


def texts_to_legacy(apps, schema_editor):
    Notification = apps.get_model("portal", "Notification")
    batch = []
    for notification in Notification.objects.only("pk", "title", "body", "link").iterator(chunk_size=BATCH):
        notification.code = "legacy"
        notification.params = {"title": notification.title, "body": notification.body, "link": notification.link}
        batch.append(notification)
        if len(batch) >= BATCH:
            Notification.objects.bulk_update(batch, ["code", "params"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["code", "params"])


def legacy_to_texts(apps, schema_editor):
    """Going back: legacy rows get their text again; rows with another code keep their code as title."""
    Notification = apps.get_model("portal", "Notification")
    batch = []
    for notification in Notification.objects.iterator(chunk_size=BATCH):
        params = notification.params if isinstance(notification.params, dict) else {}
        if notification.code == "legacy":
            notification.title = str(params.get("title") or "")[:200]
            notification.body = str(params.get("body") or "")
            notification.link = str(params.get("link") or "")[:300]
        else:
            notification.title = notification.code[:200]
        batch.append(notification)
        if len(batch) >= BATCH:
            Notification.objects.bulk_update(batch, ["title", "body", "link"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["title", "body", "link"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_admin_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="code",
            field=models.CharField(default="legacy", max_length=100, verbose_name="message code"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(blank=True, max_length=200, verbose_name="title"),
        ),
        migrations.RunPython(texts_to_legacy, legacy_to_texts),
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.RemoveField(model_name="notification", name="body"),
        migrations.RemoveField(model_name="notification", name="link"),
    ]
