"""Migrations: `factcheck db upgrade` on an empty database yields exactly the models."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

from factcheck.extensions import db


def _tables(app) -> set[str]:
    """The tables of the models: the search index is derived data kept outside them."""
    from factcheck.models import is_index_table

    names = set(inspect(db.engine_for(app)).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_index_table(name)}


def test_upgrade_on_a_new_sqlite_file_has_no_drift(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    runner = app.test_cli_runner()
    from factcheck.cli import cli

    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt" in result.output
    assert _tables(app) == set(SQLModel.metadata.tables)
    # Nothing migrated the second time: the indexes are kept, not rebuilt at every start.
    again = runner.invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert "Search index rebuilt" not in again.output
    assert "Database is at revision head" in again.output
    check = runner.invoke(cli, ["db", "check"])
    assert check.exit_code == 0, check.output
    assert "matches the models" in check.output


def test_downgrade_to_base_and_upgrade_again_on_the_test_database(app, runner):
    assert runner.invoke(["db", "downgrade", "base"]).exit_code == 0
    assert _tables(app) == set()
    assert runner.invoke(["db", "upgrade"]).exit_code == 0
    assert _tables(app) == set(SQLModel.metadata.tables)
    check = runner.invoke(["db", "check"])
    assert check.exit_code == 0, check.output


def test_db_check_reports_drift(app, runner):
    with db.engine_for(app).begin() as conn:
        conn.exec_driver_sql("DROP TABLE throttle_hits")
    try:
        result = runner.invoke(["db", "check"])
        assert result.exit_code != 0
        assert "throttle_hits" in result.output
    finally:  # the PostgreSQL test database is shared by the whole run
        with db.engine_for(app).begin() as conn:
            SQLModel.metadata.tables["throttle_hits"].create(conn)
