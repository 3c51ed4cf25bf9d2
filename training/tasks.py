"""Thin Celery tasks for training."""

from celery import shared_task

from training.services import events_remind


@shared_task(name="training.tasks.events_remind_task", ignore_result=True)
def events_remind_task() -> int:
    """Periodic (beat): the day-before reminders of recruitment events."""
    return events_remind()
