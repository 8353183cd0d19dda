"""Internal comments on claims; built-in (read-only) rating scales.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:58:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factcheck.dbtypes

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_comments_author_id_users")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_comments_claim_id_claims"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_claim_id"), ["claim_id"], unique=False)
    # recreate="never": rebuilding a table would cascade-delete the rows that refer to it.
    with op.batch_alter_table("rating_scales", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("is_builtin", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    # recreate="never": rebuilding a table would cascade-delete the rows that refer to it.
    with op.batch_alter_table("rating_scales", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("is_builtin")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_claim_id"))
    op.drop_table("comments")
