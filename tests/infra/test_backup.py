"""`factcheck backup` / `factcheck restore` on the test database (SQLite, or PostgreSQL
through pg_dump/pg_restore when FACTCHECK_TEST_DATABASE_URL points at PostgreSQL)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, make_url, select, text
from sqlmodel import SQLModel

from factcheck.cli import cli
from factcheck.extensions import db
from factcheck.infra.backup import APPLICATION_ID, revision_order
from factcheck.states import Role

from ..helpers import login

HEAD = revision_order()[-1]
ARTICLE = "The minister said unemployment fell by 4% in 2023. Critics disagree.\n"


def _is_sqlite(app) -> bool:
    return app.config["DATABASE_URL"].startswith("sqlite")


def _sqlite_file(app) -> Path:
    return Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))


def _snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every model table, in primary-key order."""
    with db.engine_for(app).connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(
                select(table).order_by(*table.primary_key.columns))]
            for table in SQLModel.metadata.sorted_tables
        }


def _execute(app, sql: str) -> None:
    with db.engine_for(app).begin() as conn:
        conn.execute(text(sql))


def _revision(app) -> str:
    with db.engine_for(app).connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _some_data(app, runner, make_user, tmp_path) -> str:
    editor = make_user(Role.EDITOR, name="Ed Itor")
    make_user(Role.REVIEWER)
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE)
    result = runner.invoke(["import-article", str(source), "--title", "Jobs claims"])
    assert result.exit_code == 0, result.output
    return editor.email


def _assert_failed_cleanly(result, message: str) -> None:
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a ClickException, not a crash


