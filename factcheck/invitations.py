"""Signed invitation links: valid until used, revoked or expired; no table needed."""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from .models import User

_SALT = "factcheck.invitation"
_settings: dict[str, object] = {}


def configure_invitations(*, secret_key: str, max_age: timedelta) -> None:
    """Set the signing key and the validity once at start-up (create_app)."""
    _settings.update(secret_key=secret_key, max_age=int(max_age.total_seconds()))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_settings["secret_key"], salt=_SALT)


def invitation_token(user: User) -> str:
    """A token that lets `user` choose a password, bound to their session version."""
    return _serializer().dumps({"uid": user.id, "sv": user.session_version})


def user_for_invitation(session: Session, token: str) -> User | None:
    """The active user `token` invites, or None if it is forged, expired or used."""
    try:
        data = _serializer().loads(token, max_age=_settings["max_age"])
    except BadSignature:
        return None
    user = session.get(User, data.get("uid"))
    # Accepting the invitation bumps the session version, which spends the token.
    if user is None or not user.is_active or user.session_version != data.get("sv"):
        return None
    if user.password_hash:  # already accepted
        return None
    return user
