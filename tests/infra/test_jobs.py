"""Background jobs on the real queue: after commit only, once, retried, dead letters, health."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import AuditEvent, Job, WorkerBeat
from factcheck.states import JobStatus, Role
from factcheck.worker import Worker, hand_over, queue_of
from factcheck.workflow import jobs as job_flow

from ..helpers import login, post_form, run_jobs
from ..serving import free_port

RUNS: list[dict] = []
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A throw-away Redis server on 127.0.0.1 (Debian's redis-server), for the queue."""
    if not Path(REDIS_SERVER).exists():
        message = "redis-server not installed (apt-get install redis-server)"
        if os.environ.get("FACTCHECK_REQUIRE_REDIS") == "1":
            pytest.fail(message + "; FACTCHECK_REQUIRE_REDIS=1 requires it")
        pytest.skip(message)
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def kinds() -> Iterator[dict[str, int]]:
    """Test job kinds: `test.record` records its payload; `test.flaky` fails `fail` times
    first; `test.broken` always fails."""
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def record(_session, payload):
        with lock:
            RUNS.append(payload)
        return {"seen": payload["n"]}

    def flaky(_session, payload):
        with lock:
            failures[payload["name"]] = failures.get(payload["name"], 0) + 1
            if failures[payload["name"]] <= payload["fail"]:
                raise ConnectionError(f"try {failures[payload['name']]} refused")
        return {"tries": failures[payload["name"]]}

    def broken(_session, _payload):
        raise RuntimeError("the mail server said no")

    for kind, function in (("test.record", record), ("test.flaky", flaky),
                           ("test.broken", broken)):
        job_flow.handler(kind)(function)
    RUNS.clear()
    yield failures
    for kind in ("test.record", "test.flaky", "test.broken"):
        job_flow.HANDLERS.pop(kind)


def _job(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _wait(app, job_id: int, status: JobStatus, timeout: float = 20) -> Job:
    deadline = time.monotonic() + timeout
    while (job := _job(app, job_id)).status != status:
        assert time.monotonic() < deadline, (job.status, job.last_error)
        time.sleep(0.05)
    return job


def _enqueue(app, kind: str, payload: dict, **options) -> int:
    with app.app_context():
        job = job_flow.enqueue(db.session, kind, payload, **options)
        db.session.commit()
        return job.id


def test_a_job_is_handed_over_only_when_its_transaction_commits(app, kinds):
    with app.app_context():
        job_flow.enqueue(db.session, "test.record", {"n": 1})
        db.session.rollback()
    assert queue_of(app)[0].pending_count() == 0
    with app.app_context():
        assert db.session.exec(select(Job)).all() == []
    job_id = _enqueue(app, "test.record", {"n": 2})
    assert queue_of(app)[0].pending_count() == 1
    assert run_jobs(app) == 1
    done = _job(app, job_id)
    assert (done.status, done.attempts, done.result) == (JobStatus.DONE, 1, {"seen": 2})
    assert RUNS == [{"n": 2}]


def test_keyed_jobs_are_handed_over_only_when_the_whole_transaction_commits(app, kinds):
    """A keyed job is inserted in a savepoint; releasing it commits nothing, so nothing may
    reach the queue before the transaction does (a worker would find no job to run)."""
    with app.app_context():
        first = job_flow.enqueue(db.session, "test.record", {"n": 1}, key="first")
        second = job_flow.enqueue(db.session, "test.record", {"n": 2}, key="second")
        assert first is not None and second is not None
        assert queue_of(app)[0].pending_count() == 0
        db.session.commit()
    assert queue_of(app)[0].pending_count() == 2
    assert run_jobs(app) == 2
    assert sorted(RUNS, key=lambda run: run["n"]) == [{"n": 1}, {"n": 2}]


def test_a_savepoint_rolled_back_undoes_only_the_jobs_asked_for_inside_it(app, kinds):
    """A keyed job asked for twice rolls its savepoint back: the jobs the transaction asked
    for before it are still handed over, the ones asked for inside it are not."""
    with app.app_context():
        assert job_flow.enqueue(db.session, "test.record", {"n": 1}, key="once") is not None
        db.session.commit()
    assert run_jobs(app) == 1
    with app.app_context():
        job_flow.enqueue(db.session, "test.record", {"n": 2})
        assert job_flow.enqueue(db.session, "test.record", {"n": 3}, key="once") is None
        with pytest.raises(RuntimeError), db.session.begin_nested():
            job_flow.enqueue(db.session, "test.record", {"n": 4})
            raise RuntimeError("undone")
        db.session.commit()
    assert queue_of(app)[0].pending_count() == 1
    assert run_jobs(app) == 1
    assert RUNS == [{"n": 1}, {"n": 2}]


def test_a_job_handed_over_twice_runs_once(app, kinds):
    job_id = _enqueue(app, "test.record", {"n": 3})
    hand_over(app, [job_id])
    hand_over(app, [job_id])
    assert run_jobs(app) == 3
    assert RUNS == [{"n": 3}]


def test_a_key_is_enqueued_once(app, kinds):
    first = _enqueue(app, "test.record", {"n": 4}, key="mail:notification:9")
    with app.app_context():
        assert job_flow.enqueue(db.session, "test.record", {"n": 4},
                                key="mail:notification:9") is None
        db.session.commit()
        assert [j.id for j in db.session.exec(select(Job)).all()] == [first]


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_a_real_worker_retries_with_back_off_until_it_succeeds(make_app, kinds, monkeypatch,
                                                                request, storage):
    """On both queue storages: SQLite (one machine) and Redis (several)."""
    jobs_url = request.getfixturevalue("redis_url") if storage == "redis" else ""
    app = make_app(JOBS_URL=jobs_url)
    monkeypatch.setattr(job_flow, "FIRST_RETRY", timedelta(seconds=0.3))
    worker = Worker(app, threads=2, own_signals=False).start()
    try:
        job_id = _enqueue(app, "test.flaky", {"name": "a", "fail": 2})
        done = _wait(app, job_id, JobStatus.DONE)
    finally:
        worker.stop()
    assert done.attempts == 3 and done.result == {"tries": 3}
    assert done.finished_at - done.created_at >= timedelta(seconds=0.3 + 0.6)  # 0.3, then 0.6


def test_the_back_off_doubles_and_is_capped():
    delays = [job_flow.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 20)]
    assert delays == [10, 20, 40, 80, 3600]


