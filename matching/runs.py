"""Matching runs: the policy in use, requesting a run, executing it (snapshot → constraints → scores →
optimum → proposals, in one transaction) and telling caseworkers about its proposals.

The arithmetic is in `matching.engine`, the loading in `matching.snapshot`; this module holds the rules
around them: which policy, what a run records, idempotency, and notifications.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Callable

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, F, JSONField, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from matching import engine
from matching.access import can_run_matching
from matching.criteria import CONSTRAINT_CODES, NO_OFFERS, TAKEN
from matching.engine_types import RunResult
from matching.explain import explanations_build
from matching.models import MatchingPolicy, MatchingRun, MatchProposal, RunNotice, UnmatchedHousehold
from matching.notification_kinds import RUN_PROPOSALS
from matching.services.households import households_status_sync
from matching.snapshot import snapshot_load
from portal.models import User
from portal.notifications import user_notify
from portal.services import task_enqueue

logger = logging.getLogger(__name__)
PHASES = ["load", "filter", "score", "solve", "greedy", "write"]
PHASE_LABELS = {
    "queued": gettext_lazy("Waiting for a worker"),
    "load": gettext_lazy("Reading households and offers"),
    "filter": gettext_lazy("Checking the hard constraints"),
    "score": gettext_lazy("Scoring the possible pairs"),
    "solve": gettext_lazy("Finding the best assignment"),
    "greedy": gettext_lazy("Comparing with first come, first served"),
    "write": gettext_lazy("Writing the proposals"),
    "retrying": gettext_lazy("The data changed meanwhile: starting again"),
    "done": gettext_lazy("Done"),
    "failed": pgettext_lazy("matching run", "Failed"),
    "total": gettext_lazy("Total"),
    "unavailable": gettext_lazy("Progress unavailable"),
}


class MatchingConflict(Exception):
    """The data changed under a run (a concurrent update); the task retries with a fresh snapshot."""


# --- Policy -----------------------------------------------------------------------------------------


def policy_current() -> MatchingPolicy:
    """The policy in use; the first one (default weights) is created when none exists."""
    policy = MatchingPolicy.objects.filter(is_active=True).first()
    if policy is None:
        with transaction.atomic():
            policy = MatchingPolicy.objects.select_for_update().filter(is_active=True).first()
            if policy is None:
                policy = policy_publish(policy=MatchingPolicy(), by=None)
    return policy


@transaction.atomic
def policy_publish(*, policy: MatchingPolicy, by: User | None) -> MatchingPolicy:
    """Save the weights as a new version and put it in use. Versions are never changed once saved, so each
    run keeps the weights it used."""
    if by is not None and not by.has_perm("matching.change_matchingpolicy"):
        raise PermissionDenied
    policy.pk = None
    policy._state.adding = True
    policy.version = (MatchingPolicy.objects.aggregate(last=Max("version"))["last"] or 0) + 1
    policy.is_active = True
    policy.created_by = by
    policy.full_clean(exclude=["is_active"], validate_constraints=False)
    MatchingPolicy.objects.filter(is_active=True).update(is_active=False)
    policy.save()
    return policy


# --- Requesting runs --------------------------------------------------------------------------------


ACTIVE = [MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING]
# Queued by name (`matching.tasks` registers them, and imports this module).
MATCHING_RUN_TASK = "matching.tasks.matching_run_task"
MATCHING_RUN_NOTIFY_TASK = "matching.tasks.matching_run_notify_task"


def matching_run_request(*, by: User) -> MatchingRun:
    """A caseworker or admin asks for a run now; a worker executes it (after commit).

    One run at a time: a run being executed, or queued and waiting for a worker, refuses a new one. A
    run whose worker died (see `matching_run_is_lost`) does not: it ends as failed and the new run
    replaces it."""
    if not can_run_matching(by):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        for active in MatchingRun.objects.filter(status__in=ACTIVE).order_by("pk"):
            lost = _run_lock_if_lost(active.pk, now=now)
            if lost is None:
                raise ValidationError(_("A matching run is already queued or running: wait for it to finish."))
            lost.status = MatchingRun.Status.FAILED
            lost.error = "WorkerLost"
            lost.finished_at = now
            lost.save(update_fields=["status", "error", "finished_at"])
        run = MatchingRun.objects.create(trigger=MatchingRun.Trigger.MANUAL, requested_by=by, dispatched_at=now)
        task_enqueue(task=MATCHING_RUN_TASK, args=[run.pk])
    progress_set(run.pk, "queued", 0)
    return run


def matching_run_nightly(*, today: datetime.date | None = None) -> MatchingRun:
    """Beat's nightly run: one per day, however many times beat fires or the task is delivered."""
    today = today or timezone.localdate()
    run, _created = MatchingRun.objects.get_or_create(
        nightly_for=today, defaults={"trigger": MatchingRun.Trigger.NIGHTLY, "dispatched_at": timezone.now()}
    )
    return matching_run_execute(run_id=run.pk, today=today)


