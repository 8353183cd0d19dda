"""Claims keep the engine's score explanation and the editor's dismissal reason.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 15:17:39
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults fill the rows that exist already.
    # recreate="never": rebuilding a table would cascade-delete the rows that refer to it.
    with op.batch_alter_table("claims", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("features", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("dismissal_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    # recreate="never": rebuilding a table would cascade-delete the rows that refer to it.
    with op.batch_alter_table("claims", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("dismissal_reason")
        batch_op.drop_column("features")
