"""E-mail of notifications: users' choices, and the jobs that send mail after commit.

The workflow never sends mail itself: it writes notification rows, and the app asks,
just before the transaction commits, for one job per notification whose recipient wants
it at once (`enqueue_notification_mail`). A digest job a day gathers the rest. A job
records `mailed_at` when its mail is accepted, so a retry never sends a second one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col

from ..dbtypes import utcnow
from ..models import MailPreference, Notification, User
from ..queries.mail import (
    DEFAULT_DELIVERY,
    digest_recipients,
    mail_choices,
    notification_mail_key,
    to_mail_now,
)
from ..states import MailDelivery, NotificationKind
from .audit import record_audit
from .jobs import enqueue

NOTIFICATION_MAIL = "mail.notification"
DIGEST = "mail.digest"
DIGEST_OF_USER = "mail.digest_user"
INVITATION_MAIL = "mail.invitation"
PASSWORD_RESET_MAIL = "mail.password_reset"  # noqa: S105 (a job kind)
TEST_MAIL = "mail.test"
REPORT_REPLY_MAIL = "mail.report_reply"  # an editor's reply to a reader who reported
MAIL_ATTEMPTS = 6  # back-off 10 s … 160 s: a mail server restarting is waited out


def enqueue_notification_mail(session: Session, ids: Sequence[int]) -> int:
    """Ask for a mail for each of these new notifications that is wanted at once; how many."""
    wanted = to_mail_now(session, ids)
    for notification_id in wanted:
        enqueue(session, NOTIFICATION_MAIL, {"id": notification_id},
                key=notification_mail_key(notification_id), max_attempts=MAIL_ATTEMPTS)
    return len(wanted)


def request_digests(session: Session, *, day: date) -> int:
    """Ask for one digest job per user who gathers notifications into a digest, once a day."""
    users = digest_recipients(session)
    for user_id in users:
        enqueue(session, DIGEST_OF_USER, {"user_id": user_id, "day": day.isoformat()},
                key=f"mail:digest:{user_id}:{day.isoformat()}", max_attempts=MAIL_ATTEMPTS)
    return len(users)


def mark_mailed(session: Session, ids: Sequence[int]) -> None:
    """Record that these notifications went out by e-mail."""
    if ids:
        session.exec(update(Notification).where(col(Notification.id).in_(sorted(ids)))
                     .values(mailed_at=utcnow()).execution_options(synchronize_session=False))


def set_mail_choices(session: Session, *, user: User,
                     choices: Mapping[NotificationKind, MailDelivery], actor: User | None,
                     reason: str = "settings") -> list[NotificationKind]:
    """Save how the user wants each kind by e-mail; the kinds that changed (audited)."""
    current = mail_choices(session, user)
    changed = [kind for kind, delivery in choices.items() if current[kind] != delivery]
    for kind in changed:
        found = session.get(MailPreference, (user.id, kind))
        if choices[kind] == DEFAULT_DELIVERY:
            if found is not None:
                session.delete(found)
        elif found is None:
            session.add(MailPreference(user_id=user.id, kind=kind, delivery=choices[kind]))
        else:
            found.delivery = choices[kind]
            session.add(found)
    if changed:
        record_audit(session, actor=actor, action="user.mail_preferences", obj=user,
                     reason=reason, changes={k.value: choices[k].value for k in changed})
    return changed


def stop_mail(session: Session, *, user: User, kinds: Sequence[NotificationKind]
              ) -> list[NotificationKind]:
    """Turn e-mail off for these kinds (the unsubscribe link of a mail); what changed."""
    return set_mail_choices(session, user=user, actor=None, reason="unsubscribe",
                            choices=dict.fromkeys(kinds, MailDelivery.OFF))