# --- Lost runs --------------------------------------------------------------------------------------
#
# The lease on a run is the row lock its executing transaction holds (`matching_run_execute`): PostgreSQL
# releases it the moment the worker's connection dies (kill -9, a lost container), without waiting for
# the broker's visibility timeout (an hour). A run that is "running" but whose row nobody holds, for
# longer than MATCHING_RUN_LEASE_SECONDS, lost its worker; a run still "queued" ten leases after it was
# queued lost its message. Beat queues both again every minute; executing a run twice writes once.


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.MATCHING_RUN_LEASE_SECONDS)


def matching_run_is_lost(run: MatchingRun, *, now: datetime.datetime, grace: datetime.timedelta | None = None) -> bool:
    """Whether an active run has been left alone too long (the caller checks that no worker holds it)."""
    grace = _lease() if grace is None else grace
    if run.status == MatchingRun.Status.RUNNING:
        return (run.started_at or run.requested_at) <= now - grace
    if run.status == MatchingRun.Status.QUEUED:
        return (run.dispatched_at or run.requested_at) <= now - 10 * grace
    return False


def _run_lock_if_lost(
    run_id: int, *, now: datetime.datetime, grace: datetime.timedelta | None = None
) -> MatchingRun | None:
    """Lock the run (inside the caller's transaction) if it is lost: active, not held by a worker, and
    left alone too long; else None."""
    run = MatchingRun.objects.select_for_update(skip_locked=True).filter(pk=run_id, status__in=ACTIVE).first()
    if run is None or not matching_run_is_lost(run, now=now, grace=grace):
        return None
    return run


def matching_runs_recover(*, now: datetime.datetime | None = None, grace: datetime.timedelta | None = None) -> int:
    """Beat (every minute): queue again each lost run; one that lost its worker MATCHING_RUN_MAX_ATTEMPTS
    times ends as failed (it may be what kills the worker). Returns how many were queued again."""
    now = now or timezone.now()
    requeued = 0
    for run_id in MatchingRun.objects.filter(status__in=ACTIVE).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            run = _run_lock_if_lost(run_id, now=now, grace=grace)
            if run is None:
                continue
            if run.attempts >= settings.MATCHING_RUN_MAX_ATTEMPTS:
                run.status = MatchingRun.Status.FAILED
                run.error = "WorkerLost"
                run.finished_at = now
                run.save(update_fields=["status", "error", "finished_at"])
                logger.error("Matching run %s failed: its worker was lost %s times", run.pk, run.attempts)
                continue
            logger.warning("Matching run %s lost its worker or its message: queued again", run.pk)
            run.status = MatchingRun.Status.QUEUED
            run.dispatched_at = now
            run.save(update_fields=["status", "dispatched_at"])
            progress_set(run.pk, "queued", 0)
            task_enqueue(task=MATCHING_RUN_TASK, args=[run.pk])
            requeued += 1
    return requeued


# --- Progress (visible while the run's transaction is still open) -----------------------------------

# What the run page shows when the progress cache (Redis) cannot be read.
PROGRESS_UNAVAILABLE = {"phase": "unavailable", "percent": 0}


def _progress_key(run_id: int) -> str:
    return f"matching-run-progress:{run_id}"


def progress_set(run_id: int, phase: str, percent: int) -> None:
    """Record a run's progress; best effort: a Redis outage never stops a run or a request (the cache
    gives up after PROGRESS_CACHE_TIMEOUT)."""
    try:
        caches["progress"].set(_progress_key(run_id), {"phase": phase, "percent": percent}, timeout=24 * 3600)
    except Exception as exc:
        logger.warning("Progress of matching run %s not recorded: %s", run_id, type(exc).__name__)


def progress_get(run_id: int) -> dict | None:
    """A run's progress; None when none was recorded, PROGRESS_UNAVAILABLE when it cannot be read."""
    try:
        return caches["progress"].get(_progress_key(run_id))
    except Exception as exc:
        logger.warning("Progress of matching run %s unavailable: %s", run_id, type(exc).__name__)
        return dict(PROGRESS_UNAVAILABLE)


# --- Executing a run --------------------------------------------------------------------------------


# Called at the end of each phase with its name and the rows or pairs it went through (the benchmark
# measures time and memory per phase with it).
PhaseObserver = Callable[[str, int], None]


