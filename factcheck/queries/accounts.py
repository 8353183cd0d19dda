"""Reads about accounts: finding one by email, whether any exists, a user's API tokens and
signed-in devices."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from ..models import ApiToken, User, UserSession


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding blanks."""
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, if any."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def needs_setup(session: Session) -> bool:
    """True on a fresh installation that has no user yet."""
    return session.exec(select(func.count()).select_from(User)).one() == 0


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(
        col(ApiToken.id).desc())
    return list(session.exec(query).all())


def session_key_hash(key: str) -> str:
    """The stored form of a session key: its SHA-256 hex digest (the key is never stored)."""
    return hashlib.sha256(key.encode()).hexdigest()


def device_session_by_key(session: Session, key: str) -> tuple[UserSession, User] | None:
    """The session a cookie's key names, with its user (one indexed lookup), or None."""
    if not key or len(key) > 100:
        return None
    query = (select(UserSession, User).join(User, col(UserSession.user_id) == User.id)
             .where(UserSession.key_hash == session_key_hash(key)))
    found = session.exec(query).first()
    return (found[0], found[1]) if found is not None else None


@dataclass(frozen=True)
class DeviceSessionView:
    """One signed-in device on the account's sessions page."""

    session: UserSession
    current: bool


def active_sessions_of(session: Session, *, user: User, current_id: int | None,
                       now: datetime, idle: timedelta, lifetime: timedelta,
                       ) -> list[DeviceSessionView]:
    """The user's sessions still in force, this device first, then the latest seen first.

    A session left idle or past its lifetime is ended at its next request; until then it
    is left out here, so that a browser that never came back is not listed as signed in.
    """
    query = (select(UserSession)
             .where(UserSession.user_id == user.id, col(UserSession.ended_at).is_(None),
                    col(UserSession.last_seen_at) > now - idle,
                    col(UserSession.created_at) > now - lifetime)
             .order_by(col(UserSession.last_seen_at).desc(), col(UserSession.id).desc()))
    views = [DeviceSessionView(session=row, current=row.id == current_id)
             for row in session.exec(query).all()]
    return sorted(views, key=lambda view: not view.current)  # stable: keeps the order
