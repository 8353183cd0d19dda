"""Small helpers the tests share: CSRF-aware form posts and sign-in through the real form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Evidence

PASSWORD = "correct horse battery"
EVIDENCE = {"url": "https://stats.example.org/october", "title": "October labour report",
            "publisher": "Statistics office", "published_on": "2026-11-02", "accessed_on": "",
            "quote": "The unemployment rate was 3.5%.", "stance": "supports",
            "archive_url": "https://web.archive.org/web/2026/https://stats.example.org/october",
            "note": ""}
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in `html`."""
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form (default: `url`), then POST `data` with its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data = {**data, "csrf_token": csrf_token(html)}
    return client.post(url, data=data, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    """Sign in through the login form."""
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def logout(client: FlaskClient):
    """Sign out through the form every page carries."""
    return post_form(client, "/logout", {}, page="/account/password", follow_redirects=False)


def api_token(runner, email: str) -> str:
    """A new personal API token for `email`, made with `factcheck create-token`."""
    result = runner.invoke(["create-token", email, "--name", "tests"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for an API token."""
    return {"Authorization": f"Bearer {token}"}


def rows(app, model, **where) -> list:
    """The rows of `model` matching `where` in insertion (primary key) order, detached."""
    with app.app_context():
        # Without ORDER BY, PostgreSQL may return updated rows in any order.
        order = sa_inspect(model).primary_key
        found = db.session.exec(select(model).filter_by(**where).order_by(*order)).all()
        for row in found:
            db.session.expunge(row)
        return list(found)


def add_evidence_form(client: FlaskClient, claim_id: int, **overrides):
    """Add evidence to a claim through the reviewer's form (EVIDENCE with `overrides`)."""
    data = {**EVIDENCE, **overrides}
    return post_form(client, f"/review/claims/{claim_id}/evidence", data,
                     page=f"/review/claims/{claim_id}")


def review_form(client: FlaskClient, claim_id: int, *, action="submit", rating="true",
                rationale="Matches.", evidence=None, version=""):
    """Save or submit the signed-in reviewer's verdict, citing all the claim's evidence."""
    page = client.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "rating": rating, "rationale": rationale,
            "confidence": "high", "action": action, "version": version}
    if evidence is None:
        evidence = [e.id for e in rows(client.application, Evidence, claim_id=claim_id)]
    data["evidence"] = evidence
    return client.post(f"/review/claims/{claim_id}/review", data=data)


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement `app` sends (reads and writes) while the block runs."""
    statements: list[str] = []
    # The write engine shares the read engine's events, so one listener sees both.
    engine = db.engine_for(app, write=False)

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def run_jobs(app: Flask) -> int:
    """Run the jobs waiting on `app`'s real queue in this thread, as a worker would (how many).

    The queue, its storage and the job rows are the real ones; only the consumer's threads
    are left out, so a test sees the outcome as soon as this returns.
    """
    from factcheck.worker import queue_of

    queue, _task = queue_of(app)
    done = 0
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
        done += 1
    return done


def run_jobs_through_retries(app: Flask, rounds: int) -> None:
    """Run the queue `rounds` times, each time making the jobs waiting on a back-off due and
    handing them over again: what a worker does with a failing job over the next minutes."""
    from sqlalchemy import update

    from factcheck.dbtypes import utcnow
    from factcheck.models import Job
    from factcheck.states import JobStatus
    from factcheck.worker import hand_over

    for _round in range(rounds):
        run_jobs(app)
        with app.app_context():
            db.session.exec(update(Job).where(Job.status == JobStatus.PENDING)
                            .values(run_after=utcnow()))
            db.session.commit()
            hand_over(app, list(db.session.exec(
                select(Job.id).where(Job.status == JobStatus.PENDING)).all()))


def retry_from_the_jobs_page(app: Flask, admin_email: str, job_id: int) -> str:
    """An admin presses Retry on the jobs page for `job_id`; the page they land on."""
    admin = app.test_client()
    login(admin, admin_email)
    reply = post_form(admin, f"/admin/jobs/{job_id}/retry", {}, page="/admin/jobs")
    assert reply.status_code == 302
    return admin.get(reply.location).get_data(as_text=True)


def share_evidence(app: Flask) -> None:
    """Let reviewers see each other's evidence at once (the setting "always").

    For tests of other rules whose reviewers cite a colleague's source; the default,
    evidence hidden until one's own verdict is in, has its own tests
    (tests/web/test_evidence_visibility.py).
    """
    from factcheck.workflow.settings import set_setting

    with app.app_context():
        set_setting(db.session, key="evidence_visibility", value="always", actor=None)
        db.session.commit()


def import_feed(runner, tmp_path, records: list[dict]) -> None:
    """Import ClaimReview `records` with `factcheck import-claimreview`, as a desk would."""
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(records))
    result = runner.invoke(["import-claimreview", str(path)])
    assert result.exit_code == 0, result.output


def imported_claims(app: Flask, *, title: str, text: str) -> list:
    """Import `text` as an article and return its claims in text order, detached."""
    from factcheck.models import Claim
    from factcheck.workflow.articles import import_article

    with app.app_context():
        article = import_article(db.session, title=title, body=text, actor=None)
        db.session.commit()
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.position, Claim.start, Claim.id)).all()
        for claim in claims:
            db.session.expunge(claim)
        return list(claims)
