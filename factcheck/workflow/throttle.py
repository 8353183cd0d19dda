"""Counting failed attempts in the database, so every worker shares one limit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..models import ThrottleHit


def over_limit(session: Session, limits: dict[str, int], window: timedelta) -> bool:
    """True when any key has reached its limit within the window."""
    since = utcnow() - window
    for key, limit in limits.items():
        count = session.exec(select(func.count()).select_from(ThrottleHit).where(
            ThrottleHit.key == key, ThrottleHit.at >= since)).one()
        if count >= limit:
            return True
    return False


def record_hits(session: Session, keys: list[str], window: timedelta) -> None:
    """Count one attempt for each key, and forget attempts older than the window."""
    session.exec(delete(ThrottleHit).where(col(ThrottleHit.at) < utcnow() - window))
    for key in keys:
        session.add(ThrottleHit(key=key[:200]))


def clear_hits(session: Session, key: str) -> None:
    """Forget a key's attempts (after a successful sign-in)."""
    session.exec(delete(ThrottleHit).where(col(ThrottleHit.key) == key))
