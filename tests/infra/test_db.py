"""The database layer: SQLite settings, write locking, optimistic locking, on both databases."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Article, Claim, Setting
from factcheck.workflow.articles import create_article

from ..conftest import TEST_SECRET_KEY
from ..helpers import post_form


def _is_sqlite(app) -> bool:
    return app.config["DATABASE_URL"].startswith("sqlite")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    with app.app_context():
        assert db.session.exec(text("PRAGMA journal_mode")).one()[0] == "wal"
        assert db.session.exec(text("PRAGMA foreign_keys")).one()[0] == 1


def test_foreign_keys_are_enforced(app):
    with app.app_context():
        db.session.add(Claim(article_id=999_999, start=0, end=1, text="x"))
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            db.session.commit()


def test_writing_requests_take_the_write_lock_first(app, client, make_user):
    statements: list[str] = []
    engine = db.engine_for(app, write=False)
    event.listen(
        engine, "before_cursor_execute", lambda conn, cur, stmt, *a: statements.append(stmt)
    )
    make_user()
    statements.clear()
    client.get("/login")
    reads = list(statements)
    statements.clear()
    post_form(client, "/login", {"email": "x@example.org", "password": "y" * 12})
    if _is_sqlite(app):
        assert reads[0] == "BEGIN" and "BEGIN IMMEDIATE" not in reads
        assert "BEGIN IMMEDIATE" in statements
    else:
        assert not any(s.startswith("BEGIN") for s in reads)  # psycopg begins implicitly


def _increment(url: str, rounds: int, instance: str) -> None:
    import os

    os.environ["FACTCHECK_INSTANCE_PATH"] = instance
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY})
    for _ in range(rounds):
        with app.app_context():  # one unit of work, as one request would be
            row = db.session.get(Setting, "counter")
            row.value = row.value + 1
            db.session.add(row)
            db.session.commit()
    db.dispose(app)


def test_concurrent_read_modify_write_on_sqlite_loses_no_update(make_app, tmp_path):
    # Default SQLite settings lost 540 of 800 such updates without an error (DESIGN.md).
    database_url = f"sqlite:///{tmp_path / 'counter.sqlite'}"
    app = make_app(DATABASE_URL=database_url)
    with app.app_context():
        Setting.__table__.create(db.session.connection())
        db.session.add(Setting(key="counter", value=0))
        db.session.commit()
    processes, rounds = 4, 50
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_increment, args=(database_url, rounds, str(tmp_path / "i")))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with app.app_context():
        assert db.session.get(Setting, "counter").value == processes * rounds


def test_stale_version_raises_instead_of_overwriting(app):
    with app.app_context():
        article = create_article(db.session, title="T", body="One. Two.", actor=None)
        db.session.add(Claim(article_id=article.id, start=0, end=4, text="One."))
        db.session.commit()
        claim_id = db.session.exec(select(Claim.id)).one()
    engine = db.engine_for(app)
    with Session(engine) as bob:
        stale = bob.get(Claim, claim_id)  # Bob opens the claim ...
        bob.expunge(stale)
        bob.rollback()
    with Session(engine) as alice:  # ... Alice saves her change meanwhile ...
        alice.get(Claim, claim_id).text = "Alice's wording."
        alice.commit()
    with Session(engine) as bob:  # ... and Bob's save, based on version 1, must fail.
        bob.add(stale)
        stale.text = "Bob's wording."
        with pytest.raises(StaleDataError):
            bob.commit()
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert (claim.text, claim.version) == ("Alice's wording.", 2)


def test_timestamps_come_back_aware_in_utc(app):
    with app.app_context():
        create_article(db.session, title="T", body="Body.", actor=None)
        db.session.commit()
    with app.app_context():
        article = db.session.exec(select(Article)).one()
        assert article.created_at.utcoffset().total_seconds() == 0
