"""The claim board of a 1 MB article against the board of a short one, in one process.

    .venv/bin/python bench/board.py [--runs 5] [--database-url URL]

Imports three articles through the workflow on a fresh SQLite database in a temporary
directory (or on `--database-url`): the demo article (6 KB, 30 claims) as the baseline;
the demo article six times over (180 claims: a full board that still fits one page); and
about 1 MB of news text made as bench/import_article.py does (about 12,000 claims). Then
it GETs the editor's board of each through the Flask test client, alternating request by
request so that load on the machine hits all alike, and prints the median time and the
HTML size of each, and their ratios to the short board. Extra pages of the long board
(`--page N`, repeatable) are measured the same way.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_article import EMAIL, editor_client, megabyte_of_news  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from factcheck.extensions import db  # noqa: E402
from factcheck.models import Claim, User  # noqa: E402
from factcheck.workflow.articles import import_article  # noqa: E402


def imported(app, title: str, body: str) -> tuple[int, int]:
    """Import `body` as the bench editor; its article id and number of claims."""
    with app.app_context():
        editor = db.session.exec(select(User).where(User.email == EMAIL)).one()
        article = import_article(db.session, title=title, body=body, actor=editor,
                                 language="en", max_bytes=len(body.encode("utf-8")) + 1)
        db.session.commit()
        count = db.session.exec(select(func.count()).where(
            Claim.article_id == article.id)).one()
        return article.id, count


def get_once(client, path: str) -> tuple[float, int]:
    """Seconds for one GET of `path`, and the size of its body in bytes."""
    started = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return seconds, len(response.get_data())


def main() -> None:
    """Measure the boards; print times, sizes and ratios against the short article."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--max-bytes", type=int, default=1_000_000,
                        help="size of the long article")
    parser.add_argument("--page", type=int, action="append", default=[],
                        help="also measure this page of the long board")
    args = parser.parse_args()
    logging.getLogger("factcheck.security").setLevel(logging.WARNING)
    demo = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        app, client = editor_client(args.database_url, Path(tmp))
        short_id, short_claims = imported(app, "Short article", demo)
        full_id, full_claims = imported(app, "One full page", "\n".join([demo] * 6))
        long_id, long_claims = imported(app, "Long article", megabyte_of_news(args.max_bytes))
        paths = {"short board": f"/editor/articles/{short_id}",
                 "one-page board": f"/editor/articles/{full_id}",
                 "long board, page 1": f"/editor/articles/{long_id}"}
        for number in args.page:
            paths[f"long board, page {number}"] = f"/editor/articles/{long_id}?page={number}"
        times: dict[str, list[float]] = {name: [] for name in paths}
        sizes: dict[str, int] = {}
        for _run in range(args.runs):
            for name, path in paths.items():  # alternating, so load hits each alike
                seconds, sizes[name] = get_once(client, path)
                times[name].append(seconds)
        db.dispose(app)
    print(f"claims: short {short_claims:,}, one-page {full_claims:,}, long {long_claims:,}; "
          f"median of {args.runs} runs")
    base_time, base_size = statistics.median(times["short board"]), sizes["short board"]
    for name in paths:
        median = statistics.median(times[name])
        print(f"  {name:22} {median * 1000:9.1f} ms  {sizes[name] / 1000:9.1f} KB  "
              f"time x{median / base_time:6.2f}  size x{sizes[name] / base_size:6.2f}")


if __name__ == "__main__":
    main()