def test_a_job_out_of_attempts_is_a_dead_letter_an_admin_can_retry(app, client, make_user,
                                                                   kinds):
    job_id = _enqueue(app, "test.broken", {}, max_attempts=2)
    with app.app_context():  # due at once, not after the back-off
        run_jobs(app)
        db.session.exec(update(Job).values(run_after=utcnow()))
        db.session.commit()
        hand_over(app, [job_id])
        run_jobs(app)
    failed = _job(app, job_id)
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 2)
    assert failed.last_error == "RuntimeError: the mail server said no"

    login(client, make_user(Role.ADMIN).email)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "the mail server said no" in page and "test.broken" in page
    assert "Retry" in page
    job_flow.handler("test.broken")(lambda _s, _p: {"sent": True})  # the server is back
    reply = post_form(client, f"/admin/jobs/{job_id}/retry", {}, page="/admin/jobs")
    assert reply.status_code == 302
    assert run_jobs(app) == 1
    done = _job(app, job_id)
    assert (done.status, done.result) == (JobStatus.DONE, {"sent": True})
    with app.app_context():
        assert db.session.exec(select(AuditEvent.action).where(
            AuditEvent.object_type == "jobs")).all() == ["job.retry"]
    again = post_form(client, f"/admin/jobs/{job_id}/retry", {}, page="/admin/jobs")
    assert "Only a failed job can be retried." in client.get(again.location).get_data(
        as_text=True)


@pytest.fixture
def given_up() -> Iterator[list[tuple[dict, str]]]:
    """`test.broken` jobs that fail for good record (payload, error) here; a payload with
    "explode" makes the recording itself fail."""
    recorded: list[tuple[dict, str]] = []

    def record(session, payload, error):
        if payload.get("explode"):
            raise RuntimeError("the subject's table is locked")
        recorded.append((payload, error))

    job_flow.on_give_up("test.broken")(record)
    yield recorded
    job_flow.GIVE_UP.pop("test.broken")


