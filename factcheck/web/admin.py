"""Administration: accounts and roles, rating scales."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..extensions import db
from ..i18n import _
from ..infra.links import absolute_url, public_base
from ..infra.mail import mail_settings
from ..infra.security_log import security_event
from ..invitations import invitation_token
from ..models import RatingLabel, RatingScale, User
from ..queries.desk import all_users
from ..queries.paging import page_number
from ..queries.scales import scale_view, scales_overview, suggested_copy_name
from ..queries.settings import get_setting
from ..states import Role
from ..workflow import WorkflowError
from ..workflow import scales as rating
from ..workflow.accounts import create_user, send_invitation, update_user
from ..workflow.jobs import enqueue
from ..workflow.mail import TEST_MAIL
from ..workflow.settings import set_setting
from .access import current_user, guard_blueprint
from .auth import log_token_revocations
from .forms import (
    ActionForm,
    LabelForm,
    OrganisationForm,
    ScaleCopyForm,
    ScaleForm,
    UserCreateForm,
    UserEditForm,
    WorkflowSettingsForm,
)
from .locale import forget_default_locale
from .mail import mail_is_on
from .steps import get_or_404, posted_version, view_step

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)


@bp.route("/users")
def users():
    """All accounts with their roles and status."""
    return render_template("admin/users.html",
                           users=all_users(db.session, page=page_number(request.args)))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account with a password, or an invitation link to share."""
    form = UserCreateForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            user = create_user(
                db.session,
                email=form.email.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                password=form.password.data or None,
                actor=current_user(),
            )
            if not user.password_hash and mail_is_on():
                send_invitation(db.session, user=user, actor=current_user())
        if step.ok:
            if user.password_hash:
                flash(_("Account created for {email}.", email=user.email), "success")
                return redirect(url_for("admin.users"))
            if mail_is_on():
                flash(_("Account created; the invitation is on its way to {email}.",
                        email=user.email), "success")
            return redirect(url_for("admin.invite", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _stale(error: WorkflowError | None) -> bool:
    """True when the workflow refused a change because the record changed meanwhile."""
    return error is not None and error.code == "conflict" and error.field == "version"


@bp.route("/users/<int:user_id>/invitation")
def invite(user_id: int):
    """The invitation link of a user who has not chosen a password yet."""
    user = get_or_404(User, user_id)
    if user.password_hash:
        flash(_("{email} has already chosen a password.", email=user.email), "info")
        return redirect(url_for("admin.users"))
    link = absolute_url("auth.invitation", token=invitation_token(user))
    return render_template("admin/invitation.html", user=user, link=link,
                           mail_on=mail_is_on())


@bp.route("/users/<int:user_id>/invitation/send", methods=["POST"])
def send_invitation_mail(user_id: int):
    """Mail the invitation link (again) to a user who has not chosen a password yet."""
    user = get_or_404(User, user_id)
    _check_action_form()
    if not mail_is_on():
        flash(_("This desk sends no e-mail: copy the link and send it yourself."), "error")
        return redirect(url_for("admin.invite", user_id=user.id))
    with view_step() as step:
        send_invitation(db.session, user=user, actor=current_user())
    if step.ok:
        flash(_("The invitation is on its way to {email}.", email=user.email), "success")
    return redirect(url_for("admin.invite", user_id=user.id))


def _log_account_change(user: User, role_before: Role, active_before: bool) -> None:
    # Privilege changes and deactivation (which ends the account's sessions) are security
    # events too; the names match the audit log's actions.
    if user.role != role_before:
        security_event("user.role_changed", account=user.id, before=str(role_before),
                       after=str(user.role))
    if user.is_active != active_before:
        security_event("user.activated" if user.is_active else "user.deactivated",
                       account=user.id)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change a user's role or deactivate them (their sessions end at once).

    The form carries the account's version: if someone changed the account meanwhile,
    409 shows what is saved now above the administrator's own choices, kept unsaved.
    """
    user = get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    expected_version = posted_version(form) if form.is_submitted() else None
    conflict = False
    role_before, active_before = user.role, user.is_active
    if form.validate_on_submit():
        with view_step(form, quiet=_stale) as step:
            revoked = update_user(
                db.session,
                user=user,
                role=Role(form.role.data),
                is_active=form.is_active.data,
                expected_version=expected_version,
                actor=current_user(),
            )
        if _stale(step.error):  # `user` shows what is stored; saving again applies mine
            conflict = True
            form.version.data = user.version
        if step.ok:
            _log_account_change(user, role_before, active_before)
            log_token_revocations(revoked, account=user, reason="deactivated")
            flash(_("Changes to {email} saved.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    elif not form.is_submitted():
        form.role.data = user.role.value
    return render_template("admin/user_edit.html", form=form, user=user,
                           conflict=conflict), 409 if conflict else 200


# Rating scales ---------------------------------------------------------------------------


def _label_data(form: LabelForm) -> dict:
    return {
        "key": form.key.data or "",
        "name": form.name.data or "",
        "value": form.value.data,
        "colour": form.colour.data or "",
        "symbol": form.symbol.data or "",
        "description": form.description.data or "",
    }


def _render_scale(scale: RatingScale, status: int = 200, *, editing: RatingLabel | None = None,
                  conflict: str | None = None, **forms):
    """The scale page: details, labels, and the form to add (or edit) a label.

    `conflict` ("scale" or "label") shows the stored record above that form, whose
    unsaved input is kept: someone else saved a change meanwhile.
    """
    view = scale_view(db.session, scale)
    # The forms that were not submitted show stored values, not the request's input.
    if "scale_form" not in forms:
        forms["scale_form"] = ScaleForm(formdata=None, obj=scale)
    if "label_form" not in forms:
        forms["label_form"] = LabelForm(formdata=None, obj=editing)
    if "copy_form" not in forms:
        forms["copy_form"] = ScaleCopyForm(
            formdata=None, name=suggested_copy_name(db.session, scale))
    return render_template("admin/scale.html", view=view, scale=scale, editing=editing,
                           conflict=conflict, **forms), status


def _check_action_form() -> None:
    """A one-button form: only its CSRF token is checked."""
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("/scales")
def scales():
    """Every rating scale with its labels; choose the active one or copy one."""
    return render_template("admin/scales.html", views=scales_overview(db.session))


@bp.route("/scales/<int:scale_id>", methods=["GET", "POST"])
def scale(scale_id: int):
    """A scale's labels; an editable scale's name, description and labels can change."""
    found = get_or_404(RatingScale, scale_id)
    form = ScaleForm(obj=found)
    expected_version = posted_version(form) if form.is_submitted() else None
    if form.validate_on_submit():
        with view_step(form, quiet=_stale) as step:
            rating.update_scale(db.session, scale=found, name=form.name.data,
                                description=form.description.data or "",
                                expected_version=expected_version, actor=current_user())
        if _stale(step.error):  # `found` shows what is stored; saving again applies mine
            flash(step.error.message, "error")
            form.version.data = found.version
            return _render_scale(found, step.status, scale_form=form, conflict="scale")
        if not step.ok:
            return _render_scale(found, step.status, scale_form=form)
        flash(_("Scale “{name}” saved.", name=found.name), "success")
        return redirect(url_for("admin.scale", scale_id=found.id))
    return _render_scale(found, 422 if form.is_submitted() else 200, scale_form=form)


@bp.route("/scales/<int:scale_id>/activate", methods=["POST"])
def activate_scale(scale_id: int):
    """Make this the scale reviewers and editors rate with."""
    found = get_or_404(RatingScale, scale_id)
    _check_action_form()
    with view_step() as step:
        rating.activate_scale(db.session, scale=found, actor=current_user())
    if not step.ok:
        return _render_scale(found, step.status)
    flash(_("Reviewers and editors now rate with “{name}”.", name=found.name), "success")
    return redirect(url_for("admin.scales"))


@bp.route("/scales/<int:scale_id>/copy", methods=["POST"])
def copy_scale(scale_id: int):
    """Make an editable copy of a scale (built-in or not) and open it."""
    found = get_or_404(RatingScale, scale_id)
    form = ScaleCopyForm()
    if not form.validate_on_submit():
        return _render_scale(found, 422, copy_form=form)
    name = (form.name.data or "").strip() or suggested_copy_name(db.session, found)
    with view_step(form) as step:
        copy = rating.copy_scale(db.session, scale=found, name=name, actor=current_user())
    if not step.ok:
        return _render_scale(found, step.status, copy_form=form)
    flash(_("“{name}” created: an editable copy of “{source}”.", name=copy.name,
            source=found.name), "success")
    return redirect(url_for("admin.scale", scale_id=copy.id))


@bp.route("/scales/<int:scale_id>/labels", methods=["POST"])
def add_label(scale_id: int):
    """Add a label at the end of an editable scale."""
    found = get_or_404(RatingScale, scale_id)
    form = LabelForm()
    if not form.validate_on_submit():
        return _render_scale(found, 422, label_form=form)
    with view_step(form) as step:
        label = rating.save_label(db.session, scale=found, actor=current_user(),
                                  **_label_data(form))
    if not step.ok:
        return _render_scale(found, step.status, label_form=form)
    flash(_("Label “{name}” added.", name=label.name), "success")
    return redirect(url_for("admin.scale", scale_id=found.id, _anchor=f"label-{label.id}"))


@bp.route("/scales/<int:scale_id>/labels/<int:label_id>", methods=["GET", "POST"])
def label(scale_id: int, label_id: int):
    """Edit one label of an editable scale (on the scale page)."""
    found = get_or_404(RatingScale, scale_id)
    editing = get_or_404(RatingLabel, label_id, scale_id=found.id)
    form = LabelForm(obj=editing)
    expected_version = posted_version(form) if form.is_submitted() else None
    if form.validate_on_submit():
        with view_step(form, quiet=_stale) as step:
            rating.save_label(db.session, scale=found, label=editing, actor=current_user(),
                              expected_version=expected_version, **_label_data(form))
        if _stale(step.error):  # `editing` shows what is stored; saving again applies mine
            flash(step.error.message, "error")
            form.version.data = editing.version
            return _render_scale(found, step.status, editing=editing, label_form=form,
                                 conflict="label")
        if not step.ok:
            return _render_scale(found, step.status, editing=editing, label_form=form)
        flash(_("Label “{name}” saved.", name=editing.name), "success")
        return redirect(url_for("admin.scale", scale_id=found.id, _anchor=f"label-{editing.id}"))
    status = 422 if form.is_submitted() else 200
    return _render_scale(found, status, editing=editing, label_form=form)


@bp.route("/scales/<int:scale_id>/labels/<int:label_id>/delete", methods=["POST"])
def delete_label(scale_id: int, label_id: int):
    """Delete a label no verdict uses."""
    found = get_or_404(RatingScale, scale_id)
    target = get_or_404(RatingLabel, label_id, scale_id=found.id)
    _check_action_form()
    name = target.name
    with view_step() as step:
        rating.delete_label(db.session, scale=found, label=target, actor=current_user())
    if not step.ok:
        return _render_scale(found, step.status)
    flash(_("Label “{name}” deleted.", name=name), "success")
    return redirect(url_for("admin.scale", scale_id=found.id))


@bp.route("/scales/<int:scale_id>/labels/<int:label_id>/move/<any(up, down):direction>",
          methods=["POST"])
def move_label(scale_id: int, label_id: int, direction: str):
    """Move a label up or down the scale's order."""
    found = get_or_404(RatingScale, scale_id)
    target = get_or_404(RatingLabel, label_id, scale_id=found.id)
    _check_action_form()
    with view_step() as step:
        rating.move_label(db.session, scale=found, label=target,
                          offset=-1 if direction == "up" else 1, actor=current_user())
    if not step.ok:
        return _render_scale(found, step.status)
    return redirect(url_for("admin.scale", scale_id=found.id, _anchor=f"label-{target.id}"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The review workflow's settings: reviews required, self pick-up."""
    form = WorkflowSettingsForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            actor = current_user()
            for key in ("reviews_required", "allow_self_assign", "evidence_visibility"):
                value = getattr(form, key).data
                if value != get_setting(db.session, key):
                    set_setting(db.session, key=key, value=value, actor=actor)
        if step.ok:
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.settings"))
    if not form.is_submitted():
        form.reviews_required.data = get_setting(db.session, "reviews_required")
        form.allow_self_assign.data = get_setting(db.session, "allow_self_assign")
        form.evidence_visibility.data = get_setting(db.session, "evidence_visibility")
    status = 422 if form.errors else 200
    return render_template("admin/settings.html", form=form,
                           mail=mail_settings(current_app.config), public_base=public_base(),
                           public_url_set=bool(current_app.config.get("PUBLIC_URL"))), status


@bp.route("/settings/test-mail", methods=["POST"])
def test_mail():
    """Send the administrator a test message through the configured mail server."""
    _check_action_form()
    if not mail_is_on():
        flash(_("Mail is off: no mail server is configured."), "error")
        return redirect(url_for("admin.settings", _anchor="mail"))
    with view_step():
        enqueue(db.session, TEST_MAIL, {"user_id": current_user().id}, max_attempts=1)
    flash(_("A test message is on its way to {email}; its delivery shows on the jobs page.",
            email=current_user().email), "success")
    return redirect(url_for("admin.settings", _anchor="mail"))


ORGANISATION_KEYS = ("org_name", "org_url", "org_logo_url", "org_contact", "methodology",
                     "corrections_policy", "default_locale")


@bp.route("/organisation", methods=["GET", "POST"])
def organisation():
    """Who publishes: name, website, logo, contact, methodology, corrections policy."""
    form = OrganisationForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            actor = current_user()
            for key in ORGANISATION_KEYS:
                value = (getattr(form, key).data or "").strip()
                if value != get_setting(db.session, key):
                    set_setting(db.session, key=key, value=value, actor=actor)
        if step.ok:
            forget_default_locale()
            flash(_("Saved. Published checks show the new details when they are next "
                    "published."), "success")
            return redirect(url_for("admin.organisation"))
    if not form.is_submitted():
        for key in ORGANISATION_KEYS:
            getattr(form, key).data = get_setting(db.session, key)
    status = 422 if form.errors else 200
    return render_template("admin/organisation.html", form=form), status
