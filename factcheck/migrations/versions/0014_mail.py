"""E-mail of notifications: each user's choice per kind, and when a notification was mailed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 17:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factcheck.dbtypes

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KIND = sa.Enum("assigned", "unassigned", "sent_back", "ready_for_decision", "decided",
                "published", "corrected", "report", "mention", name="notificationkind",
                native_enum=False, create_constraint=False, length=26)
_DELIVERY = sa.Enum("immediate", "digest", "off", name="maildelivery", native_enum=False,
                    create_constraint=False, length=17)


def upgrade() -> None:
    op.create_table(
        "mail_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("delivery", _DELIVERY, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_mail_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_mail_preferences")),
    )
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("mailed_at", factcheck.dbtypes.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_column("mailed_at")
    op.drop_table("mail_preferences")
