"""Public copies of preserved evidence pages: evidence.public_copy (on unless turned off).

Readers open the preserved copy of a cited page from the verdict page; the publisher turns
it off per source for copyright reasons. Existing evidence gets public copies.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 09:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never recreated: 0008 drops removed_by_id with its inline reference on SQLite.
    with op.batch_alter_table("evidence", recreate="never") as batch:
        batch.add_column(sa.Column("public_copy", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))


def downgrade() -> None:
    # Never recreated: 0008 drops removed_by_id with its inline reference on SQLite.
    with op.batch_alter_table("evidence", recreate="never") as batch:
        batch.drop_column("public_copy")
