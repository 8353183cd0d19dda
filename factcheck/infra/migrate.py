"""Alembic driven from the app: `factcheck db upgrade` and friends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlmodel import SQLModel

from ..extensions import db

SCRIPT_LOCATION = Path(__file__).resolve().parents[1] / "migrations"


@contextmanager
def alembic_config(app: Flask) -> Iterator[Config]:
    """An Alembic config bound to a connection of `app`'s database."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    with db.engine_for(app).connect() as connection:
        config.attributes["connection"] = connection
        yield config
        connection.commit()


def upgrade(app: Flask, revision: str = "head") -> None:
    """Create or migrate the database of `app` to `revision`."""
    with alembic_config(app) as config:
        command.upgrade(config, revision)


def downgrade(app: Flask, revision: str) -> None:
    """Migrate the database of `app` back to `revision`."""
    with alembic_config(app) as config:
        command.downgrade(config, revision)


def current_revision(app: Flask) -> str | None:
    """The schema revision the database is at (None: not created yet)."""
    with db.engine_for(app).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_drift(app: Flask) -> list:
    """Differences between the migrated database and the models (empty when in sync)."""
    import factcheck.models  # noqa: F401
    from factcheck.models import include_object

    with db.engine_for(app).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(context, SQLModel.metadata)
