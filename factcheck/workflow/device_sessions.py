"""Sessions per device: started at sign-in, ended one by one, or all at once.

The browser's cookie holds a random key; the database keeps only its SHA-256 hash, so
neither a copy of the database nor the audit log can sign anyone in.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..i18n import _
from ..models import User, UserSession
from ..queries.accounts import session_key_hash
from .audit import record_audit
from .errors import WorkflowError

_USER_AGENT_MAX = 120
_ADDRESS_MAX = 45  # the longest textual IPv6 address


def start_device_session(session: Session, *, user: User, user_agent: str,
                         ip_address: str) -> tuple[str, UserSession]:
    """Record a new signed-in device; returns the key for its cookie (never stored) and row."""
    key = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, key_hash=session_key_hash(key),
                      user_agent=user_agent[:_USER_AGENT_MAX],
                      ip_address=(ip_address or "")[:_ADDRESS_MAX])
    session.add(row)
    session.flush()
    return key, row


def touch_device_session(session: Session, *, device_session_id: int, at: datetime) -> None:
    """Note that the device was seen at `at` (the caller decides how rarely to call this).

    One UPDATE by id: it may run in a short transaction of its own, apart from the
    request's, and it never revives a session that ended meanwhile.
    """
    session.exec(update(UserSession)
                 .where(col(UserSession.id) == device_session_id,
                        col(UserSession.ended_at).is_(None))
                 .values(last_seen_at=at))


def end_device_session(session: Session, *, device: UserSession, actor: User | None,
                       reason: str) -> bool:
    """End one session (a sign-out, its owner ending it, expiry with no actor); audited.

    Returns False when it had already ended.
    """
    if actor is not None and device.user_id != actor.id:
        raise WorkflowError(_("This session is not yours."), code="forbidden")
    if device.ended_at is not None:
        return False
    device.ended_at = utcnow()
    device.ended_reason = reason
    session.add(device)
    record_audit(session, actor=actor, action="auth.session_ended", obj=device, reason=reason)
    return True


def end_device_sessions_of(session: Session, *, user: User, reason: str) -> int:
    """End every active session of `user` (the caller audits why); returns how many."""
    live = session.exec(select(UserSession).where(UserSession.user_id == user.id,
                                                  col(UserSession.ended_at).is_(None))).all()
    now = utcnow()
    for device in live:
        device.ended_at = now
        device.ended_reason = reason
        session.add(device)
    return len(live)
