"""A user's notifications: the unread count every page shows, the inbox, where each leads."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..i18n import _
from ..models import Notification, User
from ..states import NotificationKind
from .mail import mail_states
from .paging import PER_PAGE, Page, paginate


def unread_count(session: Session, user: User) -> int:
    """How many of the user's notifications are unread (one query, from an index alone)."""
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, col(Notification.read_at).is_(None))).one()


@dataclass(frozen=True)
class NotificationView:
    """One notification as the inbox shows it, with who caused it."""

    notification: Notification
    actor: User | None
    mail: str | None = None  # where its e-mail stands (queries.mail.mail_states)

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def notifications_page(session: Session, *, user: User, page: int, unread_only: bool = False,
                       per_page: int = PER_PAGE) -> Page[NotificationView]:
    """The user's notifications, newest first, a page at a time, with where each one's
    mail stands (three queries)."""
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(col(Notification.read_at).is_(None))
    query = (select(Notification, User).outerjoin(User, col(User.id) == Notification.actor_id)
             .where(*where).order_by(col(Notification.id).desc()))
    count = select(func.count()).select_from(Notification).where(*where)
    found = paginate(session, query, page=page, per_page=per_page, count=count)
    mail = mail_states(session, [n for n, _actor in found.items])
    return Page(items=[NotificationView(n, actor, mail[n.id]) for n, actor in found.items],
                number=found.number, per_page=found.per_page, total=found.total)


def own_notification(session: Session, *, user: User, notification_id: int
                     ) -> Notification | None:
    """The notification if it is the user's, else None (another's is as good as absent)."""
    found = session.get(Notification, notification_id)
    return found if found is not None and found.user_id == user.id else None


@dataclass(frozen=True)
class Target:
    """Where a notification leads: an endpoint of the web app, its values and an anchor."""

    endpoint: str
    values: dict[str, int] = field(default_factory=dict)
    anchor: str | None = None


_REVIEWER_PAGE = {NotificationKind.ASSIGNED, NotificationKind.SENT_BACK,
                  NotificationKind.DECIDED, NotificationKind.PUBLISHED,
                  NotificationKind.DUE_TOMORROW, NotificationKind.OVERDUE}


def notification_target(notification: Notification) -> Target:
    """The exact place a notification is about, for its recipient.

    Reviewers go to their claim page (its discussion for a mention, their verdict when it
    was sent back), editors to the decision page when a claim is ready for decision, to
    the editor's claim page for a correction of a claim they decided, and to the reports
    inbox for a reader report. Something since deleted leads to the recipient's dashboard.
    """
    kind, claim_id = notification.kind, notification.claim_id
    role = (notification.details or {}).get("as")
    if kind == NotificationKind.REPORT:
        if notification.report_id is None:
            return Target("editor.reports")
        return Target("editor.reports", anchor=f"report-{notification.report_id}")
    if kind == NotificationKind.UNASSIGNED:
        return Target("review.queue")
    if claim_id is None:
        return Target("main.dashboard")
    if kind == NotificationKind.READY_FOR_DECISION:
        return Target("editor.decide", {"claim_id": claim_id})
    if kind == NotificationKind.SENT_BACK:
        return Target("review.claim", {"claim_id": claim_id}, anchor="my-review")
    if kind == NotificationKind.MENTION:  # the discussion is on the claim's workspace
        return Target("review.claim", {"claim_id": claim_id}, anchor="discussion")
    if kind in _REVIEWER_PAGE or role == "reviewer":
        return Target("review.claim", {"claim_id": claim_id})
    return Target("editor.claim", {"claim_id": claim_id})


def describe(view: NotificationView) -> str:
    """The notification as one sentence (from its kind and details only: no verdicts)."""
    details = view.notification.details or {}
    who = view.actor.display_name if view.actor is not None else _("Someone")
    claim = details.get("claim_text") or _("a claim")
    article = details.get("article_title") or _("an article")
    kind = view.notification.kind
    if kind == NotificationKind.ASSIGNED:
        due = details.get("due_on")
        if due:
            return _("{who} assigned you the claim “{claim}” in “{article}”, due {due}.",
                     who=who, claim=claim, article=article, due=due)
        return _("{who} assigned you the claim “{claim}” in “{article}”.", who=who,
                 claim=claim, article=article)
    if kind == NotificationKind.UNASSIGNED:
        return _("{who} took you off the claim “{claim}” in “{article}”.", who=who,
                 claim=claim, article=article)
    if kind == NotificationKind.SENT_BACK:
        return _("{who} sent the claim “{claim}” back to its reviewers.", who=who, claim=claim)
    if kind == NotificationKind.READY_FOR_DECISION:
        return _("The claim “{claim}” in “{article}” has its reviews and is ready for "
                 "decision.", claim=claim, article=article)
    if kind == NotificationKind.DECIDED:
        return _("{who} decided the claim “{claim}” that you review.", who=who, claim=claim)
    if kind == NotificationKind.PUBLISHED:
        return _("{who} published the claim “{claim}” that you review, in “{article}”.",
                 who=who, claim=claim, article=article)
    if kind == NotificationKind.CORRECTED:
        return _("{who} published a correction of the claim “{claim}” in “{article}”.",
                 who=who, claim=claim, article=article)
    if kind == NotificationKind.REPORT:
        return _("A reader sent a report about “{article}”.", article=article)
    if kind == NotificationKind.DUE_TOMORROW:
        return _("Reminder: your review of the claim “{claim}” in “{article}” is due "
                 "tomorrow, {due}.", claim=claim, article=article, due=details.get("due_on"))
    if kind == NotificationKind.OVERDUE:
        return _("Reminder: your review of the claim “{claim}” in “{article}” was due "
                 "{due} and is overdue.", claim=claim, article=article,
                 due=details.get("due_on"))
    return _("{who} mentioned you in the discussion of the claim “{claim}”.", who=who,
             claim=claim)
