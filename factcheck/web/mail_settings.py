"""Each user's choice of which notifications come by e-mail, and the one-click
unsubscribe link every notification mail carries."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..extensions import csrf, db
from ..i18n import _
from ..infra.security_log import security_event
from ..models import User
from ..queries.mail import mail_choices
from ..states import MailDelivery, NotificationKind
from ..workflow.mail import set_mail_choices, stop_mail
from .access import current_user, require_login
from .forms import MAIL_KIND_LABELS, mail_preferences_form
from .mail import ALL_KINDS, mail_is_on, read_unsubscribe_token
from .steps import view_step

bp = Blueprint("mail", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
def settings():
    """Choose, per kind of notification: by e-mail at once, in a daily digest, or not."""
    require_login()
    user = current_user()
    form = mail_preferences_form()
    if form.validate_on_submit():
        chosen = {kind: MailDelivery(getattr(form, kind.value).data) for kind in NotificationKind}
        with view_step(form) as step:
            changed = set_mail_choices(db.session, user=user, choices=chosen, actor=user)
        if step.ok:
            flash(_("Your e-mail settings are saved.") if changed
                  else _("Nothing changed in your e-mail settings."), "success")
            return redirect(url_for("mail.settings"))
    if not form.is_submitted():
        for kind, delivery in mail_choices(db.session, user).items():
            getattr(form, kind.value).data = delivery.value
    fields = [getattr(form, kind.value) for kind in NotificationKind]
    return (render_template("main/mail_settings.html", form=form, fields=fields,
                            mail_on=mail_is_on()),
            422 if form.errors else 200)


def _unsubscribing() -> tuple[User, list[NotificationKind], bool]:
    """The token's user, the kinds its link stops, and whether it is a digest's link."""
    found = read_unsubscribe_token(request.view_args["token"])
    user = db.session.get(User, found[0]) if found else None
    if user is None:
        security_event("mail.unsubscribe_invalid", level=logging.WARNING)
        abort(404)
    if found[1] != ALL_KINDS:
        return user, [NotificationKind(found[1])], False
    # A digest's link stops the digest: the kinds it gathers go to "not by e-mail".
    return user, [k for k, d in mail_choices(db.session, user).items()
                  if d == MailDelivery.DIGEST], True


@bp.route("/mail/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """Ask before turning a kind of mail off (mail scanners follow links; a GET changes
    nothing)."""
    user, kinds, digest = _unsubscribing()
    return render_template("main/unsubscribe.html", token=token, user=user,
                           labels=[MAIL_KIND_LABELS.get(k, k.value) for k in kinds],
                           digest=digest)


@bp.route("/mail/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058 one-click: the mailbox posts without a session; the token is the key
def unsubscribe_now(token: str):
    """Turn that kind of mail off (the page's button and the mailbox's one-click POST)."""
    user, kinds, digest = _unsubscribing()
    with view_step():
        stop_mail(db.session, user=user, kinds=kinds)
    security_event("mail.unsubscribed", user=user.id, kinds=",".join(k.value for k in kinds))
    return render_template("main/unsubscribed.html", user=user,
                           labels=[MAIL_KIND_LABELS.get(k, k.value) for k in kinds],
                           digest=digest)
