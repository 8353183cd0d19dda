"""Background jobs: how long a notification takes from commit to the SMTP server, and how
many jobs a second the queue runs, on huey's SQLite storage and on Redis.

    .venv/bin/python bench/jobs.py [--events 100] [--jobs 400] [--gap 0.2] [--no-redis]

Everything is real and local: a fresh SQLite database in a temporary directory, the app
with mail sent to an SMTP server on 127.0.0.1 (aiosmtpd, a dev dependency), and a job
worker (`factcheck.worker.Worker`, two threads) in this process; for Redis, a throw-away
Debian `redis-server` on a free port (skipped when it is not installed).

1. **Latency**: `--events` notifications, one per transaction, `--gap` seconds apart (a
   desk's pace, so the worker is idle between them as it would be); each latency runs
   from the commit to the moment the SMTP server has the whole message. Median, 90th
   percentile and maximum; the baseline is sending the same kind of message straight to
   the server from this thread (no queue), measured in the same run.
2. **Throughput**: `--jobs` jobs that do nothing, enqueued in one transaction; jobs per
   second from that commit until every job row is done. The baseline is claiming and
   running the same jobs one by one in this thread, without the queue.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.infra.mail import build_message, mail_settings, send_message  # noqa: E402
from factcheck.infra.migrate import upgrade  # noqa: E402
from factcheck.models import Job, User  # noqa: E402
from factcheck.states import JobStatus, NotificationKind, Role  # noqa: E402
from factcheck.worker import Worker  # noqa: E402
from factcheck.workflow import jobs as job_flow  # noqa: E402
from factcheck.workflow.accounts import create_user  # noqa: E402
from factcheck.workflow.notifications import notify  # noqa: E402

NOOP = "bench.noop"
job_flow.handler(NOOP)(lambda _session, _payload: None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Receipts:
    """SMTP handler noting when each message (by Message-ID) arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope) -> str:
        now = time.perf_counter()
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                with self.lock:
                    self.arrived[line.split(":", 1)[1].strip()] = now
                break
        return "250 OK"


def make_app(workdir: Path, smtp_port: int, jobs_url: str):
    instance = workdir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
                      "SECRET_KEY": "bench-" + "k" * 40, "JOBS_URL": jobs_url,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
                      "MAIL_DEFAULT_SENDER": "desk@bench.example"})
    with app.app_context():
        upgrade(app)
        if db.session.exec(select(User)).first() is None:
            create_user(db.session, email="reviewer@bench.example", display_name="Reviewer",
                        role=Role.REVIEWER, password=None, actor=None)
            db.session.commit()
    return app


def direct_sends(app, port: int, receipts: Receipts, n: int) -> list[float]:
    """Seconds to hand a message straight to the SMTP server, `n` times (the baseline)."""
    settings = mail_settings(app.config)
    took = []
    for i in range(n):
        message = build_message(settings=settings, sender_name="Desk", to="r@bench.example",
                                subject="Direct", text="Hello.", html="<p>Hello.</p>",
                                message_id=f"direct-{port}-{i}")
        started = time.perf_counter()
        send_message(settings, message)
        took.append(time.perf_counter() - started)
    return took


def latencies(app, receipts: Receipts, events: int, gap: float) -> list[float]:
    """Commit-to-SMTP seconds of `events` notifications, one per transaction."""
    committed: dict[str, float] = {}
    with app.app_context():
        user = db.session.exec(select(User)).first()
        for _ in range(events):
            notify(db.session, users=[user], kind=NotificationKind.REPORT, actor=None)
            ids = list(db.session.info.get("notified_ids", []))
            db.session.commit()
            committed[f"<notification-{ids[-1]}@bench.example>"] = time.perf_counter()
            time.sleep(gap)
    deadline = time.monotonic() + 120
    while not all(m in receipts.arrived for m in committed):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {sum(m in receipts.arrived for m in committed)} of "
                             f"{events} mails arrived")
        time.sleep(0.02)
    return [receipts.arrived[m] - at for m, at in committed.items()]


def queue_throughput(app, n: int) -> float:
    """Jobs a second: `n` no-op jobs from one commit until all are done."""
    with app.app_context():
        for _ in range(n):
            job_flow.enqueue(db.session, NOOP, {})
        started = time.perf_counter()
        db.session.commit()
        while True:
            left = db.session.exec(select(func.count()).select_from(Job).where(
                Job.kind == NOOP, Job.status != JobStatus.DONE)).one()
            db.session.commit()
            if left == 0:
                return n / (time.perf_counter() - started)
            time.sleep(0.01)


def inline_throughput(app, n: int) -> float:
    """Jobs a second claiming and running `n` no-op jobs in this thread (no queue)."""
    with app.app_context():
        jobs = [job_flow.enqueue(db.session, NOOP, {}) for _ in range(n)]
        ids = [job.id for job in jobs]
        db.session.info.pop(job_flow.ENQUEUED, None)  # not handed to the queue
        db.session.commit()
        started = time.perf_counter()
        for job_id in ids:
            job = job_flow.claim(db.session, job_id, worker="bench")
            job_flow.run(db.session, job)
        return n / (time.perf_counter() - started)


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str] | None:
    server = shutil.which("redis-server")
    if server is None:
        return None
    port = free_port()
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(workdir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL,  # noqa: S603 (our arguments)
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                return None
            time.sleep(0.05)


def measure(label: str, workdir: Path, jobs_url: str, args) -> None:
    receipts = Receipts()
    port = free_port()
    controller = Controller(receipts, hostname="127.0.0.1", port=port)
    controller.start()
    app = make_app(workdir, port, jobs_url)
    try:
        direct = statistics.median(direct_sends(app, port, receipts, 20))
        inline = inline_throughput(app, args.jobs)
        worker = Worker(app, threads=2, own_signals=False).start()
        try:
            took = sorted(latencies(app, receipts, args.events, args.gap))
            queued = queue_throughput(app, args.jobs)
        finally:
            worker.stop()
    finally:
        controller.stop()
    median = statistics.median(took)
    p90 = took[int(0.9 * (len(took) - 1))]
    print(f"{label}:")
    print(f"  latency commit → SMTP, {len(took)} events {args.gap:g} s apart: median "
          f"{median * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, max {took[-1] * 1000:.0f} ms "
          f"({median / direct:.1f}x a direct SMTP send of {direct * 1000:.1f} ms)")
    print(f"  throughput, {args.jobs} no-op jobs: {queued:.0f} jobs/s through the queue, "
          f"{inline:.0f} jobs/s claimed and run inline ({queued / inline:.2f}x inline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--gap", type=float, default=0.2)
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("huey on SQLite (the embedded default)", Path(tmp) / "sqlite", "", args)
        if args.no_redis:
            return
        started = start_redis(Path(tmp))
        if started is None:
            print("Redis: redis-server not installed (apt-get install redis-server); skipped")
            return
        process, url = started
        try:
            measure("huey on Redis", Path(tmp) / "redis", url, args)
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