def matching_compute(
    *,
    policy: MatchingPolicy,
    today: datetime.date | None = None,
    run_id: int | None = None,
    observe: PhaseObserver | None = None,
) -> RunResult:
    """Load the snapshot, filter, score, solve and compute the greedy baseline, timing each phase."""
    seconds: dict[str, float] = {}
    cells: dict[str, int] = {}
    clock = time.perf_counter()

    def lap(name: str, percent: int, work: int) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 4)
        cells[name] = work
        if observe is not None:
            observe(name, work)
        clock = time.perf_counter()
        if run_id is not None:
            progress_set(run_id, name, percent)

    snapshot = snapshot_load(today=today)
    h, o = snapshot.households, snapshot.offers
    assert h.pref_municipality is not None
    lap("load", 25, len(h) + len(o) + len(h.pref_municipality) + len(snapshot.declined))
    pairs = engine.feasible_pairs(h, o, snapshot.declined)
    lap("filter", 45, pairs.compared)
    scores = engine.score_pairs(
        h, o, pairs, policy.weights, waiting_full_days=policy.waiting_full_days, reference_rent=policy.reference_rent
    )
    lap("score", 60, len(pairs))
    optimal = engine.solve_optimal(len(h), o, pairs, scores.points, scores.total)
    # Arcs: source → household, the pairs, offer → sink, and the bypass.
    lap("solve", 75, len(np.unique(pairs.household)) + len(pairs) + len(np.unique(pairs.offer)) + 1)
    greedy = engine.solve_greedy(h, o, pairs, scores.points, scores.total)
    lap("greedy", 80, len(pairs))
    return RunResult(
        snapshot=snapshot, pairs=pairs, scores=scores, optimal=optimal, greedy=greedy, seconds=seconds, cells=cells
    )


