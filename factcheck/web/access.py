"""Who is signed in, session lifetimes, and the role guards of the blueprints."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial, wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..db import SAFE_METHODS
from ..dbtypes import utcnow
from ..extensions import db
from ..infra.security_log import security_event
from ..models import User, UserSession
from ..queries.accounts import device_session_by_key
from ..states import Role
from ..workflow.device_sessions import (
    end_device_session,
    start_device_session,
    touch_device_session,
)
from .steps import view_step

# Refresh the idle timestamps (the cookie's `seen`, the session row's `last_seen_at`) at
# most this often, so reading pages neither rewrites the cookie nor writes to the database
# on every request.
_SEEN_RESOLUTION_SECONDS = 60


def current_user() -> User | None:
    """The signed-in user of this request, or None for anonymous readers."""
    return g.get("user")


def current_device_session() -> UserSession | None:
    """The session row of this browser, or None for anonymous readers."""
    return g.get("device_session")


def load_current_user() -> None:
    """Resolve the session cookie to an active user, ending stale or revoked sessions."""
    g.user = None
    g.device_session = None
    uid = session.get("uid")
    if uid is None or request.endpoint == "static":
        return
    now = int(time.time())
    cfg = current_app.config
    key = session.get("sid")
    too_old = now - session.get("iat", 0) > cfg["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = now - session.get("seen", 0) > cfg["SESSION_IDLE_TIMEOUT"].total_seconds()
    if too_old or idle:
        reason = "lifetime" if too_old else "idle"
        session.clear()
        if isinstance(key, str):
            _write_now(partial(_expire, key=key, uid=uid, reason=reason))
        security_event("auth.session_expired", user=uid, reason=reason)
        return
    found = device_session_by_key(db.session, key) if isinstance(key, str) else None
    device, user = found if found is not None else (None, None)
    if (device is None or device.ended_at is not None or user.id != uid
            or not user.is_active or user.session_version != session.get("sv")):
        session.clear()
        # Signed out here or elsewhere, password changed or account deactivated: a stale
        # cookie. A cookie from before sessions per device (no `sid`) is signed out too.
        if key is None:
            reason = "no_device_session"
        elif user is not None and user.id == uid and not user.is_active:
            reason = "inactive"
        else:
            reason = "revoked"
        security_event("auth.session_revoked", level=logging.WARNING, user=uid, reason=reason)
        return
    seen_at = utcnow()
    if seen_at - device.last_seen_at >= timedelta(seconds=_SEEN_RESOLUTION_SECONDS):
        _write_now(partial(touch_device_session, device_session_id=device.id, at=seen_at))
    if now - session["seen"] >= _SEEN_RESOLUTION_SECONDS:
        session["seen"] = now
    g.user = user
    g.device_session = device


def _expire(db_session: Session, *, key: str, uid: int, reason: str) -> None:
    found = device_session_by_key(db_session, key)
    if found is not None and found[0].user_id == uid:
        end_device_session(db_session, device=found[0], actor=None, reason=reason)


def _write_now(work: Callable[[Session], None]) -> None:
    """Commit `work` (a rare bookkeeping write: a device seen, a session expired) at once.

    A GET's session only reads (on SQLite a plain BEGIN, which must not turn into a write
    halfway), so the write gets a short transaction of its own, as the shared page cache
    does; it is best effort: if it fails, the next request tries again. Any other method's
    session takes the SQLite write lock at its first statement (BEGIN IMMEDIATE), here the
    lookup of the session, so a second connection would wait for it: the request's own
    session writes and commits instead, before the view has done anything.
    """
    if request.method not in SAFE_METHODS:
        work(db.session)
        db.session.commit()
        return
    try:
        with Session(db.engine_for(write=True)) as apart:
            work(apart)
            apart.commit()
    except SQLAlchemyError:
        current_app.logger.warning("session bookkeeping not written", exc_info=True)


def login_user(user: User) -> None:
    """Start a fresh session for `user` (the old session and its CSRF token are dropped)."""
    session.clear()
    with view_step():
        key, device = start_device_session(
            db.session, user=user, user_agent=device_summary(request.user_agent.string),
            ip_address=request.remote_addr or "")
    now = int(time.time())
    session.update(uid=user.id, sid=key, sv=user.session_version, iat=now, seen=now)
    session.permanent = True
    g.user = user
    g.device_session = device


def logout_user() -> None:
    """Forget the session on this browser (ending its row is the caller's step)."""
    session.clear()
    g.user = None
    g.device_session = None


# (name, pattern) in the order they must be tried: Edge and Opera also say "Chrome", Chrome
# also says "Safari", Android also says "Linux".
_BROWSERS = (("Edge", r"\bEdg(?:e|A|iOS)?/"), ("Opera", r"\bOPR/|\bOpera\b"),
             ("Samsung Internet", r"\bSamsungBrowser/"), ("Firefox", r"\b(?:Firefox|FxiOS)/"),
             ("Chrome", r"\b(?:Chrome|CriOS|Chromium)/"), ("Safari", r"\bVersion/[\d.]+.*Safari/"))
_SYSTEMS = (("Windows", r"\bWindows\b"), ("Android", r"\bAndroid\b"),
            ("iOS", r"\b(?:iPhone|iPad|iPod)\b"), ("ChromeOS", r"\bCrOS\b"),
            ("macOS", r"\bMac OS X\b|\bMacintosh\b"), ("Linux", r"\bLinux\b|\bX11\b"))
_PRODUCT = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,39}")


def device_summary(user_agent: str) -> str:
    """A short name of the browser and system ("Firefox · Linux") to tell devices apart.

    Language-neutral (product names only), since it is stored; "" when nothing is known.
    A program that is no browser is named by its first product token ("curl").
    """
    user_agent = (user_agent or "")[:1000]
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, user_agent)),
                   None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)),
                  None)
    if browser is None and system is None:
        product = _PRODUCT.match(user_agent)
        return product.group(0) if product else ""
    return " · ".join(part for part in (browser, system) if part)


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
