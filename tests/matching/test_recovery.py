"""Matching survives its workers: a run whose worker died is picked up again (never an hour later) and
writes once; a dead run does not refuse a new one; concurrent confirmations never deadlock."""

import datetime
import os
import signal
import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from matching.benchmark import synthetic_data_create
from matching.models import MatchingRun, MatchProposal, Placement, UnmatchedHousehold
from matching.runs import (
    matching_compute,
    matching_run_execute,
    matching_run_request,
    matching_runs_recover,
    policy_current,
)
from matching.services.placements import proposal_confirm
from matching.services.proposals import ProposalError, proposal_create, proposal_transition
from portal.models import QueuedTask
from tests.helpers import all_at_once, celery_reconfigure
from tests.processes import wait_for, worker_start, worker_stop

LONG_AGO = datetime.timedelta(minutes=5)


def _run(status=MatchingRun.Status.RUNNING, started=LONG_AGO, **fields) -> MatchingRun:
    return MatchingRun.objects.create(status=status, started_at=timezone.now() - started, **fields)


def _hold(run: MatchingRun, held: threading.Event, release: threading.Event) -> threading.Thread:
    """Another connection holds the run's row lock, as an executing worker does."""

    def hold():
        try:
            with transaction.atomic():
                MatchingRun.objects.select_for_update().get(pk=run.pk)
                held.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(10)
    return thread


# --- The lease: a run nobody holds is lost ---------------------------------------------------------


@pytest.mark.needs_postgres  # the lease is a row lock held by another connection
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_died_is_queued_again_and_one_still_held_is_not():
    lost = _run()
    fresh = _run(started=datetime.timedelta(0))
    held_run = _run()
    held, release = threading.Event(), threading.Event()
    thread = _hold(held_run, held, release)
    try:
        assert matching_runs_recover() == 1
    finally:
        release.set()
        thread.join()
    lost.refresh_from_db()
    # Celery is eager in tests: the run queued again was executed at once, to the end.
    assert lost.status == MatchingRun.Status.DONE and lost.dispatched_at is not None and lost.attempts == 1
    assert MatchingRun.objects.get(pk=fresh.pk).status == MatchingRun.Status.RUNNING
    assert MatchingRun.objects.get(pk=held_run.pk).status == MatchingRun.Status.RUNNING
    assert QueuedTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_run_that_lost_its_worker_too_often_fails_instead_of_looping(settings):
    run = _run(attempts=settings.MATCHING_RUN_MAX_ATTEMPTS)
    assert matching_runs_recover() == 0
    run.refresh_from_db()
    assert (run.status, run.error) == (MatchingRun.Status.FAILED, "WorkerLost")


@pytest.mark.django_db(transaction=True)
def test_a_done_or_failed_run_is_never_executed_again():
    done = _run(status=MatchingRun.Status.DONE, proposals_created=7)
    failed = _run(status=MatchingRun.Status.FAILED)
    assert matching_run_execute(run_id=done.pk).proposals_created == 7
    assert matching_run_execute(run_id=failed.pk).status == MatchingRun.Status.FAILED
    assert MatchingRun.objects.get(pk=done.pk).attempts == 0
    assert matching_runs_recover() == 0


@pytest.mark.django_db(transaction=True)
def test_run_matching_now_is_not_refused_by_a_dead_run(caseworker):
    dead = _run()
    run = matching_run_request(by=caseworker)
    dead.refresh_from_db()
    assert (dead.status, dead.error) == (MatchingRun.Status.FAILED, "WorkerLost")
    assert run.pk != dead.pk


@pytest.mark.needs_postgres  # the lease is a row lock held by another connection
@pytest.mark.django_db(transaction=True)
def test_run_matching_now_is_refused_while_a_worker_holds_a_run(caseworker):
    from django.core.exceptions import ValidationError

    busy = _run()
    held, release = threading.Event(), threading.Event()
    thread = _hold(busy, held, release)
    try:
        with pytest.raises(ValidationError):
            matching_run_request(by=caseworker)
    finally:
        release.set()
        thread.join()
    assert MatchingRun.objects.count() == 1


# --- A worker killed mid-run -------------------------------------------------------------------------


def _locked(run_id: int) -> bool:
    try:
        with transaction.atomic():
            MatchingRun.objects.select_for_update(nowait=True).get(pk=run_id)
    except DatabaseError:
        return True
    return False


