"""Changing organisation-wide settings (their defaults and reads: queries/settings.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..dbtypes import utcnow
from ..models import Setting, User
from ..queries.settings import DEFAULTS
from .audit import record_audit


def set_setting(session: Session, *, key: str, value: Any, actor: User) -> None:
    """Store `value` for `key` and audit the change."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(Setting, key) or Setting(key=key)
    before = row.value if row.value is not None else DEFAULTS[key]
    row.value, row.updated_at = value, utcnow()
    session.add(row)
    record_audit(session, actor=actor, action="setting.change", key=key, before=before,
                 after=value)
