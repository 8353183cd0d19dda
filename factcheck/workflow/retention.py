"""Housekeeping: records that served their purpose are deleted after `RETENTION_DAYS`.

A desk runs for years; without this, finished background jobs, webhook deliveries, read
notifications, reminder marks, superseded link checks and signed-out device sessions
would grow without end. Each is deleted once it is older than the retention period (a
setting, 90 days by default; 0 keeps everything) and nothing still reads it:

- jobs that are done or failed (pending and running ones are work still to do; a done
  job's key could be enqueued again, but every key names a one-time event);
- webhook deliveries delivered or failed (pending ones will still be sent);
- notifications the user has read (unread ones wait for their reader);
- the marks that keep reminders to one a day;
- link checks that are no longer the latest of their evidence item (the latest is what
  editors see); likewise each webhook keeps its latest delivery to show;
- device sessions that ended or were last seen that long ago (a session lives 12 hours).

The newest row of each table always stays: SQLite gives a new row the highest id plus
one, so deleting the highest would hand its id, which job keys name (a delivery's, a
notification's mail), to the next row.

The audit log, articles, claims, reviews, evidence and preserved copies are never touched.
A daily job (`housekeeping.prune`) and `factcheck prune` run it, in batches of `BATCH`
rows, each committed on its own so that no long transaction holds the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from ..dbtypes import utcnow
from ..models import Job, LinkCheck, Notification, ReminderSent, UserSession, WebhookDelivery
from ..states import DeliveryStatus, JobStatus
from .jobs import daily

KIND = "housekeeping.prune"
DEFAULT_DAYS = 90
BATCH = 1000


class _Settings:
    days: Callable[[], int] = staticmethod(lambda: DEFAULT_DAYS)


SETTINGS = _Settings()


def configure_retention(*, days: Callable[[], int]) -> None:
    """Set where the retention period (in days) is read at each run."""
    SETTINGS.days = days


def _latest(id_column: Any, *group: Any) -> Any:
    """The highest id of each group (of the whole table without a group)."""
    query = select(func.max(id_column))
    return query.group_by(*group) if group else query


def _stale(cutoff: datetime) -> dict[str, Any]:
    """Each kind of record: its model, and the condition of its rows to delete."""
    return {
        "jobs": (Job, [col(Job.status).in_([JobStatus.DONE, JobStatus.FAILED]),
                       col(Job.finished_at) < cutoff]),
        "webhook_deliveries": (WebhookDelivery, [
            col(WebhookDelivery.status).in_([DeliveryStatus.DELIVERED, DeliveryStatus.FAILED]),
            func.coalesce(col(WebhookDelivery.last_attempt_at),
                          col(WebhookDelivery.created_at)) < cutoff,
            col(WebhookDelivery.id).not_in(_latest(WebhookDelivery.id,
                                                   col(WebhookDelivery.webhook_id)))]),
        "notifications": (Notification, [col(Notification.read_at) < cutoff]),
        "reminders_sent": (ReminderSent, [col(ReminderSent.sent_at) < cutoff]),
        "link_checks": (LinkCheck, [
            col(LinkCheck.checked_at) < cutoff,
            col(LinkCheck.id).not_in(_latest(LinkCheck.id, col(LinkCheck.evidence_id)))]),
        "user_sessions": (UserSession, [
            func.coalesce(col(UserSession.ended_at), col(UserSession.last_seen_at)) < cutoff]),
    }


def prune(session: Session, *, days: int, now: datetime | None = None) -> dict[str, int]:
    """Delete the records older than `days` that nothing reads any more (see the module);
    how many of each kind. Commits after each batch; `days` 0 deletes nothing."""
    stale = _stale((now or utcnow()) - timedelta(days=max(days, 0)))
    counts = dict.fromkeys(stale, 0)
    if days <= 0:
        return counts
    for name, (model, conditions) in stale.items():
        newest = session.exec(_latest(model.id)).one()
        ids = (select(model.id).where(*conditions, col(model.id) < (newest or 0))
               .order_by(col(model.id)).limit(BATCH))
        while batch := list(session.exec(ids).all()):
            deleted = session.exec(delete(model).where(col(model.id).in_(batch)))
            session.commit()
            counts[name] += deleted.rowcount
    return counts


@daily(KIND, hour=4)
def run_daily_prune(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The worker's daily job: delete what the retention period lets go."""
    return prune(session, days=SETTINGS.days())
