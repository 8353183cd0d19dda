"""The reviewers' desk: the claims assigned to them."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template

from .access import current_user, guard_blueprint
from .extensions import db
from .queries import reviewer_queue
from .states import Role

bp = Blueprint("review", __name__, url_prefix="/review")
guard_blueprint(bp, Role.REVIEWER)


@bp.route("/")
def queue():
    """My claims: to do, in progress, submitted; overdue ones flagged."""
    items = reviewer_queue(db.session, current_user())
    return render_template("review/queue.html", items=items, today=date.today())
