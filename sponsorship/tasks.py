"""Thin Celery tasks for sponsors."""

from celery import shared_task

from sponsorship.services import (
    GROUP_INVITATION_SEND_TASK,
    SPONSOR_DECISION_NOTIFY_TASK,
    group_invitation_send,
    sponsor_decision_notify,
)


@shared_task(name=SPONSOR_DECISION_NOTIFY_TASK)
def sponsor_decision_notify_task(sponsor_id: int) -> bool:
    return sponsor_decision_notify(sponsor_id=sponsor_id)


@shared_task(name=GROUP_INVITATION_SEND_TASK)
def group_invitation_send_task(person_id: int) -> bool:
    return group_invitation_send(person_id=person_id)
