"""Background jobs: asked for inside a transaction, run by a worker, retried, never lost.

`enqueue` writes the job's row in the caller's transaction and notes its id in
`session.info[ENQUEUED]`; the app hands the ids to the task queue only after that
transaction commits (factcheck/jobs.py), so a rolled-back request causes nothing. A
worker `claim`s a job with one conditional UPDATE, so a job sent twice runs once; a
failure is retried with exponential back-off until `max_attempts`, then waits on the
admins' dead-letter list. A job whose worker died mid-run (SIGKILL, power loss) is given
back by `recover_abandoned` once that worker's heartbeat is stale. When a job fails for good,
the function its kind registered with `on_give_up` records that on the job's subject (a
delivery, a copy of a page), in the same transaction, which would otherwise wait for a
result that never comes; `on_retry` undoes it when an admin retries the job.

A handler receives the session and the job's payload and returns a small JSON result;
it must be idempotent (a job can run again after a crash), which handlers get by
checking what they already did before doing it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..i18n import _
from ..models import Job, User, WorkerBeat
from ..states import JobStatus, weekday_number
from .audit import record_audit
from .errors import WorkflowError

ENQUEUED = "enqueued_jobs"
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(hours=1)
MAX_ERROR_LENGTH = 2000

Handler = Callable[[Session, dict[str, Any]], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}
GiveUp = Callable[[Session, dict[str, Any], str], None]
GIVE_UP: dict[str, GiveUp] = {}
Retried = Callable[[Session, dict[str, Any]], None]
ON_RETRY: dict[str, Retried] = {}
LOG = logging.getLogger(__name__)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind`."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def on_give_up(kind: str) -> Callable[[GiveUp], GiveUp]:
    """Register what a job of `kind` that failed for good records on its subject; the
    function gets the session, the job's payload and its last error, and must not commit."""

    def register(function: GiveUp) -> GiveUp:
        GIVE_UP[kind] = function
        return function

    return register


def on_retry(kind: str) -> Callable[[Retried], Retried]:
    """Register what an admin's retry of a failed job of `kind` puts back on its subject
    (the function gets the session and the payload, may raise WorkflowError to refuse)."""

    def register(function: Retried) -> Retried:
        ON_RETRY[kind] = function
        return function

    return register


def _give_up(session: Session, jobs: list[tuple[str, dict[str, Any]]], error: str) -> None:
    """Run the give-up functions of jobs failing for good, each in a savepoint of the
    transaction that fails them: the job and its subject change together or not at all."""
    for kind, payload in jobs:
        function = GIVE_UP.get(kind)
        if function is None:
            continue
        try:
            with session.begin_nested():
                function(session, payload, error)
        except Exception:  # the job still fails; its subject keeps its state
            LOG.exception("recording the failure of a %s job on its subject failed", kind)


# Daily jobs: kind -> the hour (UTC) from which it runs each day, or the name of the config
# setting holding that hour. Workers' heartbeats enqueue the due ones (enqueue_due_daily).
DAILY: dict[str, int | str] = {}


def daily(kind: str, *, hour: int | str) -> Callable[[Handler], Handler]:
    """Register the handler of `kind` and run it once a day from `hour` (UTC, 0-23, or the
    name of the config setting that holds it)."""

    def register(function: Handler) -> Handler:
        DAILY[kind] = hour
        return handler(kind)(function)

    return register


# Weekly jobs: kind -> (the name of the config setting holding the day of the week, that
# of the hour). The day is a weekday name ("sunday") or "" / "off" for never.
WEEKLY: dict[str, tuple[str, str]] = {}
def weekly(kind: str, *, day: str, hour: str) -> Callable[[Handler], Handler]:
    """Register the handler of `kind` and run it once a week (ISO week, UTC) from the day and
    hour held by the config settings named `day` and `hour`."""

    def register(function: Handler) -> Handler:
        WEEKLY[kind] = (day, hour)
        return handler(kind)(function)

    return register


