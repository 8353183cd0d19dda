"""Due-date reminders: which assignment was reminded on which day (at most once a day).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factcheck.dbtypes

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Notification kinds are stored as strings (no database enum type): the two new kinds,
# due_tomorrow and overdue, need no change to the notifications table.
_KIND = sa.Enum("assigned", "unassigned", "sent_back", "ready_for_decision", "decided",
                "published", "corrected", "report", "mention", "due_tomorrow", "overdue",
                name="notificationkind", native_enum=False, create_constraint=False,
                length=26)


def upgrade() -> None:
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("sent_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE",
                                name=op.f("fk_reminders_sent_assignment_id_assignments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("assignment_id", "day",
                            name=op.f("uq_reminders_sent_assignment_id")),
    )


def downgrade() -> None:
    op.drop_table("reminders_sent")