@pytest.mark.reliability
@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_the_run_completes_with_a_new_worker_once(own_redis, tmp_path, figure):
    synthetic_data_create(households=600, offers=600, seed=5)
    clean = matching_compute(policy=policy_current())  # a clean run of the same data (nothing written)
    chosen = clean.optimal.chosen
    expected = set(
        zip(
            clean.snapshot.households.ids[clean.pairs.household[chosen]].tolist(),
            clean.snapshot.offers.ids[clean.pairs.offer[chosen]].tolist(),
            strict=True,
        )
    )
    assert expected

    previous = celery_reconfigure(task_always_eager=False, broker_url=own_redis.url, result_backend=own_redis.url)
    first = second = None
    try:
        first = worker_start(redis_url=own_redis.url, mail_dir=tmp_path / "mail", log_path=tmp_path / "first.log")
        from matching.tasks import matching_run_task
        from portal.services import task_enqueue

        run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL, dispatched_at=timezone.now())
        task_enqueue(task=matching_run_task.name, args=[run.pk])
        # Mid-run: the worker holds the run (its transaction is open) and has written nothing yet.
        assert wait_for(lambda: _locked(run.pk), timeout=30, interval=0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        run.refresh_from_db()
        assert run.status == MatchingRun.Status.RUNNING and run.attempts == 1
        assert not MatchProposal.objects.filter(run=run).exists()

        second = worker_start(redis_url=own_redis.url, mail_dir=tmp_path / "mail", log_path=tmp_path / "second.log")
        started = time.monotonic()
        # Beat's job, every minute in production (the lease is MATCHING_RUN_LEASE_SECONDS; here no wait).
        assert wait_for(lambda: matching_runs_recover(grace=datetime.timedelta(0)) == 1, timeout=30, interval=0.5)
        assert wait_for(
            lambda: MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.DONE).exists(), timeout=110
        )
        seconds = round(time.monotonic() - started, 1)
    finally:
        for worker in (first, second):
            if worker is not None:
                worker_stop(worker)
        celery_reconfigure(**previous)

    figure("Worker killed mid-run: seconds to completion after a new worker", seconds)
    run.refresh_from_db()
    written = list(MatchProposal.objects.filter(run=run).values_list("household_id", "offer_id"))
    assert seconds < 120
    assert set(written) == expected  # identical to the clean run
    assert len(written) == len(set(written)) == run.proposals_created  # nothing written twice
    assert UnmatchedHousehold.objects.filter(run=run).count() == 600 - len(written)
    assert run.attempts == 2
    assert matching_run_execute(run_id=run.pk).proposals_created == run.proposals_created
    assert MatchProposal.objects.filter(run=run).count() == len(written)


# --- Concurrent confirmations ------------------------------------------------------------------------


def _two_proposals_at_meeting(proposal_at, available_offer):
    first = proposal_at("meeting")
    household, caseworker = first.household, first.household.caseworker
    offer = available_offer()
    second = proposal_create(household=household, offer=offer, by=caseworker)
    for to, by in [
        ("approved", caseworker),
        ("sent", caseworker),
        ("sponsor_accepted", offer.sponsor.user),
        ("beneficiary_accepted", caseworker),
        ("meeting", caseworker),
    ]:
        second = proposal_transition(proposal=second, to=to, by=by)
    return first, second


def _outcome(result) -> str | tuple:
    if isinstance(result, ProposalError):
        return ("refused", " ".join(result.messages))
    if isinstance(result, Exception):  # a deadlock would land here
        return ("error", type(result).__name__, str(result))
    return result


@pytest.mark.reliability
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_of_one_household_never_deadlock(proposal_at, available_offer, figure):
    rounds, deadlocks = 3, 0
    for _round in range(rounds):
        proposals = _two_proposals_at_meeting(proposal_at, available_offer)

        def confirm(proposal):
            proposal_confirm(
                proposal=proposal,
                by=proposal.household.caseworker,
                move_in_date=timezone.localdate() + datetime.timedelta(days=7),
                agreed_months=6,
            )
            return "placed"

        outcomes = [_outcome(result) for result in all_at_once(confirm, proposals)]
        deadlocks += sum(1 for outcome in outcomes if outcome[0] == "error")
        assert sorted(map(str, outcomes)) == sorted(
            map(str, ["placed", ("refused", "This household has just been placed in another home.")])
        ), outcomes
        assert Placement.objects.filter(household=proposals[0].household).count() == 1
    figure("Concurrent confirmations of one household: deadlock errors", deadlocks)
    assert deadlocks == 0
