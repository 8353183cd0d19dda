"""Administration: accounts and roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from .access import current_user, guard_blueprint
from .extensions import db
from .forms import UserCreateForm, UserEditForm, show_workflow_error
from .i18n import _
from .invitations import invitation_token
from .models import User
from .queries import all_users
from .states import Role
from .workflow import WorkflowError
from .workflow.accounts import create_user, update_user

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)


@bp.route("/users")
def users():
    """All accounts with their roles and status."""
    return render_template("admin/users.html", users=all_users(db.session))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account with a password, or an invitation link to share."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                email=form.email.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                password=form.password.data or None,
                actor=current_user(),
            )
        except WorkflowError as error:
            db.session.rollback()
            show_workflow_error(form, error)
        else:
            db.session.commit()
            if user.password_hash:
                flash(_("Account created for {email}.", email=user.email), "success")
                return redirect(url_for("admin.users"))
            return redirect(url_for("admin.invite", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/invitation")
def invite(user_id: int):
    """The invitation link of a user who has not chosen a password yet."""
    user = _user_or_404(user_id)
    if user.password_hash:
        flash(_("{email} has already chosen a password.", email=user.email), "info")
        return redirect(url_for("admin.users"))
    link = url_for("auth.invitation", token=invitation_token(user), _external=True)
    return render_template("admin/invitation.html", user=user, link=link)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change a user's role or deactivate them (their sessions end at once)."""
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            update_user(
                db.session,
                user=user,
                role=Role(form.role.data),
                is_active=form.is_active.data,
                actor=current_user(),
            )
        except WorkflowError as error:
            db.session.rollback()
            show_workflow_error(form, error)
        else:
            db.session.commit()
            flash(_("Changes to {email} saved.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    elif not form.is_submitted():
        form.role.data = user.role.value
    return render_template("admin/user_edit.html", form=form, user=user)
