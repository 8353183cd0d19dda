"""Link health for editors: the sources of a check that changed or vanished since they were
cited (issue 17), so that a correction can be considered."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

from ..extensions import db
from ..models import Article
from ..queries.link_health import sources_of_article
from ..states import ArticleStatus, Role
from ..workflow import link_health
from .access import guard_blueprint
from .steps import get_or_404

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
