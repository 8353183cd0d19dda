"""Link health for editors: the sources of a check that changed or vanished since they were
cited (issue 17), so that a correction can be considered."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, url_for

from ..extensions import db
from ..i18n import _
from ..models import Article
from ..queries.link_health import sources_of_article
from ..states import ArticleStatus, Role
from ..workflow import link_health
from .access import current_user, guard_blueprint
from .steps import get_or_404, view_step

bp = Blueprint("sources", __name__, url_prefix="/editor")
guard_blueprint(bp, Role.EDITOR)


def register_link_checks(_app: Flask) -> None:
    """Tell link checks where to read their settings (the workflow knows no Flask)."""
    link_health.configure_link_checks(options=link_check_options)


def link_check_options() -> dict:
    """The current app's settings for re-requesting cited pages (read at each run)."""
    cfg = current_app.config
    return {"max_bytes": int(cfg["ARCHIVE_MAX_BYTES"]),
            "timeout": float(cfg["LINK_CHECK_TIMEOUT"]),
            "pause": float(cfg["LINK_CHECK_PAUSE"]),
            # The URL import's settings, as for captures: an intranet is reached both ways.
            "allow_loopback": bool(cfg["URL_IMPORT_ALLOW_LOOPBACK"]),
            "allow_private": bool(cfg["URL_IMPORT_ALLOW_PRIVATE"])}


@bp.route("/articles/<int:article_id>/sources")
def article_sources(article_id: int):
    """The check's sources as last re-requested: changed or vanished first, then the rest."""
    article = get_or_404(Article, article_id)
    return render_template("editor/sources.html", article=article,
                           page=sources_of_article(db.session, article.id),
                           published=article.status == ArticleStatus.PUBLISHED)


@bp.route("/articles/<int:article_id>/sources/check", methods=["POST"])
def check_sources(article_id: int):
    """Request the check's sources again now, in the background (a published check only)."""
    article = get_or_404(Article, article_id)
    with view_step() as step:
        asked = link_health.request_link_check(db.session, article=article,
                                               actor=current_user())
    if step.ok:
        flash(_("The sources are being requested again; reload this page in a moment.")
              if asked else _("The sources are already being requested again."), "success")
    return redirect(url_for("sources.article_sources", article_id=article.id), code=303)
