"""Verdict page throughput against /healthz, in one run against one `factcheck serve`.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/verdict_page.py [--seconds 5] [--connections 8] [--workers 2]

Builds a published check of 50 claims with 200 evidence items in a temporary SQLite
instance, serves it with `factcheck serve` (gunicorn), and measures requests per second
for /healthz (the baseline), the full verdict page, and conditional requests answered 304.
The figures that matter are the ratios to /healthz, measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_check(instance: Path) -> str:
    """Create and publish the 50-claim, 200-evidence check; returns its slug."""
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    sys.path.insert(0, str(ROOT))
    from sqlmodel import select

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.infra.migrate import upgrade
    from factcheck.models import Claim, Decision, Evidence, RatingLabel
    from factcheck.states import ClaimStatus, Role
    from factcheck.workflow.accounts import create_user
    from factcheck.workflow.articles import create_article
    from factcheck.workflow.publishing import publish_article
    from factcheck.workflow.scale_presets import seed_rating_scales

    app = create_app()
    upgrade(app)
    with app.app_context():
        seed_rating_scales(db.session)
        editor = create_user(db.session, email="bench@example.org", display_name="Bench",
                             role=Role.EDITOR, password="a long desk passphrase 1", actor=None)  # noqa: S106
        sentences = [f"In {2000 + n} the ministry reported {n * 3} new schools in district {n}."
                     for n in range(50)]
        article = create_article(db.session, title="Benchmark check", body=" ".join(sentences),
                                 actor=editor)
        labels = db.session.exec(select(RatingLabel).where(
            RatingLabel.value.is_not(None))).all()
        offset = 0
        for n, sentence in enumerate(sentences):
            claim = Claim(article_id=article.id, position=n, start=offset,
                          end=offset + len(sentence), text=sentence,
                          status=ClaimStatus.DECIDED)
            offset += len(sentence) + 1
            db.session.add(claim)
            db.session.flush()
            db.session.add(Decision(claim_id=claim.id, editor_id=editor.id,
                                    rating_id=labels[n % len(labels)].id,
                                    summary=f"The records for {2000 + n} show it."))
            for e in range(4):
                db.session.add(Evidence(claim_id=claim.id, url=f"https://e.example.org/{n}/{e}",
                                        title=f"Report {n}.{e}", publisher="Ministry",
                                        quote="A quote long enough to be realistic. " * 3,
                                        stance="supports"))
        db.session.flush()
        publish_article(db.session, article=article, editor=editor, include_open=False)
        db.session.commit()
        slug = article.slug
    db.dispose(app)
    return slug


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, path: str, seconds: float, connections: int,
         headers: dict[str, str] | None = None) -> tuple[float, set[int]]:
    """Requests per second for `path` over keep-alive connections, and the statuses seen."""
    counts, statuses = [0] * connections, set()
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            statuses.add(response.status)
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - start), statuses


def main() -> None:
    """Build, serve, measure, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "instance"
        slug = build_check(instance)
        port = free_port()
        env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(instance)}
        server = subprocess.Popen(  # noqa: S603 (the access log would cost the server time)
            [str(Path(sys.executable).with_name("factcheck")), "serve", "--workers",
             str(args.workers), "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            page = f"/checks/{slug}"
            conn = http.client.HTTPConnection("127.0.0.1", port)
            conn.request("GET", page)
            first = conn.getresponse()
            body, etag = first.read(), first.getheader("ETag")
            conn.close()
            load(port, page, 1, args.connections)  # warm every worker's page cache
            results = {
                "/healthz": load(port, "/healthz", args.seconds, args.connections),
                "verdict page (200)": load(port, page, args.seconds, args.connections),
                "verdict page (304)": load(port, page, args.seconds, args.connections,
                                           {"If-None-Match": etag}),
            }
        finally:
            server.terminate()
            server.wait(30)
    base = results["/healthz"][0]
    print(f"verdict page: {len(body) / 1024:.0f} KiB, 50 claims, 200 evidence items; "
          f"factcheck serve, {args.workers} workers, {args.connections} connections, "
          f"{args.seconds:.0f} s each")
    for name, (rate, statuses) in results.items():
        print(f"  {name:<20} {rate:8.0f} req/s  {rate / base:5.2f}x /healthz  "
              f"statuses {sorted(statuses)}")


if __name__ == "__main__":
    main()
