"""The notification inbox of every signed-in user, and the unread count in the navigation."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError

from ..dbtypes import utcnow
from ..extensions import db
from ..i18n import ngettext
from ..models import Notification
from ..queries.attention import AttentionCounts, attention_counts
from ..queries.notifications import (
    describe,
    notification_target,
    notifications_page,
    own_notification,
    unread_count,
)
from ..queries.paging import page_number
from ..states import Role
from ..workflow.notifications import mark_read
from .access import current_user, require_login
from .steps import view_step

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.before_request
def _signed_in() -> None:
    require_login()


def target_url(notification: Notification, *, external: bool = False) -> str:
    """The address of the exact place the notification is about."""
    target = notification_target(notification)
    return url_for(target.endpoint, _anchor=target.anchor, _external=external,
                   **target.values)


def _attention_counts() -> AttentionCounts | None:
    """The editor's attention counts, once per request (None for others, or on an error)."""
    user = current_user()
    if user is None or not user.role.at_least(Role.EDITOR):
        return None
    if "attention" not in g:
        try:
            g.attention = attention_counts(db.session, viewer=user, today=utcnow().date())
        except SQLAlchemyError:
            current_app.logger.warning("editor's attention not counted", exc_info=True)
            g.attention = None
    return g.attention


def attention_badge() -> int | None:
    """How many things wait for an editor (ready to decide, overdue, new reports), for the
    navigation; None for others and when the database cannot answer."""
    counts = _attention_counts()
    return counts.total if counts is not None else None


def reports_badge() -> int | None:
    """How many reader reports no editor has triaged yet (new = unread), for the navigation
    next to "Reader reports": the attention counts already hold it, so no extra query."""
    counts = _attention_counts()
    return counts.reports if counts is not None else None


def unread_badge() -> int | None:
    """The signed-in user's unread count for the navigation (one query per request), or
    None for readers and when the database cannot answer (an error page still renders)."""
    user = current_user()
    if user is None:
        return None
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = unread_count(db.session, user)
        except SQLAlchemyError:
            current_app.logger.warning("unread notifications not counted", exc_info=True)
            g.unread_notifications = None
    return g.unread_notifications


def _own_or_404(notification_id: int) -> Notification:
    found = own_notification(db.session, user=current_user(), notification_id=notification_id)
    if found is None:
        abort(404)
    return found


@bp.route("")
def index():
    """My notifications, newest first, unread ones marked; `?unread=1` shows only those."""
    unread_only = request.args.get("unread") == "1"
    page = notifications_page(db.session, user=current_user(), unread_only=unread_only,
                              page=page_number(request.args))
    return render_template("main/notifications.html", page=page, unread_only=unread_only,
                           describe=describe, target_url=target_url)


@bp.route("/<int:notification_id>/open", methods=["POST"])
def open_notification(notification_id: int):
    """Mark the notification read and go to the place it is about (only its owner)."""
    found = _own_or_404(notification_id)
    with view_step():
        mark_read(db.session, user=current_user(), ids=[found.id])
    return redirect(target_url(found))


@bp.route("/<int:notification_id>/read", methods=["POST"])
def read(notification_id: int):
    """Mark one notification read and stay on the inbox."""
    found = _own_or_404(notification_id)
    with view_step():
        mark_read(db.session, user=current_user(), ids=[found.id])
    return redirect(url_for("notifications.index", page=request.form.get("page", type=int)))


@bp.route("/read-all", methods=["POST"])
def read_all():
    """Mark every notification of mine read."""
    with view_step() as step:
        marked = mark_read(db.session, user=current_user())
    if step.ok:
        flash(ngettext("{n} notification marked read.", "{n} notifications marked read.",
                       marked), "success")
    return redirect(url_for("notifications.index"))
