"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable at once."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..i18n import _
from ..models import ApiToken, User
from .audit import record_audit
from .errors import WorkflowError

TOKEN_PREFIX = "fc_"  # noqa: S105 (a marker, not a secret)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(session: Session, *, user: User, name: str) -> tuple[str, ApiToken]:
    """A new token for `user`: returns the secret (shown once) and its stored record."""
    if not user.is_active:
        raise WorkflowError(_("A deactivated account cannot have API tokens."),
                            code="conflict")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=(name or "").strip()[:100],
                     token_hash=_digest(raw), prefix=raw[:10])
    session.add(token)
    session.flush()
    record_audit(session, actor=user, action="token.create", obj=token, name=token.name)
    return raw, token


def revoke_token(session: Session, *, token: ApiToken, actor: User) -> None:
    """Stop a token from working, now."""
    if token.user_id != actor.id:
        raise WorkflowError(_("This token is not yours."), code="forbidden")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        record_audit(session, actor=actor, action="token.revoke", obj=token)


def revoke_tokens_of(session: Session, *, user: User, actor: User | None,
                     reason: str) -> list[ApiToken]:
    """Revoke every live token of `user` (deactivation, password change); returns them."""
    live = session.exec(select(ApiToken).where(ApiToken.user_id == user.id,
                                               col(ApiToken.revoked_at).is_(None))).all()
    now = utcnow()
    for token in live:
        token.revoked_at = now
        session.add(token)
        record_audit(session, actor=actor, action="token.revoke", obj=token, reason=reason)
    return list(live)


def user_for_token(session: Session, raw: str) -> User | None:
    """The active user a live token belongs to, or None (one indexed lookup)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    query = (select(User).join(ApiToken, col(ApiToken.user_id) == User.id)
             .where(ApiToken.token_hash == _digest(raw), col(ApiToken.revoked_at).is_(None),
                    User.is_active.is_(True)))
    return session.exec(query).first()