def weekly_key(kind: str, day: date) -> str:
    """The job key of weekly job `kind` in the ISO week of `day`: one job per kind and week."""
    year, week, _weekday = day.isocalendar()
    return f"{kind}:{year}-W{week:02d}"


def _due_weekly(now: datetime, settings: Mapping[str, Any]) -> dict[str, str]:
    """The weekly kinds whose day and hour have come this week, by their key."""
    due = {}
    for kind, (day_name, hour_name) in WEEKLY.items():
        day = weekday_number(settings.get(day_name))
        # Later in the week than the day counts too: a worker down that day runs it on its
        # return, once, rather than skipping the week.
        if day is not None and (now.weekday(), now.hour) >= (day, int(settings[hour_name])):
            due[kind] = weekly_key(kind, now.date())
    return due


def daily_key(kind: str, day: date) -> str:
    """The job key of daily job `kind` on `day`: one job per kind and day, whoever asks."""
    return f"{kind}:{day.isoformat()}"


def enqueue_due_daily(session: Session, *, now: datetime,
                      settings: Mapping[str, Any] | None = None) -> list[str]:
    """Enqueue each daily job whose hour has come today (UTC), and each weekly one whose day
    and hour have come this week, that is not asked for yet; the kinds enqueued.
    `settings` resolves hours and days given as setting names (the app config).

    Flushes only. Every worker's heartbeat calls this: the job's key makes it once a day
    however many workers do, and a look before the insert keeps the usual call to a read.
    """
    now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    today = now.date()
    due = {kind: daily_key(kind, today) for kind, hour in DAILY.items()
           if now.hour >= int((settings or {})[hour] if isinstance(hour, str) else hour)}
    due.update(_due_weekly(now, settings or {}))
    if not due:
        return []
    asked = set(session.exec(select(Job.key).where(col(Job.key).in_(sorted(due.values()))))
                .all())
    return [kind for kind, key in sorted(due.items()) if key not in asked
            and enqueue(session, kind, {"day": today.isoformat()}, key=key) is not None]


class JobRefused(Exception):
    """The job cannot succeed however often it runs (a page that does not exist): it fails
    at once, with this user-facing message, instead of being retried."""


class UnknownJob(Exception):
    """A job of a kind no handler is registered for (a newer app's job on an older worker)."""


def enqueue(session: Session, kind: str, payload: dict[str, Any], *, key: str | None = None,
            max_attempts: int = 5) -> Job | None:
    """Ask for `kind` to run with `payload` once the session's transaction commits.

    With `key`, a job already asked for under the same key is not asked for again (None).
    """
    job = Job(kind=kind, payload=payload, key=key, max_attempts=max_attempts)
    if key is not None:
        try:
            with session.begin_nested():
                session.add(job)
        except IntegrityError:
            return None
    else:
        session.add(job)
        session.flush()
    session.info.setdefault(ENQUEUED, set()).add(job.id)
    return job


def claim(session: Session, job_id: int, *, worker: str) -> Job | None:
    """Take a due pending job for `worker` (commits); None when it is not ours to run."""
    now = utcnow()
    taken = session.exec(
        update(Job).where(col(Job.id) == job_id, col(Job.status) == JobStatus.PENDING,
                          col(Job.run_after) <= now)
        .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, started_at=now,
                worker=worker))
    session.commit()
    if taken.rowcount != 1:
        return None
    return session.get(Job, job_id, populate_existing=True)


