"""Link health: `link_checks` (a cited page of a published check, re-requested); the
Internet Archive's snapshot of a preserved page on `evidence_captures` (Save Page Now).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum("alive", "changed", "gone", name="linkstatus", native_enum=False,
                  create_constraint=False, length=15)

_WAYBACK = sa.Enum("pending", "saved", "failed", name="waybackstatus", native_enum=False,
                   create_constraint=False, length=15)


def upgrade() -> None:
    with op.batch_alter_table("evidence_captures") as batch:
        batch.add_column(sa.Column("wayback_status", _WAYBACK, nullable=True))
        batch.add_column(sa.Column("wayback_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("wayback_reason", sa.Text(), server_default="",
                                   nullable=False))
    op.create_table(
        "link_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("checked_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], ondelete="CASCADE",
                                name=op.f("fk_link_checks_evidence_id_evidence")),
        sa.ForeignKeyConstraint(["capture_id"], ["evidence_captures.id"], ondelete="SET NULL",
                                name=op.f("fk_link_checks_capture_id_evidence_captures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_checks")),
    )
    op.create_index("ix_link_checks_evidence_id_id", "link_checks", ["evidence_id", "id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_link_checks_evidence_id_id", table_name="link_checks")
    op.drop_table("link_checks")
    # Never recreated: on SQLite a copied table drops its children's rows by cascade.
    with op.batch_alter_table("evidence_captures", recreate="never") as batch:
        batch.drop_column("wayback_reason")
        batch.drop_column("wayback_url")
        batch.drop_column("wayback_status")
