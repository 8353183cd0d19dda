"""The task queue (huey) that carries job ids to workers, and the worker that runs them.

Huey's storage is a SQLite file in `instance/` by default, or Redis when
`FACTCHECK_JOBS_URL=redis://...` (several servers share one queue). It only carries job
ids: the job itself, its attempts and its errors live in the `jobs` table
(factcheck/workflow/jobs.py), so nothing is lost when a worker or the queue dies; a
heartbeat thread in each worker records that it is alive and gives back the jobs of
workers that are not.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.consumer import Consumer

from .dbtypes import utcnow
from .extensions import db
from .states import JobStatus
from .workflow import jobs as job_flow
from .workflow import link_health as _link_health  # noqa: F401 (registers its weekly job)
from .workflow import reminders as _reminders  # noqa: F401 (registers its daily job)
from .workflow import retention as _retention  # noqa: F401 (registers its daily job)

_QUEUE_KEY = "factcheck.queue"
_CREATING = threading.Lock()

log = logging.getLogger(__name__)


def init_queue(_app: Flask) -> None:
    """Hand every job to its app's queue once the transaction that asked for it commits."""
    # The hook is shared by every app of the process (tests make many): the session that
    # commits belongs to the current app, whose queue must get the jobs.
    db.after_commit(job_flow.ENQUEUED,
                    lambda ids: hand_over(current_app._get_current_object(), ids))


def queue_of(app: Flask) -> tuple[Huey, TaskWrapper]:
    """The app's queue and its one task, created on first use (most commands need neither)."""
    with _CREATING:
        if _QUEUE_KEY not in app.extensions:
            app.extensions[_QUEUE_KEY] = _make_queue(app)
        return app.extensions[_QUEUE_KEY]


def _make_queue(app: Flask) -> tuple[Huey, TaskWrapper]:
    url = app.config["JOBS_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        queue: Huey = RedisHuey("factcheck", url=url, results=False)
    else:
        path = Path(url.removeprefix("sqlite:///") if url else
                    Path(app.instance_path) / "jobs.sqlite")
        path.parent.mkdir(parents=True, exist_ok=True)
        queue = SqliteHuey("factcheck", filename=str(path), results=False)

    def run_job(job_id: int) -> None:
        with app.app_context():
            _run_one(app, job_id)

    return queue, queue.task(name="run_job")(run_job)


def hand_over(app: Flask, job_ids: set[int] | list[int]) -> None:
    """Put these committed jobs on the queue; a failure here only delays them."""
    for job_id in sorted(job_ids):
        try:
            queue_of(app)[1](job_id)
        except Exception:  # (the queue down: the heartbeat hands it over later)
            log.warning("could not hand job %s to the queue; a worker will find it later",
                        job_id, exc_info=True)


def _run_one(app: Flask, job_id: int) -> None:
    session = db.session
    job = job_flow.claim(session, job_id, worker=worker_name())
    if job is None:
        return  # done, taken by another worker, or not due yet
    job_flow.run(session, job)
    if job.status == JobStatus.PENDING:  # failed, with attempts left: try again later
        delay = max((job.run_after - utcnow()).total_seconds(), 0)
        queue_of(app)[1].schedule(args=(job_id,), delay=delay)


_NAME = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def worker_name() -> str:
    """This process's name among the workers (host, pid and a nonce for reused pids)."""
    return _NAME


class _QuietConsumer(Consumer):
    # Inside `factcheck run` and `demo` the web server owns the signals (Ctrl+C).
    def _set_signal_handlers(self) -> None:
        pass


class Worker:
    """A huey consumer with threads, plus the heartbeat that recovers abandoned jobs."""

    def __init__(self, app: Flask, *, threads: int = 2, own_signals: bool = True) -> None:
        self.app = app
        queue, _task = queue_of(app)
        consumer_class = Consumer if own_signals else _QuietConsumer
        self.consumer = consumer_class(queue, workers=threads, worker_type="thread",
                                       initial_delay=0.05, backoff=1.5, max_delay=1.0,
                                       check_worker_health=own_signals,
                                       # systemd stops with SIGTERM: finish running jobs.
                                       graceful_signal="TERM")
        self._stop = threading.Event()
        self._heart = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)

    def run(self) -> None:
        """Run until SIGINT or SIGTERM (the `factcheck worker` command)."""
        self._heart.start()
        try:
            self.consumer.run()
        finally:
            self._stop.set()

    def start(self) -> Worker:
        """Run in background threads of this process (beside `factcheck run` or `demo`)."""
        self._heart.start()
        self.consumer.start()
        return self

    def stop(self) -> None:
        """Finish the jobs being run and stop."""
        self._stop.set()
        self.consumer.stop(graceful=True)
        self._heart.join(timeout=10)

    def _beat(self) -> None:
        cfg = self.app.config
        interval = float(cfg["JOBS_HEARTBEAT_SECONDS"])
        stale = timedelta(seconds=float(cfg["JOBS_STALE_SECONDS"]))
        while True:
            try:
                with self.app.app_context():
                    job_flow.beat(db.session, worker=worker_name())
                    given_back = job_flow.recover_abandoned(
                        db.session, stale_before=utcnow() - stale)
                if given_back:
                    log.info("handing %d abandoned or overdue jobs to the queue again",
                             len(given_back))
                    hand_over(self.app, given_back)
                # Once a day per kind, whichever worker beats first (keyed jobs); after the
                # recovery, so that a failure here never holds that up.
                with self.app.app_context():
                    job_flow.enqueue_due_daily(db.session, now=utcnow(), settings=cfg)
                    db.session.commit()
            except Exception:  # (a database outage must not kill the heartbeat)
                log.warning("job heartbeat failed", exc_info=True)
            if self._stop.wait(interval):
                return
