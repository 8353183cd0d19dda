"""Preserved copies of evidence pages: captures a second with 20 concurrent capture jobs,
and how much the database grows per captured page, with the copies kept in the database
(the default) and in a directory.

    .venv/bin/python bench/archive.py [--pages 100] [--threads 20] [--kb 60]

Everything is real and local: a web server on 127.0.0.1 serving `--pages` distinct HTML
pages of about `--kb` KB (shaped like news pages: the demo article in a page of
navigation, markup and inline script, no two bodies alike), a fresh SQLite database per
storage in a temporary directory, and the job worker (`factcheck.worker.Worker`,
`--threads` threads) in this process running the real capture jobs (guarded fetch, WARC,
text extraction, quote search, storage).

For each storage (the database; `file://` a directory):

1. **Captures a second**: one evidence item per page, their capture jobs enqueued in one
   transaction; pages a second from that commit until no capture is pending. The baseline
   is a plain fetch of the same pages by `--threads` threads (http.client, the body read
   and dropped; five passes), measured in the same run, before and after.
2. **Database growth per captured page**: bytes of the SQLite file (after a WAL
   checkpoint) added per page by the captures (the evidence rows were added before, and
   their own growth is printed apart); as a multiple of the body fetched (the plain
   fetch's bytes). For the directory, the bytes it holds per page as well.
3. **Captured again**: every page captured a second time, unchanged: growth per page
   (the directory keeps each body once; the database keeps a second WARC file).

The run takes well under two minutes on two CPUs.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import multiprocessing
import os
import random
import sqlite3
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.infra.migrate import upgrade  # noqa: E402
from factcheck.intake.capture import page_text  # noqa: E402
from factcheck.models import Claim, Evidence, EvidenceCapture, Job  # noqa: E402
from factcheck.states import CaptureStatus, ClaimStatus, JobStatus  # noqa: E402
from factcheck.worker import Worker  # noqa: E402
from factcheck.workflow.articles import import_article  # noqa: E402
from factcheck.workflow.captures import request_capture  # noqa: E402

DEMO = (ROOT / "factcheck" / "data" / "national-consensus.txt").read_text(encoding="utf-8")
QUOTE_WORDS = 12  # the quote is the first words of a paragraph of the page


def pages(n: int, kb: int) -> dict[str, bytes]:
    """`n` distinct HTML pages of about `kb` KB, shaped like news pages: the article (the
    demo text and a paragraph of its own) is a fifth of the page, the rest is markup,
    inline script and navigation (words drawn per page, so no two bodies are alike and
    they compress about as real pages do)."""
    words = sorted(set(DEMO.lower().split()))
    made = {}
    for i in range(n):
        rng = random.Random(i)  # noqa: S311 (test pages, the same in every run)

        def some(count: int, rng=rng) -> str:
            return " ".join(rng.choice(words) for _ in range(count))

        article = "".join(f"<p>{p.strip()}</p>\n" for p in DEMO.split("\n") if p.strip())
        article += f"<p>{some(120)}</p>\n"
        chrome = ""
        while len(chrome) + len(article) < kb * 1024:
            token = rng.getrandbits(64)
            chrome += (f'<li class="nav-item n{token:x}"><a href="/section/{token:x}">'
                       f"{some(3)}</a></li>\n<script>track('{token:x}', {rng.random():.6f}, "
                       f'"{some(2)}");</script>\n')
        made[f"/page/{i}"] = (
            f"<!doctype html><html><head><title>Report {i}</title></head><body>"
            f"<nav><ul>{chrome}</ul></nav><article><h1>Report number {i}</h1>\n{article}"
            "</article><footer>The statistics office</footer></body></html>").encode()
    return made


def _serve(served: dict[str, bytes], port: multiprocessing.Queue) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            body = body or b"missing"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        # The default backlog of 5 makes 20 clients connecting at once wait a second for
        # a SYN retransmit: that would be the server's figure, not ours.
        request_queue_size = 128
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    port.put(server.server_port)
    server.serve_forever()


class Site:
    """The pages on a threading web server on 127.0.0.1, in a process of its own (in this
    one it would compete for the interpreter lock with what it measures)."""

    def __init__(self, served: dict[str, bytes]) -> None:
        context = multiprocessing.get_context("fork")
        port = context.Queue()
        self.process = context.Process(target=_serve, args=(served, port), daemon=True)
        self.process.start()
        self.port = port.get(timeout=30)
        self.base = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.process.terminate()
        self.process.join()


def plain_fetches(site: Site, paths: list[str], threads: int) -> tuple[float, int]:
    """(pages a second, bytes) fetching every path once with `threads` threads."""
    port = site.port

    def fetch(path: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            conn.request("GET", path, headers={"Connection": "close"})
            return len(conn.getresponse().read())
        finally:
            conn.close()

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        sizes = list(pool.map(fetch, paths))
    return len(paths) / (time.perf_counter() - started), sum(sizes)


def make_app(workdir: Path, storage: str, threads: int):
    instance = workdir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
                      "SECRET_KEY": "bench-" + "k" * 40, "ARCHIVE_STORAGE": storage,
                      "URL_IMPORT_ALLOW_LOOPBACK": True, "JOBS_THREADS": threads})
    with app.app_context():
        upgrade(app)
    return app


def database_bytes(app) -> int:
    """Bytes of the SQLite file in use (pages less free pages), after a WAL checkpoint."""
    db.dispose(app)
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (size,) = conn.execute("SELECT (page_count - freelist_count) * page_size "
                               "FROM pragma_page_count(), pragma_freelist_count(), "
                               "pragma_page_size()").fetchone()
    conn.close()
    return size


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def add_evidence(app, site: Site, paths: list[str], quote: str, title: str) -> list[int]:
    """One evidence item per page on one claim, without captures; their ids."""
    with app.app_context():
        article = import_article(db.session, title=title, body=DEMO[:2000], actor=None)
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        claim.status = ClaimStatus.SELECTED
        items = [Evidence(claim_id=claim.id, url=site.base + path, title=f"Report {i}",
                          quote=quote) for i, path in enumerate(paths)]
        db.session.add_all(items)
        db.session.commit()
        return [item.id for item in items]


def capture_all(app, evidence_ids: list[int]) -> float:
    """Captures a second: every item's capture enqueued in one commit, until none pends."""
    with app.app_context():
        for evidence_id in evidence_ids:
            request_capture(db.session, evidence=db.session.get(Evidence, evidence_id),
                            actor=None)
        started = time.perf_counter()
        db.session.commit()
        deadline = time.monotonic() + 300
        while True:
            pending = db.session.exec(select(func.count()).select_from(EvidenceCapture).where(
                EvidenceCapture.status == CaptureStatus.PENDING)).one()
            db.session.commit()
            if pending == 0:
                took = time.perf_counter() - started
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"{pending} captures still pending after 300 s")
            time.sleep(0.02)
        statuses = db.session.exec(select(EvidenceCapture.status, func.count())
                                   .group_by(EvidenceCapture.status)).all()
        failed_jobs = db.session.exec(select(func.count()).select_from(Job).where(
            Job.status == JobStatus.FAILED)).one()
        if dict(statuses).keys() != {CaptureStatus.PRESERVED} or failed_jobs:
            raise SystemExit(f"not every page was preserved: {statuses}, {failed_jobs} "
                             "failed jobs")
    return len(evidence_ids) / took


