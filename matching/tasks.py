"""Thin Celery tasks for mediation."""

from celery import shared_task
from django.db import OperationalError

from matching.runs import (
    MATCHING_RUN_NOTIFY_TASK,
    MATCHING_RUN_TASK,
    MatchingConflict,
    matching_run_execute,
    matching_run_nightly,
    matching_run_notify,
    matching_runs_recover,
)
from matching.services.notifications import proposal_step_notify, proposals_remind
from matching.services.proposals import PROPOSAL_STEP_NOTIFY_TASK, proposals_expire


@shared_task(name=PROPOSAL_STEP_NOTIFY_TASK)
def proposal_step_notify_task(step_id: int) -> int:
    return proposal_step_notify(step_id=step_id)


@shared_task(name="matching.tasks.proposals_remind_task", ignore_result=True)
def proposals_remind_task() -> int:
    """Periodic (beat): remind whoever has to answer a proposal."""
    return proposals_remind()


@shared_task(name="matching.tasks.proposals_expire_task", ignore_result=True)
def proposals_expire_task() -> int:
    """Periodic (beat): proposals without an answer in time expire and free the offer."""
    return proposals_expire()


# Runs and their notices are idempotent, so a redelivery (acks_late, reject_on_worker_lost: a worker lost
# mid-run), a run queued again by `matching_runs_recover_task`, or a retry after a transient failure is
# harmless.
RETRIED = {"acks_late": True, "reject_on_worker_lost": True, "retry_backoff": 5, "max_retries": 5}


# A run's result (how many proposals it created) is kept for callers that wait for it (bench, tests);
# queued through the outbox it is not stored.
@shared_task(name=MATCHING_RUN_TASK, autoretry_for=(MatchingConflict,), ignore_result=False, **RETRIED)
def matching_run_task(run_id: int) -> int:
    """Execute a requested run (idempotent: a run already done writes nothing)."""
    return matching_run_execute(run_id=run_id).proposals_created


@shared_task(name="matching.tasks.matching_nightly_task", autoretry_for=(MatchingConflict,), **RETRIED)
def matching_nightly_task() -> int:
    """Periodic (beat, nightly): today's run, once."""
    return matching_run_nightly().proposals_created


@shared_task(name=MATCHING_RUN_NOTIFY_TASK, autoretry_for=(OperationalError,), **RETRIED)
def matching_run_notify_task(run_id: int) -> int:
    """Tell caseworkers about a run's proposals, once per recipient and run."""
    return matching_run_notify(run_id=run_id)


@shared_task(name="matching.tasks.matching_runs_recover_task", ignore_result=True)
def matching_runs_recover_task() -> int:
    """Periodic (beat, every minute): queue again the runs whose worker died."""
    return matching_runs_recover()