def test_a_job_that_fails_for_good_tells_its_subject_once(app, kinds, given_up):
    job_id = _enqueue(app, "test.broken", {"n": 1}, max_attempts=2)
    run_jobs(app)
    assert given_up == []  # a retry is still to come
    with app.app_context():
        db.session.exec(update(Job).values(run_after=utcnow()))
        db.session.commit()
    hand_over(app, [job_id])
    run_jobs(app)
    assert given_up == [({"n": 1}, "RuntimeError: the mail server said no")]
    # A worker killed on the last attempt: the subject learns why too.
    stopped_id = _enqueue(app, "test.broken", {"n": 2}, max_attempts=1)
    with app.app_context():
        job_flow.claim(db.session, stopped_id, worker="dead-host:3:abc")
        job_flow.recover_abandoned(db.session, stale_before=utcnow() + timedelta(seconds=5))
    assert given_up[1:] == [({"n": 2}, "The worker stopped while running this job.")]


def test_a_failure_to_tell_the_subject_leaves_the_job_failed(app, kinds, given_up, caplog):
    job_id = _enqueue(app, "test.broken", {"explode": True}, max_attempts=1)
    run_jobs(app)
    failed = _job(app, job_id)
    assert (failed.status, failed.last_error) == (JobStatus.FAILED,
                                                  "RuntimeError: the mail server said no")
    assert "recording the failure of a test.broken job on its subject failed" in caplog.text


def test_only_admins_see_the_jobs_page(app, client, make_user):
    login(client, make_user(Role.EDITOR).email)
    assert client.get("/admin/jobs").status_code == 403


def test_healthz_reports_the_queue_and_a_missing_worker(app, client, kinds):
    _enqueue(app, "test.record", {"n": 5})
    health = client.get("/healthz")
    assert health.status_code == 200
    jobs = health.json["jobs"]
    assert health.json["status"] == "degraded"
    assert jobs["pending"] == 1 and jobs["oldest_pending_seconds"] >= 0
    assert "no worker has ever been seen" in jobs["warning"]
    with app.app_context():
        db.session.add(WorkerBeat(name="w1", seen_at=utcnow() - timedelta(minutes=7)))
        db.session.commit()
    jobs = client.get("/healthz").json["jobs"]
    assert "no worker has been seen for 7 minutes" in jobs["warning"]
    assert jobs["worker_last_seen_seconds"] >= 420
    worker = Worker(app, threads=1, own_signals=False).start()
    try:
        deadline = time.monotonic() + 20
        while (body := client.get("/healthz").json)["jobs"]["pending"]:
            assert time.monotonic() < deadline, body
            time.sleep(0.05)
    finally:
        worker.stop()
    assert body["status"] == "ok" and "warning" not in body["jobs"]


def test_a_worker_gives_back_the_jobs_of_a_dead_worker(app, kinds):
    """The running job of a worker that stopped beating is run again by a live one."""
    app.config.update(JOBS_STALE_SECONDS=1, JOBS_HEARTBEAT_SECONDS=0.2)
    job_id = _enqueue(app, "test.record", {"n": 6})
    with app.app_context():  # a worker took it, then died without a word
        assert job_flow.claim(db.session, job_id, worker="dead-host:1:abc") is not None
        db.session.add(WorkerBeat(name="dead-host:1:abc", seen_at=utcnow()))
        db.session.commit()
    queue_of(app)[0].flush()  # its message went with it
    worker = Worker(app, threads=1, own_signals=False).start()
    try:
        done = _wait(app, job_id, JobStatus.DONE)
    finally:
        worker.stop()
    assert done.attempts == 2 and RUNS == [{"n": 6}]



def test_a_job_that_kills_its_worker_every_time_ends_failed(app, kinds):
    app.config.update(JOBS_STALE_SECONDS=1, JOBS_HEARTBEAT_SECONDS=0.2)
    job_id = _enqueue(app, "test.record", {"n": 7}, max_attempts=1)
    with app.app_context():
        job_flow.claim(db.session, job_id, worker="dead-host:2:abc")
        given_back = job_flow.recover_abandoned(
            db.session, stale_before=utcnow() + timedelta(seconds=5))
    assert given_back == []
    failed = _job(app, job_id)
    assert failed.status == JobStatus.FAILED
    assert failed.last_error == "The worker stopped while running this job."
