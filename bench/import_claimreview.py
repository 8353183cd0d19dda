"""`factcheck import-claimreview` on a generated DataFeed: time and peak memory.

    .venv/bin/python bench/import_claimreview.py [--records 100000] [--keep DIR]

Writes a schema.org DataFeed of N ClaimReviews (each in its own DataFeedItem, about 700
bytes apiece, as Google's fact-check feeds are laid out) to a temporary file, creates an
empty SQLite database (`factcheck db upgrade`), then imports the file twice in fresh
processes: the first run inserts every record, the second updates every one (idempotent
on url). For each run: wall time, and the process's peak resident memory (ru_maxrss),
next to the peak of a process that only starts the app, so the importer's own share shows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
_MEASURE = """
import atexit, resource, sys
atexit.register(lambda: sys.stderr.write(
    "MAXRSS_KB %d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
from factcheck.cli import main
sys.argv = ["factcheck", *sys.argv[1:]]
main()
"""


def review(n: int) -> dict:
    return {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": f"https://checks.example.net/2026/03/claim-{n}",
        "claimReviewed": f"Minister {n % 97} said the budget for region {n % 31} grew by "
                         f"{n % 50} percent in {2000 + n % 25}",
        "headline": f"Did the budget of region {n % 31} grow by {n % 50} percent?",
        "reviewRating": {"@type": "Rating", "alternateName": ("False", "Mostly true",
                                                              "True")[n % 3],
                         "ratingValue": 1 + n % 5, "bestRating": 5, "worstRating": 1},
        "author": {"@type": "Organization", "name": f"Example Checks {n % 7}",
                   "url": "https://checks.example.net/"},
        "datePublished": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person",
                                                      "name": f"Minister {n % 97}"},
                         "datePublished": "2026-01-01"},
        "inLanguage": "en",
    }


def write_feed(path: Path, records: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"@context": "https://schema.org", "@type": "DataFeed", '
                  '"dateModified": "2026-12-06", "dataFeedElement": [\n')
        for n in range(records):
            if n:
                out.write(",\n")
            out.write(json.dumps({"@type": "DataFeedItem", "item": [review(n)]}))
        out.write("\n]}\n")
    return path.stat().st_size


def _run(args: list[str], env: dict) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", _MEASURE, *args], env=env, capture_output=True,  # noqa: S603
                          text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{args[0]} failed: {done.stderr[-2000:]}")
    rss = next(int(line.split()[1]) for line in done.stderr.splitlines()
               if line.startswith("MAXRSS_KB"))
    progress = [line for line in done.stderr.splitlines() if "records read" in line]
    return elapsed, rss, (done.stdout.strip().splitlines() or [""])[-1] + (
        f"  [{len(progress)} progress lines on stderr]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="Work in DIR and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-claimreview-"))
    work.mkdir(parents=True, exist_ok=True)
    feed = work / "feed.json"
    size = write_feed(feed, args.records)
    database = work / "bench.sqlite"
    database.unlink(missing_ok=True)
    env = {**os.environ, "FACTCHECK_DATABASE_URL": f"sqlite:///{database}",
           "FACTCHECK_SECRET_KEY": "bench-" + "0" * 40,
           "FACTCHECK_INSTANCE_PATH": str(work / "instance")}
    _run(["db", "upgrade"], env)
    _t, base_rss, _o = _run(["--help"], env)
    print(f"feed: {args.records} ClaimReviews, {size / 1e6:.1f} MB; app start alone: "
          f"peak RSS {base_rss / 1024:.0f} MB")
    for label in ("first import (inserts)", "second import (updates)"):
        elapsed, rss, output = _run(["import-claimreview", str(feed)], env)
        print(f"{label}: {elapsed:.1f} s, {args.records / elapsed:,.0f} records/s, "
              f"peak RSS {rss / 1024:.0f} MB -> {output}")


if __name__ == "__main__":
    main()
