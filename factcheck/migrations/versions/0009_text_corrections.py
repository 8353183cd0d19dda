"""Corrections say what they changed: the verdict, the claim's wording or its claimant.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:10:00

Existing rows were all made by new decisions on published verdicts: the server default
marks them as verdict corrections.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # recreate="never": rebuilding a table would cascade-delete the rows that refer to it.
    with op.batch_alter_table("corrections", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column(
            "kind", sa.Enum("verdict", "wording", "claimant", name="correctionkind",
                            native_enum=False, length=16),
            nullable=False, server_default="verdict"))


def downgrade() -> None:
    # recreate="never": rebuilding a table would cascade-delete the rows that refer to it.
    with op.batch_alter_table("corrections", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("kind")
