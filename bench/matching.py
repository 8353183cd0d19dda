"""Claim matching latency on an archive of 100,000 imported checks.

    .venv/bin/python bench/matching.py [--checks 100000] [--queries 300]

Fills an empty SQLite database with N imported checks (the 10,375 CheckThat! 2020
verified claims and their titles, cycled with a varying number and place name, so the
vocabulary grows as a real archive's does), then calls `find_matches` as the API does:
the first call builds the process's index (reported apart), the next ones reuse it. The
queries are the CheckThat! dev tweets. Reports p50/p95/max per query, and the time to
rebuild the index after one more import (what the first search after an import pays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from claim_matching_eval import DATA, load

from factcheck import create_app
from factcheck.extensions import db
from factcheck.infra.migrate import upgrade
from factcheck.intake.claimreview_feed import ClaimReviewRecord
from factcheck.queries.matching import find_matches
from factcheck.workflow.imported_checks import save_imported_checks

PLACES = ("Kabul", "Herat", "Lagos", "Ohio", "Manila", "Lima", "Oslo", "Pune", "Accra")


def records(n: int, claims: list[str], titles: list[str]):
    for i in range(n):
        k = i % len(claims)
        round_ = i // len(claims)
        suffix = f" in {PLACES[round_ % len(PLACES)]} {2000 + round_}" if round_ else ""
        yield ClaimReviewRecord(
            url=f"https://checks.example.net/{i}", claim_reviewed=claims[k] + suffix,
            headline=titles[k], rating="False", rating_value=None, rating_best=None,
            rating_worst=None, publisher="Example", published=None, claimant="",
            language="en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    _ids, claims, titles, queries, _rel = load(DATA, "dev")
    work = Path(tempfile.mkdtemp(prefix="bench-matching-"))
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(work / "instance")
    app = create_app({"DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}",
                      "SECRET_KEY": "bench-" + "0" * 40})
    upgrade(app)
    texts = list(queries.values())
    texts = (texts * (args.queries // len(texts) + 1))[:args.queries]
    with app.app_context():
        batch = []
        for record in records(args.checks, claims, titles):
            batch.append(record)
            if len(batch) == 5000:
                save_imported_checks(db.session, records=batch)
                db.session.commit()
                batch = []
        save_imported_checks(db.session, records=batch)
        db.session.commit()
        started = time.perf_counter()
        find_matches(db.session, text=texts[0], limit=5)
        build = time.perf_counter() - started
        times = []
        for text in texts:
            started = time.perf_counter()
            find_matches(db.session, text=text, limit=5)
            times.append((time.perf_counter() - started) * 1000)
        save_imported_checks(db.session, records=list(records(1, ["One more claim"], ["t"])))
        db.session.commit()
        started = time.perf_counter()
        find_matches(db.session, text=texts[0], limit=5)
        rebuild = time.perf_counter() - started
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{args.checks} imported checks; first search (builds the index): {build:.2f} s; "
          f"after an import (rebuild): {rebuild:.2f} s")
    print(f"{len(times)} searches: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1]:.1f} ms (stamp query + TF-IDF + top 5)")


if __name__ == "__main__":
    main()
