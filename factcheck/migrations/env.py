"""Alembic environment: runs on the connection `factcheck db` hands over."""

from alembic import context
from sqlmodel import SQLModel

import factcheck.models  # noqa: F401  (registers every table on SQLModel.metadata)
from factcheck.models import include_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Migrate through the application's own engine (SQLite pragmas included)."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,  # the search index is not on SQLModel.metadata
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `factcheck db upgrade`.")
run_migrations_online()
