"""Preserved copies of evidence pages: `evidence_captures` (WARC, hash, text, quote).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 03:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum("pending", "preserved", "failed", "not_preserved", name="capturestatus",
                  native_enum=False, create_constraint=False, length=21)


def upgrade() -> None:
    op.create_table(
        "evidence_captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("captured_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quote_start", sa.Integer(), nullable=True),
        sa.Column("quote_end", sa.Integer(), nullable=True),
        sa.Column("quote_found", sa.Boolean(), nullable=True),
        sa.Column("warc", sa.LargeBinary(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], ondelete="CASCADE",
                                name=op.f("fk_evidence_captures_evidence_id_evidence")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_evidence_captures_requested_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_captures")),
    )
    op.create_index("ix_evidence_captures_evidence_id_id", "evidence_captures",
                    ["evidence_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_evidence_captures_evidence_id_id", table_name="evidence_captures")
    op.drop_table("evidence_captures")
