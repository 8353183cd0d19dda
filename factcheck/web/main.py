"""Public home, the role-dependent dashboard, and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..dbtypes import utcnow
from ..extensions import db
from ..i18n import _
from ..queries.jobs import queue_state
from ..queries.scales import coloured_labels
from ..queries.search import latest_checks, verdict_colours
from ..queries.settings import get_setting
from ..states import JobStatus, Role
from .access import current_user, require_login

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """The public front page: the latest published checks and their verdicts, a search box."""
    checks = latest_checks(db.session)
    colours = verdict_colours(db.session, (name for c in checks for name, _n in c.counts))
    return render_template("main/index.html", checks=checks, colours=colours)


@bp.route("/methodology")
def methodology():
    """How the desk works, as its administrators wrote it."""
    return _policy_page("methodology", _("Methodology"))


@bp.route("/corrections-policy")
def corrections_policy():
    """When and how the desk corrects itself."""
    return _policy_page("corrections_policy", _("Corrections policy"))


def _policy_page(key: str, title: str):
    return render_template("main/policy.html", title=title,
                           text=get_setting(db.session, key),
                           contact=get_setting(db.session, "org_contact"))


@bp.route("/dashboard")
def dashboard():
    """Send each role to its own dashboard."""
    require_login()
    role = current_user().role
    if role.at_least(Role.EDITOR):
        return redirect(url_for("editor.dashboard"))
    return redirect(url_for("review.queue"))


@bp.route("/rating-scales.css")
def scale_css():
    """Colours of every rating label, as classes (inline styles are barred by the CSP)."""
    rules = [f".verdict-{label.id} {{ --verdict: {label.colour}; }}"
             for label in coloured_labels(db.session)]
    response = Response("\n".join(rules) + "\n", mimetype="text/css")
    response.headers["Cache-Control"] = "no-cache"  # small; label colours change at once
    return response


@bp.route("/healthz")
def healthz():
    """200 when the app can reach its database, 503 with a reason when it cannot."""
    try:
        db.session.exec(text("SELECT 1")).one()
    except SQLAlchemyError:
        db.session.rollback()
        body = {
            "status": "error",
            "database": "unreachable",
            "message": _("The database cannot be reached."),
        }
        return jsonify(body), 503
    body = {"status": "ok", "database": "ok", "jobs": _queue_health()}
    if "warning" in body["jobs"]:
        body["status"] = "degraded"  # still 200: pages are served, background work waits
    return jsonify(body)


def _queue_health() -> dict:
    state = queue_state(db.session)
    now = utcnow()

    def age(at):
        return None if at is None else max(0, round((now - at).total_seconds()))

    health = {"pending": state.pending, "failed": state.counts.get(JobStatus.FAILED, 0),
              "oldest_pending_seconds": age(state.oldest_pending_at),
              "worker_last_seen_seconds": age(state.worker_seen_at)}
    silent = health["worker_last_seen_seconds"]
    stale = current_app.config["JOBS_STALE_SECONDS"]
    if state.pending and (silent is None or silent > stale):
        health["warning"] = (
            _("Jobs are waiting and no worker has ever been seen: start `factcheck worker`.")
            if silent is None else
            _("Jobs are waiting and no worker has been seen for {n} minutes.",
              n=max(1, round(silent / 60))))
    return health
