"""In-app notifications: one row per recipient and event, read or unread.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factcheck.dbtypes

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND = sa.Enum("assigned", "unassigned", "sent_back", "ready_for_decision", "decided",
                "published", "corrected", "report", "mention", name="notificationkind",
                native_enum=False, create_constraint=False, length=26)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notifications_user_id_users")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], ondelete="SET NULL",
                                name=op.f("fk_notifications_claim_id_claims")),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="SET NULL",
                                name=op.f("fk_notifications_article_id_articles")),
        sa.ForeignKeyConstraint(["report_id"], ["reader_reports.id"], ondelete="SET NULL",
                                name=op.f("fk_notifications_report_id_reader_reports")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_notifications_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"],
                    unique=False)
    op.create_index(op.f("ix_notifications_created_at"), "notifications", ["created_at"],
                    unique=False)
    op.create_index("ix_notifications_user_read", "notifications",
                    ["user_id", "read_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notifications_user_read", table_name="notifications")
    op.drop_index(op.f("ix_notifications_created_at"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_table("notifications")
