"""Thin Celery tasks for sponsors."""

from celery import shared_task

from sponsorship.services import group_invitation_send, sponsor_decision_notify


@shared_task(name="sponsorship.tasks.sponsor_decision_notify_task")
def sponsor_decision_notify_task(sponsor_id: int) -> bool:
    return sponsor_decision_notify(sponsor_id=sponsor_id)


@shared_task(name="sponsorship.tasks.group_invitation_send_task")
def group_invitation_send_task(person_id: int) -> bool:
    return group_invitation_send(person_id=person_id)
