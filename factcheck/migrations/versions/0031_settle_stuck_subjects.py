"""Webhook deliveries, copies of pages and Wayback snapshots left pending by a job that failed.

Until this revision, a job that failed for good without recording its outcome (a crash on
every attempt, a worker that died on it each time) left its subject pending for ever, and
housekeeping later deleted the failed job. The workflow now fails the subject with its job
(factcheck/workflow/jobs.py, `on_give_up`); this migration does the same for what was left
behind: a subject still pending whose job (found by its key) is neither pending nor
running is marked failed, with a reason in English (the desk's language is not known
here), so that it can be sent or asked for again. Data only; the downgrade leaves the
rows as they are (they were failed in all but name).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DELIVERY_ERROR = ("Its background job failed or was removed before it recorded an answer; "
                  "redeliver it to send it again.")
CAPTURE_REASON = ("The copy could not be made: the background job fetching the page failed. "
                  "Ask for a new copy to try again.")
WAYBACK_REASON = "The background job asking the Internet Archive failed."


JOBS = sa.table("jobs", sa.column("key", sa.String), sa.column("status", sa.String))
DELIVERIES = sa.table("webhook_deliveries", sa.column("id", sa.Integer),
                      sa.column("status", sa.String), sa.column("error", sa.Text))
CAPTURES = sa.table("evidence_captures", sa.column("id", sa.Integer),
                    sa.column("status", sa.String), sa.column("reason", sa.Text),
                    sa.column("captured_at", sa.DateTime),
                    sa.column("wayback_status", sa.String),
                    sa.column("wayback_reason", sa.Text))


def _no_live_job(prefix: str, row_id: sa.ColumnElement) -> sa.ColumnElement:
    """No pending or running job holds the key `prefix` + the row's id."""
    key = sa.literal(prefix, sa.String) + sa.cast(row_id, sa.String)
    return ~sa.exists().where(JOBS.c.key == key, JOBS.c.status.in_(["pending", "running"]))


def upgrade() -> None:
    run = op.get_bind().execute
    run(DELIVERIES.update()
        .where(DELIVERIES.c.status == "pending",
               _no_live_job("webhook:delivery:", DELIVERIES.c.id))
        .values(status="failed", error=DELIVERY_ERROR))
    run(CAPTURES.update()
        .where(CAPTURES.c.status == "pending",
               _no_live_job("evidence.capture:", CAPTURES.c.id))
        .values(status="failed", reason=CAPTURE_REASON, captured_at=sa.func.current_timestamp()))
    run(CAPTURES.update()
        .where(CAPTURES.c.wayback_status == "pending",
               _no_live_job("evidence.wayback:", CAPTURES.c.id))
        .values(wayback_status="failed", wayback_reason=WAYBACK_REASON))


def downgrade() -> None:
    """Nothing to undo: the rows stay failed."""
