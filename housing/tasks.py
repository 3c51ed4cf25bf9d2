"""Thin Celery tasks for housing offers."""

from celery import shared_task

from housing.services import (
    OFFER_INSPECTION_NOTIFY_TASK,
    offer_inspection_notify,
    offers_expire,
    offers_reconfirmation_request,
)


@shared_task(name="housing.tasks.offers_expire_task", ignore_result=True)
def offers_expire_task() -> int:
    """Periodic (beat): offers past their end date expire."""
    return offers_expire()


@shared_task(name="housing.tasks.offers_reconfirmation_request_task", ignore_result=True)
def offers_reconfirmation_request_task() -> int:
    """Periodic (beat): ask sponsors to reconfirm offers not confirmed for a while."""
    return offers_reconfirmation_request()


@shared_task(name=OFFER_INSPECTION_NOTIFY_TASK)
def offer_inspection_notify_task(inspection_id: int) -> bool:
    return offer_inspection_notify(inspection_id=inspection_id)
