"""`factcheck worker` as its own process: killed with SIGKILL mid-job, it loses nothing."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Job, User
from factcheck.states import JobStatus, Role
from factcheck.workflow.url_imports import request_url_import

from ..serving import FACTCHECK, server_env

PAGE = (b"<html><body><article><h1>Jobs</h1><p>" + b"Unemployment fell by 4 percent. " * 20
        + b"</p></article></body></html>")


class _HangsFirst(BaseHTTPRequestHandler):
    """Hangs on the first request until released; answers the next ones at once."""

    calls: list[float] = []
    first_arrived = threading.Event()
    release = threading.Event()

    def do_GET(self):
        self.calls.append(time.time())
        if len(self.calls) == 1:
            self.first_arrived.set()
            self.release.wait(60)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def _job(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _worker(tmp_path, database_url: str, jobs_url: str) -> subprocess.Popen:
    env = server_env(tmp_path / "instance", database_url, {
        "FACTCHECK_JOBS_URL": jobs_url, "FACTCHECK_JOBS_STALE_SECONDS": "1",
        "FACTCHECK_JOBS_HEARTBEAT_SECONDS": "0.2"})
    with (tmp_path / "worker.log").open("a") as log:
        return subprocess.Popen([str(FACTCHECK), "worker", "--threads", "1"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def test_a_worker_killed_mid_job_loses_nothing_the_job_runs_when_it_restarts(
        database_url, make_app, make_user, tmp_path):
    jobs_url = f"sqlite:///{tmp_path / 'jobs.sqlite'}"
    app = make_app(JOBS_URL=jobs_url)
    editor = make_user(Role.EDITOR)
    _HangsFirst.calls = []
    _HangsFirst.first_arrived.clear()
    _HangsFirst.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HangsFirst)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with app.app_context():
            job = request_url_import(
                db.session, actor=db.session.get(User, editor.id),
                url=f"http://127.0.0.1:{server.server_port}/story", metadata={"title": "Jobs"},
                fetch_options={"max_bytes": 100_000, "timeout": 60, "allow_loopback": True,
                               "allow_private": False}, max_bytes=1_000_000)
            db.session.commit()
            job_id = job.id
        first = _worker(tmp_path, database_url, jobs_url)
        try:
            assert _HangsFirst.first_arrived.wait(30), (tmp_path / "worker.log").read_text()
            assert _job(app, job_id).status == JobStatus.RUNNING
            # The web goes on writing while the job waits for its page (before the fix, the
            # worker held SQLite's write lock for the whole fetch: "database is locked").
            make_user(Role.REVIEWER)
        finally:
            first.kill()  # SIGKILL: nothing is put back, the job row still says running
            first.wait(10)
        assert _job(app, job_id).status == JobStatus.RUNNING
        second = _worker(tmp_path, database_url, jobs_url)
        try:
            deadline = time.monotonic() + 30
            while (done := _job(app, job_id)).status != JobStatus.DONE:
                assert time.monotonic() < deadline, (done.status, done.last_error)
                time.sleep(0.05)
        finally:
            second.send_signal(signal.SIGTERM)  # finishes what it runs, then exits
            assert second.wait(20) == 0, (tmp_path / "worker.log").read_text()
    finally:
        _HangsFirst.release.set()
        server.shutdown()
        server.server_close()
    assert done.attempts == 2 and len(_HangsFirst.calls) == 2
    with app.app_context():
        articles = db.session.exec(select(Article)).all()
        assert [a.id for a in articles] == [done.result["article_id"]]
        assert "Unemployment fell by 4 percent." in articles[0].body
