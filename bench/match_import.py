"""Importing the sample article with claim matching on and off (issue 16: within 1.3x).

    .venv/bin/python bench/match_import.py [--runs 9] [--imported 2000]

On a fresh SQLite database in a temporary directory, with an archive to match against
(the desk's published checks of the sample article and `--imported` imported
fact-checks), the editor's import form is POSTed with the sample article
(factcheck/data/national-consensus.txt) through the Flask test client, alternately by an
app with `CLAIM_MATCHING` on and one with it off (same database, same process). With
matching on, the request only writes the job's row and hands its id to the queue; the
matching itself runs afterwards in a worker, timed here too (the job of one import,
run as a worker would, outside the request). Prints the medians and the ratio.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.infra.migrate import upgrade  # noqa: E402
from factcheck.models import (  # noqa: E402
    Article,
    Claim,
    Decision,
    ImportedCheck,
    RatingLabel,
    User,
)
from factcheck.states import ClaimStatus, Role  # noqa: E402
from factcheck.workflow.accounts import create_user  # noqa: E402
from factcheck.workflow.articles import import_article  # noqa: E402
from factcheck.workflow.claim_matches import request_matching, run_matching  # noqa: E402
from factcheck.workflow.publishing import publish_article  # noqa: E402
from factcheck.workflow.scale_presets import seed_rating_scales  # noqa: E402

PASSWORD = "a long bench passphrase 7"  # noqa: S105 (a throwaway benchmark account)
EMAIL = "editor@bench.example.org"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()


def _app(url: str, instance: Path, *, matching: bool):
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "0" * 40,
                       "CLAIM_MATCHING": matching})


def _archive(app, imported: int) -> None:
    """The editor, a published check of the sample, and `imported` imported checks."""
    with app.app_context():
        s = db.session
        seed_rating_scales(s)
        editor = create_user(s, email=EMAIL, display_name="Bench Editor", role=Role.EDITOR,
                             password=PASSWORD, actor=None)
        s.flush()
        article = import_article(s, title="Published sample", body=SAMPLE, actor=None)
        label = s.exec(select(RatingLabel).where(RatingLabel.key == "mostly-true")).first()
        for claim in s.exec(select(Claim).where(Claim.article_id == article.id)):
            claim.status = ClaimStatus.DECIDED
            s.add(Decision(claim_id=claim.id, editor_id=editor.id, rating_id=label.id,
                           summary="Bench."))
        s.flush()
        publish_article(s, article=article, editor=s.get(User, editor.id), include_open=False)
        words = re.findall(r"\w+", SAMPLE)
        for n in range(imported):
            text = " ".join(words[(n * 7) % (len(words) - 20):][:14])
            s.add(ImportedCheck(url=f"https://checks.example.net/{n}", claim_reviewed=text,
                                headline=f"Check {n}", rating="False", publisher="Bench"))
        s.commit()


def _signed_in(app):
    client = app.test_client()
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    return client


def _import(client, title: str) -> tuple[float, int]:
    token = _CSRF.search(client.get("/editor/articles/new").get_data(as_text=True)).group(1)
    started = time.perf_counter()
    response = client.post("/editor/articles/new", data={
        "csrf_token": token, "text": SAMPLE, "title": title})
    seconds = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return seconds, int(re.search(r"/articles/(\d+)", response.location).group(1))


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--imported", type=int, default=2000)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    tmp = Path(tempfile.mkdtemp(prefix="bench-match-import-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    on, off = _app(url, tmp / "instance", matching=True), _app(url, tmp / "instance",
                                                                matching=False)
    upgrade(on)
    _archive(on, args.imported)
    clients = {True: _signed_in(on), False: _signed_in(off)}
    times: dict[bool, list[float]] = {True: [], False: []}
    articles = []
    _import(clients[True], "Warm-up on")
    _import(clients[False], "Warm-up off")
    for run in range(args.runs):
        for matching in ((True, False) if run % 2 else (False, True)):
            seconds, article_id = _import(clients[matching], f"Run {run} {matching}")
            times[matching].append(seconds)
            if matching:
                articles.append(article_id)
    job = []
    with on.app_context():
        run_matching(db.session, {"article_id": articles[-1]})  # loads scikit-learn, index
        db.session.commit()
        for article_id in articles[:3]:
            started = time.perf_counter()
            result = run_matching(db.session, {"article_id": article_id})
            db.session.commit()
            job.append(time.perf_counter() - started)
    asking = []  # what matching adds to the request alone: the job's row and its hand-over
    with on.app_context():
        article = db.session.get(Article, articles[0])
        for _n in range(args.runs):
            started = time.perf_counter()
            request_matching(db.session, article=article)
            db.session.commit()  # hands the job to the queue
            asking.append(time.perf_counter() - started)
    median_on, median_off = statistics.median(times[True]), statistics.median(times[False])
    print(f"sample article ({len(SAMPLE):,} characters), archive: its published check "
          f"+ {args.imported:,} imported checks, {args.runs} imports each way")
    print(f"import with matching off: median {median_off * 1000:.1f} ms")
    print(f"import with matching on:  median {median_on * 1000:.1f} ms "
          f"(ratio {median_on / median_off:.2f}; aim <= 1.3)")
    print(f"asking for the job alone (row + commit + hand-over to the queue): median "
          f"{statistics.median(asking) * 1000:.1f} ms "
          f"({statistics.median(asking) / median_off:.1%} of the import)")
    print(f"the matching job itself (in the worker, after the import, index built): median "
          f"{statistics.median(job) * 1000:.1f} ms for {result['claims']} claims")


if __name__ == "__main__":
    main()
