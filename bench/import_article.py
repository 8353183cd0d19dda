"""Importing a 1 MB article through the app against the text engine's own split time.

    .venv/bin/python bench/import_article.py [--runs 3] [--database-url URL]

Makes about 1 MB of news text as bench/sentences.py does (the demo article and the
Golden Rules texts, one paragraph per line), then measures, in one process:

1. `split_claims(text)`: the engine alone (sentences, claim types, check-worthiness);
2. the whole import through the app: the editor's import form POSTed with the text
   through the Flask test client (form parsing, validation, language detection, the
   split, one row per claim, the commit, the redirect), on a fresh SQLite database in a
   temporary directory, or on `--database-url` (an empty database, or one of ours).

It prints the median of `--runs` runs of each and their ratio; the aim is under 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sentences import GOLDEN, news_text  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.engine.splitting import split_claims  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.infra.migrate import upgrade  # noqa: E402
from factcheck.states import Role  # noqa: E402
from factcheck.workflow.accounts import create_user  # noqa: E402
from factcheck.workflow.scale_presets import seed_rating_scales  # noqa: E402

PASSWORD = "a long bench passphrase 7"  # noqa: S105 (a throwaway benchmark account)
EMAIL = "editor@bench.example.org"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def megabyte_of_news(limit: int) -> str:
    """News text of at most `limit` UTF-8 bytes, cut at a paragraph end."""
    text = news_text(limit, json.loads(GOLDEN.read_text(encoding="utf-8")))
    while len(text.encode("utf-8")) > limit:
        text = text.rsplit("\n", 1)[0]
    return text


def editor_client(url: str | None, tmp: Path):
    """The app on a migrated database, and a test client signed in as an editor."""
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({"DATABASE_URL": url or f"sqlite:///{tmp / 'import.sqlite'}",
                      "SECRET_KEY": "bench-" + "0" * 40})
    upgrade(app)
    with app.app_context():
        seed_rating_scales(db.session)
        create_user(db.session, email=EMAIL, display_name="Bench Editor", role=Role.EDITOR,
                    password=PASSWORD, actor=None)
        db.session.commit()
    client = app.test_client()
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    return app, client


def import_once(client, text: str, title: str) -> float:
    """Seconds for one POST of the import form (the redirect is not followed)."""
    token = _CSRF.search(client.get("/editor/articles/new").get_data(as_text=True)).group(1)
    started = time.perf_counter()
    response = client.post("/editor/articles/new", data={
        "csrf_token": token, "text": text, "title": title})  # language: detected
    seconds = time.perf_counter() - started
    assert response.status_code == 302, (response.status_code, response.get_data()[:500])
    return seconds


def main() -> None:
    """Measure the split and the import; print both and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--max-bytes", type=int, default=1_000_000,
                        help="size of the article (the app's default limit)")
    args = parser.parse_args()
    logging.getLogger("factcheck.security").setLevel(logging.WARNING)
    text = megabyte_of_news(args.max_bytes)
    claims = len(split_claims(text, lang="en"))
    split_times, import_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        app, client = editor_client(args.database_url, Path(tmp))
        for run in range(args.runs):
            started = time.perf_counter()
            split_claims(text, lang="en")
            split_times.append(time.perf_counter() - started)
            import_times.append(import_once(client, text, f"Benchmark article {run + 1}"))
        db.dispose(app)
    split, full = statistics.median(split_times), statistics.median(import_times)
    size = len(text.encode("utf-8")) / 1_000_000
    print(f"{size:.2f} MB, {text.count(chr(10)) + 1:,} paragraphs, {claims:,} claims; "
          f"median of {args.runs} runs")
    print(f"  split_claims        {split:6.2f} s")
    print(f"  import through app  {full:6.2f} s")
    print(f"  ratio               {full / split:6.2f}  (aim: under 2)")


if __name__ == "__main__":
    main()
