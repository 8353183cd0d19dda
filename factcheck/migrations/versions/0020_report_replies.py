"""Editors reply by e-mail to readers who reported an error: `report_replies`.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 02:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reader_reports.id"], ondelete="CASCADE",
                                name=op.f("fk_report_replies_report_id_reader_reports")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_report_replies_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_replies")),
    )
    op.create_index(op.f("ix_report_replies_report_id"), "report_replies", ["report_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_report_replies_report_id"), table_name="report_replies")
    op.drop_table("report_replies")
