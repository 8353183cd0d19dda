"""Who gets which notification by e-mail, and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from ..models import Job, MailPreference, Notification, User
from ..states import JobStatus, MailDelivery, NotificationKind

DEFAULT_DELIVERY = MailDelivery.IMMEDIATE


def notification_mail_key(notification_id: int) -> str:
    """The job key of a notification's own mail (one job per notification, ever)."""
    return f"mail:notification:{notification_id}"


def mail_states(session: Session, notifications: Sequence[Notification]
                ) -> dict[int, str | None]:
    """Where each notification's mail stands: "sent", "pending", "failed", "not_sent"
    (its job found nothing to send: read first, settings changed) or None (not to be
    mailed on its own: mail off, a digest, or not wanted). One query."""
    states: dict[int, str | None] = {n.id: "sent" for n in notifications if n.mailed_at}
    waiting = {notification_mail_key(n.id): n.id for n in notifications if not n.mailed_at}
    if waiting:
        for key, status in session.exec(select(Job.key, Job.status)
                                        .where(col(Job.key).in_(sorted(waiting)))).all():
            states[waiting[key]] = {JobStatus.PENDING: "pending", JobStatus.RUNNING: "pending",
                                    JobStatus.FAILED: "failed"}.get(status, "not_sent")
    return {n.id: states.get(n.id) for n in notifications}


def mail_choices(session: Session, user: User) -> dict[NotificationKind, MailDelivery]:
    """The user's choice for every kind of notification (immediately unless changed)."""
    chosen = {p.kind: p.delivery for p in session.exec(
        select(MailPreference).where(MailPreference.user_id == user.id)).all()}
    return {kind: chosen.get(kind, DEFAULT_DELIVERY) for kind in NotificationKind}


def delivery_of(session: Session, *, user_id: int, kind: NotificationKind) -> MailDelivery:
    """How the user wants notifications of `kind` by e-mail."""
    found = session.get(MailPreference, (user_id, kind))
    return found.delivery if found is not None else DEFAULT_DELIVERY


def to_mail_now(session: Session, ids: Sequence[int]) -> list[int]:
    """Of these notifications, those whose recipient wants them by e-mail at once (one query)."""
    if not ids:
        return []
    chosen = (select(MailPreference.delivery)
              .where(MailPreference.user_id == Notification.user_id,
                     MailPreference.kind == Notification.kind)
              .scalar_subquery())
    rows = session.exec(
        select(Notification.id).join(User, col(User.id) == Notification.user_id)
        .where(col(Notification.id).in_(sorted(set(ids))), col(User.is_active).is_(True),
               col(Notification.mailed_at).is_(None),
               (chosen == MailDelivery.IMMEDIATE) | chosen.is_(None))
        .order_by(col(Notification.id))).all()
    return list(rows)


def digest_recipients(session: Session) -> list[int]:
    """Active users who chose a daily digest for at least one kind."""
    return list(session.exec(
        select(MailPreference.user_id).distinct()
        .join(User, col(User.id) == MailPreference.user_id)
        .where(MailPreference.delivery == MailDelivery.DIGEST, col(User.is_active).is_(True))
        .order_by(MailPreference.user_id)).all())


def digest_notifications(session: Session, *, user: User, since: datetime
                         ) -> list[Notification]:
    """The user's unread, unmailed notifications since `since` of the kinds they gather
    into a digest, oldest first."""
    kinds = [k for k, d in mail_choices(session, user).items() if d == MailDelivery.DIGEST]
    if not kinds:
        return []
    return list(session.exec(
        select(Notification).where(Notification.user_id == user.id,
                                   col(Notification.kind).in_(kinds),
                                   col(Notification.read_at).is_(None),
                                   col(Notification.mailed_at).is_(None),
                                   col(Notification.created_at) >= since)
        .order_by(col(Notification.id))).all())
