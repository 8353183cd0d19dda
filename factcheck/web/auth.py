"""Sign-in, sign-out, first-run setup, invitations and the user's own password."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..dbtypes import utcnow
from ..extensions import db
from ..i18n import _
from ..infra.security_log import email_digest, security_event
from ..invitations import user_for_invitation, user_for_reset
from ..models import ApiToken, User, UserSession
from ..queries.accounts import active_sessions_of, needs_setup, normalise_email, tokens_of
from ..workflow.accounts import (
    accept_invitation,
    authenticate,
    change_password,
    end_sessions,
    request_password_reset,
    setup_first_admin,
)
from ..workflow.accounts import reset_password as set_new_password
from ..workflow.audit import record_audit
from ..workflow.device_sessions import end_device_session
from ..workflow.throttle import clear_hits, over_limit, record_hits
from ..workflow.tokens import create_token, revoke_token
from .access import (
    current_device_session,
    current_user,
    login_user,
    logout_user,
    require_login,
    safe_next,
)
from .forms import (
    ForgotPasswordForm,
    InvitationForm,
    LoginForm,
    LogoutForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetupForm,
    TokenForm,
)
from .mail import mail_is_on
from .steps import always, get_or_404, view_step

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; one generic message for every failure."""
    if needs_setup(db.session):
        return redirect(url_for("auth.setup"))
    form = LoginForm(next=request.args.get("next", ""))
    if current_user() is not None and request.method == "GET":
        return redirect(safe_next(form.next.data, url_for("main.dashboard")))
    if form.validate_on_submit():
        cfg = current_app.config
        window = cfg["LOGIN_THROTTLE_WINDOW"]
        account_key = f"login:account:{normalise_email(form.email.data)}"
        address_key = f"login:address:{request.remote_addr}"
        limits = {account_key: cfg["LOGIN_FAILURES_PER_ACCOUNT"],
                  address_key: cfg["LOGIN_FAILURES_PER_ADDRESS"]}
        if over_limit(db.session, limits, window):
            with view_step():
                record_audit(db.session, actor=None, action="auth.throttled",
                             email=form.email.data[:254], address=request.remote_addr)
            security_event("auth.throttled", level=logging.WARNING,
                           email_digest=email_digest(form.email.data))
            minutes = int(window.total_seconds() // 60)
            flash(_("Too many failed sign-in attempts. Wait {n} minutes and try again.",
                    n=minutes), "error")
            return render_template("auth/login.html", form=form), 429
        with view_step():  # a failure is counted even though the sign-in is refused
            user = authenticate(db.session, email=form.email.data, password=form.password.data)
            if user is None:
                record_hits(db.session, [account_key, address_key], window)
            else:
                clear_hits(db.session, account_key)
        if user is not None:
            login_user(user)
            security_event("auth.login", user=user.id)
            return redirect(safe_next(form.next.data, url_for("main.dashboard")))
        security_event("auth.login_failed", level=logging.WARNING,
                       email_digest=email_digest(form.email.data))
        flash(_("Email or password is not correct."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out on this device; the user's other devices stay signed in."""
    form = LogoutForm()
    user, device = current_user(), current_device_session()
    if form.validate_on_submit() and user is not None:
        with view_step():
            end_device_session(db.session, device=device, actor=user, reason="logout")
        security_event("auth.logout", user=user.id, session=device.id)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/sessions/end-all", methods=["POST"])
def logout_everywhere():
    """Sign out on every device, this one included (CSRF checked by CSRFProtect)."""
    require_login()
    user = current_user()
    with view_step():
        end_sessions(db.session, user=user, actor=user, reason="logout_everywhere")
    security_event("auth.logout_everywhere", user=user.id)
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/sessions")
def sessions():
    """The devices signed in to my account, each of which I can sign out."""
    require_login()
    cfg = current_app.config
    device = current_device_session()
    rows = active_sessions_of(db.session, user=current_user(), current_id=device.id,
                              now=utcnow(), idle=cfg["SESSION_IDLE_TIMEOUT"],
                              lifetime=cfg["PERMANENT_SESSION_LIFETIME"])
    return render_template("auth/sessions.html", sessions=rows)


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    """Sign out one of my devices (CSRF checked by CSRFProtect); another's is 404."""
    require_login()
    user, this_device = current_user(), current_device_session().id
    device = get_or_404(UserSession, session_id, user_id=user.id)
    with view_step(quiet=always) as step:
        ended = end_device_session(db.session, device=device, actor=user, reason="owner")
    if not step.ok:
        abort(step.status)
    if ended:
        security_event("auth.session_ended", user=user.id, session=session_id, reason="owner")
    if session_id == this_device:
        logout_user()
        flash(_("You are signed out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first administrator; exists only until there is a user."""
    if not needs_setup(db.session):
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            user = setup_first_admin(
                db.session,
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        if step.ok:
            login_user(user)
            security_event("auth.setup", user=user.id)
            flash(_("Welcome! You are the administrator of this installation."), "success")
            return redirect(url_for("admin.users"))
    return render_template("auth/setup.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password-reset link by mail; the answer never says whether the account
    exists, and requests are limited per address and per account."""
    form = ForgotPasswordForm()
    if not mail_is_on():
        return render_template("auth/forgot_password.html", form=None)
    if form.validate_on_submit():
        cfg = current_app.config
        window = cfg["PASSWORD_RESET_WINDOW"]
        account_key = f"reset:account:{normalise_email(form.email.data)}"
        address_key = f"reset:address:{request.remote_addr}"
        limits = {account_key: cfg["PASSWORD_RESETS_PER_ACCOUNT"],
                  address_key: cfg["PASSWORD_RESETS_PER_ADDRESS"]}
        if over_limit(db.session, limits, window):
            security_event("auth.reset_throttled", level=logging.WARNING,
                           email_digest=email_digest(form.email.data))
            flash(_("Too many requests for a new password. Wait {n} minutes and try again.",
                    n=int(window.total_seconds() // 60)), "error")
            return render_template("auth/forgot_password.html", form=form), 429
        with view_step():
            record_hits(db.session, [account_key, address_key], window)
            request_password_reset(db.session, email=form.email.data)
        security_event("auth.reset_requested", email_digest=email_digest(form.email.data))
        flash(_("If {email} belongs to an account here, a link to choose a new password is "
                "on its way. It works once, for {n} minutes.", email=form.email.data,
                n=int(cfg["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link (once); every session then ends."""
    user = user_for_reset(db.session, token)
    if user is None:
        security_event("auth.reset_invalid", level=logging.WARNING)
        return render_template("auth/reset_invalid.html"), 404
    return _password_from_link(
        user=user, form=PasswordResetForm(), template="auth/reset_password.html",
        set_password=set_new_password, event="user.password_reset",
        done=_("Your new password is set. Your other sessions are signed out."))


def _password_from_link(*, user: User, form, template: str, set_password, event: str,
                        done: str):
    """The page of a signed link (invitation, reset) where `user` sets a password and is
    signed in."""
    if form.validate_on_submit():
        with view_step(form) as step:
            set_password(db.session, user=user, password=form.password.data)
        if step.ok:
            login_user(user)
            security_event(event, user=user.id)
            flash(done, "success")
            return redirect(url_for("main.dashboard"))
    return render_template(template, form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """Change one's own password; other sessions of the user end."""
    require_login()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user()
        with view_step(form) as step:
            revoked = change_password(
                db.session, user=user, current=form.current_password.data,
                new=form.password.data, revoke_tokens=form.revoke_tokens.data)
        if step.error is not None and step.error.field == "current_password":
            security_event("user.password_change_failed", level=logging.WARNING, user=user.id)
        if step.ok:
            login_user(user)  # this browser stays signed in under the new session version
            security_event("user.password_changed", user=user.id)
            log_token_revocations(revoked, account=user, reason="password_changed")
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            if revoked:
                flash(_("Your API tokens are revoked."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """An invited user chooses a password and is signed in."""
    user = user_for_invitation(db.session, token)
    if user is None:
        security_event("auth.invitation_invalid", level=logging.WARNING)
        return render_template("auth/invitation_invalid.html"), 404
    return _password_from_link(
        user=user, form=InvitationForm(), template="auth/invitation.html",
        set_password=accept_invitation, event="user.invitation_accepted",
        done=_("Your password is set. Welcome!"))


def log_token_revocations(tokens: list[ApiToken], *, account: User, reason: str) -> None:
    """One security event per API token a change of the account revoked."""
    for token in tokens:
        security_event("token.revoke", token=token.id, account=account.id, reason=reason)


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens():
    """Personal API tokens: create one (shown once), list and revoke them."""
    require_login()
    user = current_user()
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        with view_step(form) as step:
            new_token, record = create_token(db.session, user=user, name=form.name.data)
        if step.ok:
            security_event("token.create", token=record.id, account=user.id)
            form = TokenForm(formdata=None)
    page = render_template("auth/tokens.html", form=form, new_token=new_token,
                           tokens=tokens_of(db.session, user))
    return page, 422 if form.errors else 200


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    """Revoke one of my tokens (CSRF checked by CSRFProtect)."""
    require_login()
    token = get_or_404(ApiToken, token_id)
    with view_step(quiet=always) as step:
        revoke_token(db.session, token=token, actor=current_user())
    if not step.ok:
        abort(step.status)
    security_event("token.revoke", token=token.id, account=token.user_id, reason="owner")
    flash(_("Token revoked; it no longer works."), "success")
    return redirect(url_for("auth.tokens"))
