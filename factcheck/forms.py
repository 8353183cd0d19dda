"""Web forms: they check the shape of input; rules that depend on state live in workflow."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from .i18n import _, status_label
from .states import Role
from .workflow import WorkflowError

ROLE_CHOICES = [SelectChoice(role.value, status_label(role)) for role in Role]


class LoginForm(FlaskForm):
    email = EmailField(_("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Only a CSRF token: logging out changes state, so it is a POST."""


def _new_password_fields():
    password = PasswordField(
        _("New password"),
        validators=[DataRequired(), Length(max=1024)],
        description=_("At least 12 characters. A passphrase of several words works well."),
    )
    confirm = PasswordField(
        _("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_("The passwords differ."))],
    )
    return password, confirm


class SetupForm(FlaskForm):
    display_name = StringField(_("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password, confirm = _new_password_fields()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_("Current password"), validators=[DataRequired()])
    password, confirm = _new_password_fields()


class InvitationForm(FlaskForm):
    password, confirm = _new_password_fields()


class UserCreateForm(FlaskForm):
    display_name = StringField(_("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_("Role"), choices=ROLE_CHOICES, default=Role.REVIEWER.value)
    password = PasswordField(
        _("Initial password"),
        validators=[Optional(), Length(max=1024)],
        description=_("Leave empty to create an invitation link the person uses to choose one."),
    )


class UserEditForm(FlaskForm):
    role = SelectField(_("Role"), choices=ROLE_CHOICES)
    is_active = BooleanField(_("Active (may sign in)"))


def show_workflow_error(form: FlaskForm, error: WorkflowError) -> None:
    """Show a workflow error next to its field, or as a flash message if it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
