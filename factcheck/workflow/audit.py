"""Audit events: who did what to which object, written in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..models import AuditEvent, User


def record_audit(
    session: Session,
    *,
    actor: User | None,
    action: str,
    obj: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event for `action` on `obj` by `actor`; never stores secrets."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        details=details,
    )
    session.add(event)
    return event