def run(session: Session, job: Job) -> None:
    """Run a claimed job's handler and record the outcome (commits either way).

    Raises nothing: a failure is recorded on the job (and retried); the caller learns
    what happened from `job.status` and `job.run_after`.
    """
    kind, payload = job.kind, dict(job.payload)
    # End the read that loaded the job: on SQLite a worker's open transaction would hold
    # the write lock through a slow handler (a page fetch) and stall every web request.
    session.commit()
    try:
        function = HANDLERS.get(kind)
        if function is None:
            raise UnknownJob(kind)
        result = function(session, payload) or {}
    except JobRefused as refusal:
        session.rollback()
        _record_failure(session, job.id, str(refusal), final=True)
        return
    except Exception as error:  # (any failure of a handler is the job's failure)
        session.rollback()
        _record_failure(session, job.id, f"{type(error).__name__}: {error}")
        return
    job.status, job.finished_at, job.result, job.last_error = (
        JobStatus.DONE, utcnow(), result, "")
    session.add(job)
    session.commit()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next attempt, after `attempts` failed ones."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _record_failure(session: Session, job_id: int, error: str, *, final: bool = False) -> None:
    job = session.get(Job, job_id, populate_existing=True)
    job.last_error = error[:MAX_ERROR_LENGTH]
    job.worker = None
    given_up = final or job.attempts >= job.max_attempts
    if given_up:
        job.status, job.finished_at = JobStatus.FAILED, utcnow()
    else:
        job.status, job.run_after = JobStatus.PENDING, utcnow() + retry_delay(job.attempts)
    session.add(job)
    if given_up:
        _give_up(session, [(job.kind, dict(job.payload))], job.last_error)
    session.commit()


def retry(session: Session, *, job: Job, actor: User) -> None:
    """Put a failed job back in the queue for another round of attempts (admins)."""
    if job.status != JobStatus.FAILED:
        raise WorkflowError(_("Only a failed job can be retried."), code="conflict")
    undo = ON_RETRY.get(job.kind)
    if undo is not None:
        undo(session, dict(job.payload))
    job.status, job.attempts, job.run_after, job.finished_at = (
        JobStatus.PENDING, 0, utcnow(), None)
    session.add(job)
    session.flush()
    session.info.setdefault(ENQUEUED, set()).add(job.id)
    record_audit(session, actor=actor, action="job.retry", obj=job, kind=job.kind)


def beat(session: Session, *, worker: str) -> None:
    """Record that `worker` is alive (commits)."""
    now = utcnow()
    found = session.get(WorkerBeat, worker)
    if found is None:
        session.add(WorkerBeat(name=worker, started_at=now, seen_at=now))
    else:
        found.seen_at = now
        session.add(found)
    session.commit()


def recover_abandoned(session: Session, *, stale_before: datetime) -> list[int]:
    """Give back the running jobs of workers silent since `stale_before`; their ids.

    Also returns the pending jobs that are due since then: their message to the queue
    may have been lost (a crash between commit and hand-over, a queue restarted empty).
    """
    live = select(WorkerBeat.name).where(col(WorkerBeat.seen_at) >= stale_before)
    abandoned = session.exec(select(Job.id).where(
        col(Job.status) == JobStatus.RUNNING, col(Job.started_at) < stale_before,
        col(Job.worker).not_in(live) | col(Job.worker).is_(None))).all()
    stopped = _("The worker stopped while running this job.")
    given_up: list[tuple[str, dict[str, Any]]] = []
    if abandoned:
        running = (col(Job.id).in_(abandoned), col(Job.status) == JobStatus.RUNNING)
        # A job that kills its worker every time (memory, a hang) must not loop forever.
        given_up = [(kind, dict(payload)) for kind, payload in session.exec(
            update(Job).where(*running, col(Job.attempts) >= col(Job.max_attempts))
            .values(status=JobStatus.FAILED, worker=None, finished_at=utcnow(),
                    last_error=stopped).returning(Job.kind, Job.payload)).all()]
        session.exec(update(Job).where(*running)
                     .values(status=JobStatus.PENDING, worker=None, run_after=utcnow(),
                             last_error=stopped))
    overdue = session.exec(select(Job.id).where(
        col(Job.status) == JobStatus.PENDING, col(Job.run_after) < stale_before)).all()
    if overdue:  # handed over again at most once per stale period, however long the backlog
        session.exec(update(Job).where(col(Job.id).in_(overdue)).values(run_after=utcnow()))
    _give_up(session, given_up, stopped)
    session.commit()
    given_back = session.exec(select(Job.id).where(col(Job.id).in_(abandoned),
                                                   col(Job.status) == JobStatus.PENDING)).all()
    return sorted(set(given_back) | set(overdue))
