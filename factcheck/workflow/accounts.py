"""Accounts: first-admin setup, users, roles, passwords, sign-in."""

from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..dbtypes import utcnow
from ..i18n import _
from ..models import ApiToken, Setting, User
from ..passwords import hash_password, needs_rehash, password_problems, verify_password
from ..queries.accounts import find_user_by_email, needs_setup, normalise_email
from ..states import Role
from .audit import record_audit
from .device_sessions import end_device_sessions_of
from .errors import WorkflowError
from .jobs import enqueue
from .mail import INVITATION_MAIL, MAIL_ATTEMPTS, PASSWORD_RESET_MAIL
from .tokens import revoke_tokens_of

SETUP_DONE_KEY = "setup.completed"


@cache
def _timing_hash() -> str:
    # Verifying against a real hash when the email is unknown keeps the timing of a
    # failed login the same whether or not the account exists.
    return hash_password(secrets.token_urlsafe(16))





def _check_password(password: str, email: str) -> None:
    problems = password_problems(password, email=email)
    if problems:
        raise WorkflowError(" ".join(problems), field="password")


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str | None,
    actor: User | None,
) -> User:
    """Create an account; without a password it waits for an invitation to be accepted."""
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise WorkflowError(_("An account with this email already exists."), field="email")
    if password is not None:
        _check_password(password, email)
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        role=role,
        password_hash=hash_password(password) if password is not None else "",
    )
    session.add(user)
    session.flush()
    record_audit(session, actor=actor, action="user.create", obj=user, role=str(role))
    return user


def setup_first_admin(session: Session, *, email: str, display_name: str, password: str) -> User:
    """Create the first administrator of a fresh installation, exactly once."""
    if not needs_setup(session):
        raise WorkflowError(_("This installation is already set up."), code="conflict")
    user = create_user(
        session,
        email=email,
        display_name=display_name,
        role=Role.ADMIN,
        password=password,
        actor=None,
    )
    user.last_login_at = utcnow()  # setup signs the new administrator in
    # A primary-key insert makes two simultaneous setups collide instead of both succeeding.
    session.add(Setting(key=SETUP_DONE_KEY, value=user.id))
    try:
        session.flush()
    except IntegrityError as exc:
        raise WorkflowError(_("This installation is already set up."), code="conflict") from exc
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; audits the attempt either way."""
    user = find_user_by_email(session, email)
    if user is None or not user.password_hash:  # unknown, or invited and not yet active
        verify_password(_timing_hash(), password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    if not ok:
        record_audit(session, actor=user, action="auth.login_failed", email=email[:254])
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record_audit(session, actor=user, action="auth.login", obj=user)
    return user


def end_sessions(session: Session, *, user: User, actor: User | None, reason: str) -> None:
    """Revoke every session and invitation link `user` has, on every device."""
    # The version bump alone stops every cookie; ending the rows keeps the list of
    # signed-in devices truthful.
    user.session_version += 1
    session.add(user)
    ended = end_device_sessions_of(session, user=user, reason=reason)
    record_audit(session, actor=actor, action="auth.sessions_ended", obj=user, reason=reason,
                 devices=ended)


def change_password(session: Session, *, user: User, current: str, new: str,
                    revoke_tokens: bool = False) -> list[ApiToken]:
    """Change the user's own password; ends other sessions, optionally revokes API tokens.

    Returns the API tokens it revoked.
    """
    if not verify_password(user.password_hash, current):
        raise WorkflowError(_("The current password is not correct."), field="current_password")
    _check_password(new, user.email)
    user.password_hash = hash_password(new)
    record_audit(session, actor=user, action="user.password_changed", obj=user)
    end_sessions(session, user=user, actor=user, reason="password_changed")
    if not revoke_tokens:
        return []
    return revoke_tokens_of(session, user=user, actor=user, reason="password_changed")


def accept_invitation(session: Session, *, user: User, password: str) -> None:
    """Set the first password of an invited user (the invitation link then expires)."""
    _check_password(password, user.email)
    user.password_hash = hash_password(password)
    record_audit(session, actor=user, action="user.invitation_accepted", obj=user)
    end_sessions(session, user=user, actor=user, reason="invitation_accepted")


def request_password_reset(session: Session, *, email: str) -> None:
    """Ask for a password-reset mail to `email` (after commit).

    The job, not the request, looks the account up: the request does the same work
    whether or not the address has an account, so neither its answer nor its timing
    tells which addresses do.
    """
    enqueue(session, PASSWORD_RESET_MAIL, {"email": normalise_email(email)},
            max_attempts=MAIL_ATTEMPTS)
    record_audit(session, actor=None, action="auth.password_reset_requested",
                 email=normalise_email(email)[:254])


def reset_password(session: Session, *, user: User, password: str) -> None:
    """Set a new password from a reset link; every session of the user ends."""
    _check_password(password, user.email)
    user.password_hash = hash_password(password)
    record_audit(session, actor=user, action="user.password_reset", obj=user)
    end_sessions(session, user=user, actor=user, reason="password_reset")


def send_invitation(session: Session, *, user: User, actor: User) -> None:
    """Ask for the invitation link to be mailed to a user who has no password yet."""
    if user.password_hash:
        raise WorkflowError(_("{email} has already chosen a password.", email=user.email),
                            code="conflict")
    if not user.is_active:
        raise WorkflowError(_("A deactivated account cannot be invited."), code="conflict")
    enqueue(session, INVITATION_MAIL, {"user_id": user.id, "by_id": actor.id},
            max_attempts=MAIL_ATTEMPTS)
    record_audit(session, actor=actor, action="user.invitation_sent", obj=user)


def _active_admins(session: Session) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active.is_(True))
    )
    return session.exec(query).one()


def update_user(
    session: Session, *, user: User, role: Role, is_active: bool, expected_version: int,
    actor: User,
) -> list[ApiToken]:
    """Change a user's role or active flag; deactivation ends sessions and API tokens.

    Returns the API tokens it revoked: a token stays revoked when the account is
    reactivated, so that an old copy of it cannot come back to life.

    `expected_version` is the account's version the administrator's form was rendered
    with; a different stored version is refused as a conflict, nothing is overwritten.
    """
    if user.version != expected_version:
        raise WorkflowError(
            _("Someone else changed this account while you were editing it."),
            code="conflict", field="version",
        )
    losing_admin = user.role == Role.ADMIN and (role != Role.ADMIN or not is_active)
    if losing_admin and user.is_active and _active_admins(session) <= 1:
        raise WorkflowError(
            _("This is the last active administrator; appoint another one first."),
            code="conflict",
        )
    if role != user.role:
        record_audit(
            session,
            actor=actor,
            action="user.role_changed",
            obj=user,
            before=str(user.role),
            after=str(role),
        )
        user.role = role
    revoked: list[ApiToken] = []
    if is_active != user.is_active:
        user.is_active = is_active
        record_audit(
            session,
            actor=actor,
            action="user.activated" if is_active else "user.deactivated",
            obj=user,
        )
        if not is_active:
            end_sessions(session, user=user, actor=actor, reason="deactivated")
            revoked = revoke_tokens_of(session, user=user, actor=actor, reason="deactivated")
    session.add(user)
    return revoked


def set_language(session: Session, *, user: User, locale: str | None) -> bool:
    """Save the interface language a user chose (None: follow the browser); True if changed."""
    if user.locale == locale:
        return False
    record_audit(session, actor=user, action="user.language_changed", obj=user,
                 before=user.locale or "", after=locale or "")
    user.locale = locale
    return True
