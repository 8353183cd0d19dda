"""Users, rating scales and rating labels carry a version for optimistic locking.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("users", "rating_scales", "rating_labels")


def upgrade() -> None:
    # The server default gives the rows that exist already their first version.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    # Never copy-and-rename on SQLite: with foreign keys on, dropping the old `rating_scales`
    # would cascade to its labels, and dropping `users` fails while rows refer to them.
    # SQLite 3.35+ drops a plain column in place.
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("version")