def measure(label: str, storage_of, site: Site, paths: list[str], quote: str, args,
            body_bytes: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        workdir = Path(tmp)
        storage = storage_of(workdir)
        app = make_app(workdir, storage, args.threads)
        ids = add_evidence(app, site, paths, quote, "Captured")
        # The evidence rows themselves are not the copies: measured before, and again with
        # as many rows without captures, so only the captures' growth is counted.
        before = database_bytes(app)
        add_evidence(app, site, paths, quote, "Rows only")
        rows_only = database_bytes(app) - before
        before = database_bytes(app)
        worker = Worker(app, threads=args.threads, own_signals=False).start()
        try:
            rate = capture_all(app, ids)
            first = database_bytes(app) - before
            stored_first = directory_bytes(workdir / "archive")
            again_rate = capture_all(app, ids)
            second = database_bytes(app) - before - first
            stored_second = directory_bytes(workdir / "archive") - stored_first
        finally:
            worker.stop()
        n = len(paths)
        return {"label": label, "rate": rate, "again_rate": again_rate,
                "db_per_page": first / n, "db_again_per_page": second / n,
                "dir_per_page": stored_first / n, "dir_again_per_page": stored_second / n,
                "rows_only_per_page": rows_only / n, "body_per_page": body_bytes / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--kb", type=int, default=60)
    args = parser.parse_args()
    served = pages(args.pages, args.kb)
    paths = sorted(served)
    first_paragraph = next(p for p in DEMO.split("\n") if len(p.split()) > QUOTE_WORDS)
    quote = " ".join(first_paragraph.split()[:QUOTE_WORDS])
    site = Site(served)
    try:
        body_bytes = sum(len(body) for body in served.values())
        plain_fetches(site, paths[:20], args.threads)  # warm-up
        # Five passes: one is over too fast to time well.
        baseline, _bytes = plain_fetches(site, paths * 5, args.threads)
        results = [
            measure("database (default)", lambda _w: "", site, paths, quote, args, body_bytes),
            measure("directory (file://)", lambda w: (w / "archive").as_uri(), site, paths,
                    quote, args, body_bytes),
        ]
        again_baseline, _bytes = plain_fetches(site, paths * 5, args.threads)
    finally:
        site.close()
    body = body_bytes / len(paths)
    # What one capture spends most of its time on: the main text of the page (trafilatura).
    started = time.perf_counter()
    for path in paths[:20]:
        page_text(served[path], "text/html", "utf-8", "http://127.0.0.1/")
    extraction = min(20, len(paths)) / (time.perf_counter() - started)
    print(f"{len(paths)} pages of {body / 1024:.1f} KB, {args.threads} concurrent jobs; "
          f"plain fetch: {baseline:.0f} pages/s (again at the end: {again_baseline:.0f}/s)")
    print(f"text extraction alone, one thread: {extraction:.1f} pages/s")
    print(f"evidence rows alone (not counted below): {results[0]['rows_only_per_page']:.0f} "
          "bytes/page")
    for r in results:
        print(f"\n{r['label']}")
        print(f"  captures/s: {r['rate']:.1f} = {r['rate'] / baseline:.3f} x plain fetch; "
              f"captured again: {r['again_rate']:.1f}/s")
        print(f"  database growth: {r['db_per_page']:.0f} bytes/page = "
              f"{r['db_per_page'] / body:.2f} x the body; captured again: "
              f"{r['db_again_per_page']:.0f} bytes/page")
        if r["dir_per_page"]:
            print(f"  directory: {r['dir_per_page']:.0f} bytes/page = "
                  f"{r['dir_per_page'] / body:.2f} x the body; captured again: "
                  f"{r['dir_again_per_page']:.0f} bytes/page")


if __name__ == "__main__":
    main()