def matching_run_execute(
    *, run_id: int, today: datetime.date | None = None, observe: PhaseObserver | None = None
) -> MatchingRun:
    """Execute a run: snapshot, solve and write its proposals in one transaction (a repeatable-read
    snapshot on PostgreSQL). A run already done (or failed) is left as it is, so a retried, redelivered
    or recovered task writes nothing twice, and two executions racing write once (the row lock). A
    concurrent change makes the transaction fail as a whole (MatchingConflict), and the task retries it
    on fresh data."""
    started = time.perf_counter()
    # Inside a caller's transaction (a test's, say) the isolation level is the caller's.
    outermost = not connection.in_atomic_block
    # Claim the run, visibly (committed at once): "running", one more attempt. A racing execution that
    # holds the run waits here until it is done, then finds nothing to claim.
    claimed = MatchingRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
        status=MatchingRun.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
    )
    if not claimed:
        return MatchingRun.objects.get(pk=run_id)  # done or failed: never executed again
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            # The row lock is the run's lease: held until the run's writes commit, released by
            # PostgreSQL if the worker dies.
            run = MatchingRun.objects.select_for_update().get(pk=run_id)
            if run.status != MatchingRun.Status.RUNNING:
                return run
            progress_set(run.pk, "load", 5)
            run.policy = policy_current()
            result = matching_compute(policy=run.policy, today=today, run_id=run.pk, observe=observe)
            clock = time.perf_counter()
            created = _proposals_write(run=run, result=result)
            unmatched, compared = _unmatched_write(run=run, result=result)
            result.seconds["write"] = round(time.perf_counter() - clock, 4)
            # Rows written, and the cells compared to explain the households left without a proposal.
            result.cells["write"] = created + unmatched + compared
            if observe is not None:
                observe("write", created + unmatched + compared)
            result.seconds["total"] = round(time.perf_counter() - started, 4)
            snapshot = result.snapshot
            run.status = MatchingRun.Status.DONE
            run.finished_at = timezone.now()
            run.households = len(snapshot.households)
            run.offers = len(snapshot.offers)
            run.feasible_pairs = len(result.pairs)
            run.kept = snapshot.kept
            run.proposals_created = created
            run.total_score = round(result.optimal.total_score, 6)
            run.greedy_score = round(result.greedy.total_score, 6)
            run.greedy_matched = result.greedy.matched
            run.phase_seconds = result.seconds
            run.error = ""
            run.save()
            if created:
                task_enqueue(task=MATCHING_RUN_NOTIFY_TASK, args=[run.pk])
    except (OperationalError, IntegrityError) as exc:
        # A serialization failure or a proposal someone created meanwhile: nothing was written.
        logger.warning("Matching run %s rolled back: %s", run_id, type(exc).__name__)
        progress_set(run_id, "retrying", 0)
        raise MatchingConflict(str(type(exc).__name__)) from exc
    except Exception as exc:
        MatchingRun.objects.filter(pk=run_id).exclude(status=MatchingRun.Status.DONE).update(
            status=MatchingRun.Status.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        progress_set(run_id, "failed", 100)
        raise
    progress_set(run.pk, "done", 100)
    return run


def _rows_copy(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert the rows in bulk: COPY on PostgreSQL (JSON columns given as JSON text), bulk_create
    elsewhere. Like bulk_create, no signals are sent."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    json_columns = [k for k, name in enumerate(columns) if isinstance(model._meta.get_field(name), JSONField)]
    objects = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for k in json_columns:
            values[columns[k]] = json.loads(row[k])
        objects.append(model(**values))
    model.objects.bulk_create(objects, batch_size=2000)


def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def _proposals_write(*, run: MatchingRun, result: RunResult) -> int:
    snapshot, pairs, scores = result.snapshot, result.pairs, result.scores
    chosen = result.optimal.chosen
    if not len(chosen):
        return 0
    household_ids = snapshot.households.ids[pairs.household[chosen]].tolist()
    offer_ids = snapshot.offers.ids[pairs.offer[chosen]].tolist()
    explanations = explanations_build(snapshot=snapshot, result=result, pairs=chosen, policy=run.policy)
    now = timezone.now()
    status = MatchProposal.Status.PROPOSED.value
    columns = [
        "household_id",
        "offer_id",
        "status",
        "score",
        "explanation",
        "decline_reason",
        "decline_note",
        "withdraw_reason",
        "run_id",
        "created_at",
        "updated_at",
    ]
    rows = [
        (household, offer, status, score, _json(explanation), "", "", "", run.pk, now, now)
        for household, offer, score, explanation in zip(
            household_ids, offer_ids, np.round(scores.total[chosen], 4).tolist(), explanations, strict=True
        )
    ]
    _rows_copy(MatchProposal, columns, rows)
    households_status_sync(household_ids=household_ids)
    return len(rows)


def _unmatched_write(*, run: MatchingRun, result: RunResult) -> tuple[int, int]:
    """For each household without a proposal, its main reason (`engine.main_reasons`: what withheld the
    homes that suited it, else the constraint that ruled out most offers), or "taken" when its possible
    homes went to households they suited better, or "no_offers"."""
    snapshot, pairs = result.snapshot, result.pairs
    matched = np.zeros(len(snapshot.households), dtype=bool)
    matched[pairs.household[result.optimal.chosen]] = True
    rows = np.nonzero(~matched)[0]
    if not len(rows):
        return 0, 0
    ruled = engine.ruled_out(snapshot.households, snapshot.offers, rows, snapshot.declined)
    main = engine.main_reasons(ruled).tolist()
    has_pairs = np.zeros(len(snapshot.households), dtype=bool)
    has_pairs[pairs.household] = True
    no_offers = not len(snapshot.offers)
    records = []
    for k, (household_id, counts, paired) in enumerate(
        zip(snapshot.households.ids[rows].tolist(), ruled.counts.tolist(), has_pairs[rows].tolist(), strict=True)
    ):
        by_constraint = {code: n for code, n in zip(CONSTRAINT_CODES, counts, strict=True) if n}
        if no_offers:
            reason, ruled_out = NO_OFFERS, 0
        elif paired:
            reason, ruled_out = TAKEN, 0
        else:
            reason, ruled_out = CONSTRAINT_CODES[main[k]], counts[main[k]]
        records.append((run.pk, household_id, reason, ruled_out, _json(by_constraint)))
    _rows_copy(UnmatchedHousehold, ["run_id", "household_id", "reason", "offers_ruled_out", "counts"], records)
    return len(records), ruled.compared


# --- Notifications ----------------------------------------------------------------------------------


def matching_run_notify(*, run_id: int) -> int:
    """Tell each caseworker whose households got proposals in the run, once per caseworker and run, in
    their language. Returns how many were told now (0 on a redelivery)."""
    run = MatchingRun.objects.get(pk=run_id)
    per_caseworker = dict(
        MatchProposal.objects.filter(run=run, household__caseworker__isnull=False)
        .values("household__caseworker")
        .annotate(n=Count("pk"))
        .values_list("household__caseworker", "n")
    )
    told = 0
    for user in User.objects.filter(pk__in=per_caseworker, is_active=True).order_by("pk"):
        with transaction.atomic():
            notice, created = RunNotice.objects.get_or_create(
                run=run, recipient=user, defaults={"proposals": per_caseworker[user.pk]}
            )
            if not created:
                continue
            user_notify(user=user, code=RUN_PROPOSALS, params={"run": run.pk, "count": per_caseworker[user.pk]})
            told += 1
    return told
