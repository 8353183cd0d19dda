"""Signed invitation and password-reset links: valid until used or expired; no table needed."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from .models import User

_SALT = "factcheck.invitation"
_RESET_SALT = "factcheck.password-reset"
_settings: dict[str, object] = {}


def configure_invitations(*, secret_key: str, max_age: timedelta,
                          reset_max_age: timedelta = timedelta(hours=1)) -> None:
    """Set the signing key and the validity once at start-up (create_app)."""
    _settings.update(secret_key=secret_key, max_age=int(max_age.total_seconds()),
                     reset_max_age=int(reset_max_age.total_seconds()))


def _serializer(salt: str = _SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_settings["secret_key"], salt=salt)


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


def _password_mark(user: User) -> str:
    # The token dies with the password it was issued against: one reset spends it.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    """A token that lets `user` choose a new password once, within the reset validity."""
    return _serializer(_RESET_SALT).dumps(
        {"uid": user.id, "sv": user.session_version, "pw": _password_mark(user)})


def user_for_reset(session: Session, token: str) -> User | None:
    """The active user `token` lets choose a new password, or None if forged, expired or used."""
    try:
        data = _serializer(_RESET_SALT).loads(token, max_age=_settings["reset_max_age"])
    except BadSignature:
        return None
    user = session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if (user is None or not user.is_active or not user.password_hash
            or user.session_version != data.get("sv") or _password_mark(user) != data.get("pw")):
        return None
    return user
