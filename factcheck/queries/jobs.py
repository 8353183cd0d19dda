"""The state of the background job queue, for /healthz and the admins' jobs page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..models import Job, WorkerBeat
from ..states import JobStatus
from .paging import Page, paginate

# The admins' page lists work that needs watching; finished jobs are in the counts only.
WATCHED = (JobStatus.FAILED, JobStatus.RUNNING, JobStatus.PENDING)


@dataclass(frozen=True)
class QueueState:
    """How much work waits, since when, and when a worker was last alive."""

    counts: dict[JobStatus, int]
    oldest_pending_at: datetime | None
    worker_seen_at: datetime | None

    @property
    def pending(self) -> int:
        """Jobs waiting for a worker (first run or a retry)."""
        return self.counts.get(JobStatus.PENDING, 0)


def queue_state(session: Session) -> QueueState:
    """Counts by status, the oldest waiting job and the last worker heartbeat (3 queries)."""
    counts = dict(session.exec(select(Job.status, func.count()).group_by(Job.status)).all())
    oldest = session.exec(select(func.min(Job.created_at))
                          .where(col(Job.status) == JobStatus.PENDING)).one()
    seen = session.exec(select(func.max(WorkerBeat.seen_at))).one()
    return QueueState(counts=counts, oldest_pending_at=oldest, worker_seen_at=seen)


def jobs_page(session: Session, *, status: JobStatus | None, page: int) -> Page[Job]:
    """Jobs that need watching (or those of `status`), failed first, newest first."""
    statuses = (status,) if status else WATCHED
    order = [col(Job.status) != JobStatus.FAILED, col(Job.id).desc()]
    query = select(Job).where(col(Job.status).in_(statuses)).order_by(*order)
    return paginate(session, query, page=page)


URL_IMPORT = "article.import_url"  # the kind written by factcheck/workflow/url_imports.py
# How long a failed import stays on its editor's list of articles.
FAILED_IMPORTS_SHOWN = timedelta(days=1)


def url_imports_of(session: Session, user_id: int, *, limit: int = 20) -> list[Job]:
    """The user's web-page imports still waiting or running, and those failed lately."""
    recent_failure = (col(Job.status) == JobStatus.FAILED) & (
        col(Job.finished_at) >= utcnow() - FAILED_IMPORTS_SHOWN)
    return list(session.exec(
        select(Job).where(Job.kind == URL_IMPORT,
                          col(Job.status).in_((JobStatus.PENDING, JobStatus.RUNNING))
                          | recent_failure,
                          Job.payload["actor_id"].as_integer() == user_id)
        .order_by(col(Job.id).desc()).limit(limit)).all())
