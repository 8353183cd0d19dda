"""Background jobs: the job table (the queue's source of truth) and worker heartbeats.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 13:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum("pending", "running", "done", "failed", name="jobstatus",
                  native_enum=False, create_constraint=False, length=15)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
    )
    op.create_index(op.f("ix_jobs_created_at"), "jobs", ["created_at"], unique=False)
    op.create_index("ix_jobs_status_run_after", "jobs", ["status", "run_after"], unique=False)
    op.create_table(
        "worker_beats",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("started_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("seen_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_beats")),
    )
    op.create_index(op.f("ix_worker_beats_seen_at"), "worker_beats", ["seen_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_worker_beats_seen_at"), table_name="worker_beats")
    op.drop_table("worker_beats")
    op.drop_index("ix_jobs_status_run_after", table_name="jobs")
    op.drop_index(op.f("ix_jobs_created_at"), table_name="jobs")
    op.drop_table("jobs")
