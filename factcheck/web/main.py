"""Public home, the role-dependent dashboard, and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..i18n import _
from ..queries.scales import coloured_labels
from ..queries.search import latest_checks, verdict_colours
from ..queries.settings import get_setting
from ..states import Role
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
    return jsonify({"status": "ok", "database": "ok"})
