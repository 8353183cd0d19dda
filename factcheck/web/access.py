"""Who is signed in, session lifetimes, and the role guards of the blueprints."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for

from ..extensions import db
from ..infra.security_log import security_event
from ..models import User
from ..states import Role

# Refresh the idle timestamp at most this often, so reads do not rewrite the cookie.
_SEEN_RESOLUTION_SECONDS = 60


def current_user() -> User | None:
    """The signed-in user of this request, or None for anonymous readers."""
    return g.get("user")


def load_current_user() -> None:
    """Resolve the session cookie to an active user, ending stale or revoked sessions."""
    g.user = None
    uid = session.get("uid")
    if uid is None or request.endpoint == "static":
        return
    now = int(time.time())
    cfg = current_app.config
    too_old = now - session.get("iat", 0) > cfg["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = now - session.get("seen", 0) > cfg["SESSION_IDLE_TIMEOUT"].total_seconds()
    if too_old or idle:
        session.clear()
        security_event("auth.session_expired", user=uid, reason="lifetime" if too_old else "idle")
        return
    user = db.session.get(User, uid)
    if user is None or not user.is_active or user.session_version != session.get("sv"):
        session.clear()
        # Signed out elsewhere, password changed or account deactivated: a stale cookie.
        security_event("auth.session_revoked", level=logging.WARNING, user=uid,
                       reason="inactive" if user is not None and not user.is_active
                       else "revoked")
        return
    if now - session["seen"] >= _SEEN_RESOLUTION_SECONDS:
        session["seen"] = now
    g.user = user


def login_user(user: User) -> None:
    """Start a fresh session for `user` (the old session and its CSRF token are dropped)."""
    session.clear()
    now = int(time.time())
    session.update(uid=user.id, sv=user.session_version, iat=now, seen=now)
    session.permanent = True
    g.user = user


def logout_user() -> None:
    """Forget the session on this browser."""
    session.clear()
    g.user = None


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a local path on this site, else `default` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def require_login() -> None:
    """Send anonymous users to the login page, remembering where they were going."""
    if current_user() is None:
        target = request.full_path if request.query_string else request.path
        abort(redirect(url_for("auth.login", next=target)))


def guard_blueprint(bp: Blueprint, role: Role) -> None:
    """Require at least `role` for every route of `bp` (object checks stay in workflow)."""

    @bp.before_request
    def _guard() -> None:
        require_login()
        if not current_user().role.at_least(role):
            abort(403)


def role_required(role: Role) -> Callable:
    """Decorator form of the role guard, for single routes outside a guarded blueprint."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            require_login()
            if not current_user().role.at_least(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorate
