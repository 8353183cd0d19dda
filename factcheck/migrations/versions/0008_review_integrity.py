"""Blind review, airtight: who is or was a reviewer, who saw verdicts, kept versions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:30:00

`claim_participants` remembers every person ever assigned to a claim and when they were
first shown a colleague's verdict; `review_versions` keeps each submitted (or removed)
verdict; `evidence_versions` keeps each earlier state of an edited source; evidence can
be removed from the list while reviews still cite it.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import factcheck.dbtypes

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REVIEW_STATUS = sa.Enum("draft", "submitted", "withdrawn", name="reviewstatus",
                         native_enum=False, length=17)
_CONFIDENCE = sa.Enum("low", "medium", "high", name="confidence", native_enum=False, length=14)


def _fk(table: str, column: str, target: str, **kwargs) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), **kwargs)


def upgrade() -> None:
    op.create_table(
        "claim_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("first_assigned_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("saw_verdicts_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        _fk("claim_participants", "claim_id", "claims", ondelete="CASCADE"),
        _fk("claim_participants", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_participants")),
        sa.UniqueConstraint("claim_id", "user_id", name=op.f("uq_claim_participants_claim_id")),
    )
    op.create_table(
        "review_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("status", _REVIEW_STATUS, nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("confidence", _CONFIDENCE, nullable=False),
        sa.Column("cited", sa.JSON(), nullable=False),
        sa.Column("after_seeing", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        _fk("review_versions", "review_id", "reviews", ondelete="CASCADE"),
        _fk("review_versions", "rating_id", "rating_labels"),
        _fk("review_versions", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_versions")),
        sa.UniqueConstraint("review_id", "number", name=op.f("uq_review_versions_review_id")),
    )
    op.create_table(
        "evidence_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        _fk("evidence_versions", "evidence_id", "evidence", ondelete="CASCADE"),
        _fk("evidence_versions", "edited_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_versions")),
        sa.UniqueConstraint("evidence_id", "number",
                            name=op.f("uq_evidence_versions_evidence_id")),
    )
    for table, column in (("claim_participants", "claim_id"), ("claim_participants", "user_id"),
                          ("review_versions", "review_id"),
                          ("evidence_versions", "evidence_id")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    # Plain ADD COLUMN with the reference inline (SQLite cannot add a constraint later, and
    # rebuilding `evidence` would cascade-delete the citations of it).
    op.add_column("evidence", sa.Column("removed_at", factcheck.dbtypes.UTCDateTime(),
                                        nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE evidence ADD COLUMN removed_by_id INTEGER CONSTRAINT "
                   "fk_evidence_removed_by_id_users REFERENCES users (id)")
    else:
        op.add_column("evidence", sa.Column("removed_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_evidence_removed_by_id_users"), "evidence", "users",
                              ["removed_by_id"], ["id"])
    # Everyone assigned today has been a reviewer since their assignment.
    op.execute("INSERT INTO claim_participants (claim_id, user_id, first_assigned_at) "
               "SELECT claim_id, reviewer_id, assigned_at FROM assignments")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops the column with its reference
        op.drop_constraint(op.f("fk_evidence_removed_by_id_users"), "evidence",
                           type_="foreignkey")
    with op.batch_alter_table("evidence", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("removed_by_id")
        batch_op.drop_column("removed_at")
    op.execute("UPDATE reviews SET status = 'draft' WHERE status = 'withdrawn'")
    for table in ("evidence_versions", "review_versions", "claim_participants"):
        op.drop_table(table)
