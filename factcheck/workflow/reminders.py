"""Due-date reminders: a reviewer whose review is due tomorrow, or overdue, is told so.

Run once a day by the worker (a daily job, from `REMINDERS_HOUR` UTC) or by cron through
`factcheck send-reminders`. An open assignment is one whose claim is still being reviewed
and whose reviewer has not submitted: due tomorrow it gets one "due tomorrow" reminder, past
its due date one "overdue" reminder every day until the review is in. On the due day itself
there is none: the reviewer was told the day before, and is told again the day after.

"At most once per assignment per day" is kept by the database: a `reminders_sent` row per
assignment and day under a unique constraint, written in the transaction of the
notification, so two workers (or cron and a worker) running the same day never double up.
Reminders are notifications (`notify`): the recused and deactivated are left out as for any
other, and whatever follows notifications (mail) follows reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, and_, col, or_, select

from ..dbtypes import utcnow
from ..models import Assignment, Claim, ReminderSent, Review, User
from ..states import IN_PROGRESS, NotificationKind, ReviewStatus
from .jobs import daily
from .notifications import notify

KIND = "reminders.send"


@dataclass(frozen=True)
class ReminderCounts:
    """How many reminders one run sent, of each kind."""

    due_tomorrow: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        """Reminders of both kinds."""
        return self.due_tomorrow + self.overdue


def _open_assignments(session: Session, today: date) -> list[tuple[Assignment, Claim, User]]:
    """Assignments due tomorrow or before today, of claims still in review, whose active
    reviewer has not submitted, and not reminded yet today (one query)."""
    tomorrow = today + timedelta(days=1)
    reminded = select(ReminderSent.assignment_id).where(ReminderSent.day == today)
    query = (
        select(Assignment, Claim, User)
        .join(Claim, col(Claim.id) == Assignment.claim_id)
        .join(User, col(User.id) == Assignment.reviewer_id)
        .outerjoin(Review, and_(col(Review.claim_id) == Assignment.claim_id,
                                col(Review.reviewer_id) == Assignment.reviewer_id))
        .where(col(Claim.status).in_(IN_PROGRESS), col(User.is_active).is_(True),
               or_(col(Assignment.due_on) == tomorrow, col(Assignment.due_on) < today),
               or_(col(Review.id).is_(None), col(Review.status) != ReviewStatus.SUBMITTED),
               col(Assignment.id).not_in(reminded))
        .order_by(col(Assignment.id)))
    return list(session.exec(query).all())


def send_reminders(session: Session, *, today: date) -> ReminderCounts:
    """Remind the reviewers of open assignments due tomorrow or overdue on `today` (UTC),
    at most once per assignment and day; how many were sent. Flushes only."""
    sent = {NotificationKind.DUE_TOMORROW: 0, NotificationKind.OVERDUE: 0}
    for assignment, claim, reviewer in _open_assignments(session, today):
        kind = (NotificationKind.OVERDUE if assignment.due_on < today
                else NotificationKind.DUE_TOMORROW)
        try:  # another run may have reminded it since the query: its row wins
            with session.begin_nested():
                session.add(ReminderSent(assignment_id=assignment.id, day=today, kind=kind))
        except IntegrityError:
            continue
        sent[kind] += notify(session, users=[reviewer], kind=kind, actor=None, claim=claim,
                             details={"due_on": assignment.due_on.isoformat()})
    return ReminderCounts(due_tomorrow=sent[NotificationKind.DUE_TOMORROW],
                          overdue=sent[NotificationKind.OVERDUE])


@daily(KIND, hour="REMINDERS_HOUR")
def run_daily_reminders(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The worker's daily job: today's reminders (a repeat the same day sends none)."""
    # The day it runs, not the day it was asked for: a job delayed past midnight must not
    # call a review due today "due tomorrow".
    today = utcnow().date()
    counts = send_reminders(session, today=today)
    return {"day": today.isoformat(), "due_tomorrow": counts.due_tomorrow,
            "overdue": counts.overdue}