def test_round_trip_brings_every_record_back(app, client, runner, make_user, tmp_path):
    email = _some_data(app, runner, make_user, tmp_path)
    assert login(client, email).status_code == 302
    before = _snapshot(app)
    target = tmp_path / "factcheck.backup"

    made = runner.invoke(["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert f"(schema revision {HEAD}) to {target}" in made.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # password hashes are inside

    _execute(app, "UPDATE articles SET title = 'Renamed'")
    _execute(app, "UPDATE users SET display_name = 'Someone else'")
    _execute(app, "DELETE FROM settings")
    make_user(Role.ADMIN)
    assert "Renamed" in client.get("/editor/").get_data(as_text=True)

    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert f"Restored {target}" in restored.output
    assert _snapshot(app) == before
    # The running app (same client, same engine, no restart) sees the restored data,
    # and new rows get fresh ids (PostgreSQL sequences came back too).
    page = client.get("/editor/").get_data(as_text=True)
    assert "Jobs claims" in page and "Renamed" not in page
    newcomer = make_user(Role.ADMIN)
    assert newcomer.id == max(row[0] for row in before["users"]) + 1
    assert runner.invoke(["db", "check"]).exit_code == 0


def test_restore_into_an_empty_database(app, runner, make_user, tmp_path):
    _some_data(app, runner, make_user, tmp_path)
    before = _snapshot(app)
    target = tmp_path / "factcheck.backup"
    assert runner.invoke(["backup", str(target)]).exit_code == 0
    assert runner.invoke(["db", "downgrade", "base"]).exit_code == 0

    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert _snapshot(app) == before
    assert _revision(app) == HEAD


def test_restore_keeps_a_safety_copy_of_what_it_replaces(app, runner, make_user, tmp_path):
    _some_data(app, runner, make_user, tmp_path)
    old = tmp_path / "old.backup"
    assert runner.invoke(["backup", str(old)]).exit_code == 0
    make_user(Role.EDITOR, name="Hired After The Backup")
    newer = _snapshot(app)
    restored = runner.invoke(["restore", "--yes", str(old)])
    assert restored.exit_code == 0, restored.output
    copy = Path(re.search(r"The current database is saved in (\S+)\.\n",
                          restored.output).group(1))
    assert copy.parent == Path(app.instance_path) / "backups"
    assert _snapshot(app) != newer
    # The mistaken restore is undone from the safety copy.
    undo = runner.invoke(["restore", "--yes", "--no-safety-copy", str(copy)])
    assert undo.exit_code == 0, undo.output
    assert "saved in" not in undo.output and _snapshot(app) == newer


def test_restore_asks_before_replacing_the_database(app, runner, make_user, tmp_path):
    _some_data(app, runner, make_user, tmp_path)
    before = _snapshot(app)
    target = tmp_path / "factcheck.backup"
    assert runner.invoke(["backup", str(target)]).exit_code == 0
    _execute(app, "UPDATE articles SET title = 'Renamed'")
    changed = _snapshot(app)

    declined = runner.invoke(["restore", str(target)], input="n\n")
    assert declined.exit_code == 1
    assert "Replace every record in" in declined.output
    assert "Aborted" in declined.output
    assert _snapshot(app) == changed
    assert runner.invoke(["restore", str(target)]).exit_code == 1  # no answer is no

    accepted = runner.invoke(["restore", str(target)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _snapshot(app) == before


def test_restoring_an_older_backup_migrates_it_to_head(app, runner, make_user, tmp_path):
    make_user(Role.EDITOR, email="old@example.org")
    older = revision_order()[-3]
    assert runner.invoke(["db", "downgrade", older]).exit_code == 0
    target = tmp_path / "old.backup"
    made = runner.invoke(["backup", str(target)])
    assert f"(schema revision {older})" in made.output
    assert runner.invoke(["db", "upgrade"]).exit_code == 0
    make_user(Role.EDITOR, email="new@example.org")

    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert "Database is at revision head." in restored.output
    assert _revision(app) == HEAD
    assert [row[1] for row in _snapshot(app)["users"]] == ["old@example.org"]
    check = runner.invoke(["db", "check"])
    assert check.exit_code == 0, check.output


def test_restore_refuses_a_backup_from_a_newer_factcheck(app, runner, tmp_path):
    target = tmp_path / "future.backup"
    _execute(app, "UPDATE alembic_version SET version_num = '9999_future'")
    try:
        assert runner.invoke(["backup", str(target)]).exit_code == 0
    finally:
        with db.engine_for(app).begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": HEAD})
    result = runner.invoke(["restore", "--yes", str(target)])
    _assert_failed_cleanly(result, "made by a newer version of factcheck")
    assert _revision(app) == HEAD


def test_backup_reports_bad_paths_clearly(app, runner, tmp_path):
    existing = tmp_path / "existing.backup"
    existing.write_text("an older backup")
    cases = [
        (tmp_path / "missing" / "x.backup", "does not exist"),
        (tmp_path, "is a directory"),
        (existing, "already exists; use --force"),
    ]
    for path, message in cases:
        _assert_failed_cleanly(runner.invoke(["backup", str(path)]), message)
    assert existing.read_text() == "an older backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

    replaced = runner.invoke(["backup", "--force", str(existing)])
    assert replaced.exit_code == 0, replaced.output
    assert existing.read_bytes()[:5] in (b"SQLit", b"PGDMP")


def test_restore_refuses_files_that_are_not_factcheck_backups(app, runner, make_user, tmp_path):
    make_user(Role.EDITOR)
    before = _snapshot(app)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n")
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (HEAD,))
    conn.close()
    cases = [
        (tmp_path / "missing.backup", "does not exist"),
        (tmp_path, "is a directory"),
        (text_file, "is not a factcheck backup"),
    ]
    if _is_sqlite(app):
        other = tmp_path / "postgres.dump"
        other.write_bytes(b"PGDMP" + bytes(200))
        cases += [
            (other, "is a backup made on PostgreSQL, but this installation's database is SQLite"),
            (foreign, "is an SQLite database but not a factcheck backup"),
            (_sqlite_file(app), "is an SQLite database but not a factcheck backup"),
        ]
    else:
        partial = tmp_path / "settings-only.dump"
        conninfo = make_url(app.config["DATABASE_URL"]).set(drivername="postgresql")
        subprocess.run(["pg_dump", "--format=custom", "--table=settings", f"--file={partial}",
                        f"--dbname={conninfo.render_as_string(hide_password=False)}"], check=True)
        cases += [
            (foreign, "is a backup made on SQLite, but this installation's database is PostgreSQL"),
            (partial, "is a pg_dump archive, but not of a factcheck database"),
        ]
    for path, message in cases:
        _assert_failed_cleanly(runner.invoke(["restore", "--yes", str(path)]), message)
    assert _snapshot(app) == before


def test_restore_refuses_a_damaged_backup(app, runner, make_user, tmp_path):
    make_user(Role.EDITOR)
    target = tmp_path / "factcheck.backup"
    assert runner.invoke(["backup", str(target)]).exit_code == 0
    data = target.read_bytes()
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(data[: len(data) // 2])
    before = _snapshot(app)
    result = runner.invoke(["restore", "--yes", str(damaged)])
    _assert_failed_cleanly(result, str(damaged))
    assert _snapshot(app) == before


# --- SQLite: online backups ----------------------------------------------------------------


@pytest.fixture
def sqlite_app(app):
    """The app, on SQLite: for tests marked sqlite_only (its backup API, integrity_check)."""
    assert _is_sqlite(app)
    return app


@pytest.mark.sqlite_only
def test_sqlite_backup_is_a_single_marked_file(sqlite_app, runner, tmp_path):
    (tmp_path / "backups").mkdir()
    target = tmp_path / "backups" / "factcheck.backup"
    assert runner.invoke(["backup", str(target)]).exit_code == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["factcheck.backup"]


def test_backup_while_another_connection_writes_is_consistent(app, runner, tmp_path):
    settings = SQLModel.metadata.tables["settings"]
    now = datetime.now(UTC)
    engine = db.engine_for(app)  # the app's own write path (BEGIN IMMEDIATE on SQLite)
    with engine.begin() as conn:  # a few megabytes, so that the copy takes a while
        conn.execute(insert(settings), [{"key": f"filler-{i}", "value": "x" * 2000,
                                         "updated_at": now} for i in range(2000)])
    started, stop = threading.Event(), threading.Event()
    committed: list[int] = []

    def write_pairs() -> None:
        # Each transaction writes two rows: a consistent copy holds whole pairs only.
        number = 0
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(insert(settings), [
                    {"key": f"pair-{number}-{half}", "value": number, "updated_at": now}
                    for half in "ab"])
            committed.append(number)
            number += 1
            if number == 20:
                started.set()

    writer = threading.Thread(target=write_pairs)
    writer.start()
    try:
        assert started.wait(60)
        before = len(committed)
        target = tmp_path / "factcheck.backup"
        result = runner.invoke(["backup", str(target)])
        after = len(committed)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    if _is_sqlite(app):
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        copy.close()

    restored = runner.invoke(["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    keys = [row[0] for row in _snapshot(app)["settings"] if row[0].startswith("pair-")]
    pairs = {int(key.split("-")[1]) for key in keys}
    assert len(keys) == 2 * len(pairs)  # no half transaction
    assert pairs == set(range(len(pairs)))  # no gap
    assert before <= len(pairs) <= after + 1  # a snapshot taken while the writer ran


@pytest.mark.sqlite_only
def test_backup_neither_waits_for_nor_copies_an_open_write(sqlite_app, runner, make_user,
                                                           tmp_path):
    make_user(Role.EDITOR, email="committed@example.org")
    writer = sqlite3.connect(_sqlite_file(sqlite_app), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds SQLite's write lock during the backup
    writer.execute("UPDATE users SET display_name = 'uncommitted'")
    try:
        target = tmp_path / "factcheck.backup"
        result = runner.invoke(["backup", str(target)])
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        names = copy.execute("SELECT email, display_name FROM users").fetchall()
    copy.close()
    assert names == [("committed@example.org", "editor 1")]


# --- PostgreSQL: how pg_dump is called (a stand-in pg_dump records it; no server needed) ------


def _fake_pg_dump(directory: Path) -> Path:
    """A `pg_dump` that records its arguments and PGPASSWORD, then fails like a real one."""
    record = directory / "pg_dump.json"
    script = directory / "pg_dump"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'password': os.environ.get('PGPASSWORD')}},"
        f" open({str(record)!r}, 'w'))\n"
        "sys.stderr.write('pg_dump: error: connection to server failed\\n')\n"
        "sys.exit(1)\n")
    script.chmod(0o700)
    return record


def test_pg_dump_gets_the_password_only_in_its_environment(make_app, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = _fake_pg_dump(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    url = "postgresql+psycopg://fc:s3cr%40t%2Fpw@db.example:5433/news?sslmode=require"
    app = make_app(DATABASE_URL=url)

    target = tmp_path / "news.dump"
    result = app.test_cli_runner().invoke(cli, ["backup", str(target)])
    _assert_failed_cleanly(result, "pg_dump failed: pg_dump: error: connection to server failed")
    call = json.loads(record.read_text())
    assert call["password"] == "s3cr@t/pw"
    assert not any("s3cr" in arg for arg in call["argv"])
    assert "--dbname=postgresql://fc@db.example:5433/news?sslmode=require" in call["argv"]
    assert "--format=custom" in call["argv"]
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_missing_pg_dump_is_reported_clearly(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    app = make_app(DATABASE_URL="postgresql+psycopg://fc@db.example/news")
    result = app.test_cli_runner().invoke(cli, ["backup", str(tmp_path / "news.dump")])
    _assert_failed_cleanly(result, "pg_dump was not found")
