"""Who gets which notification by e-mail, and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from ..models import MailPreference, Notification, User
from ..states import MailDelivery, NotificationKind

DEFAULT_DELIVERY = MailDelivery.IMMEDIATE


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
