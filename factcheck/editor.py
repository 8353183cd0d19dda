"""The editors' desk: articles, their claims and their progress."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlmodel import col, select

from .access import guard_blueprint
from .extensions import db
from .models import Article, Claim
from .queries import articles_with_progress
from .states import ClaimStatus, Role

bp = Blueprint("editor", __name__, url_prefix="/editor")
guard_blueprint(bp, Role.EDITOR)


@bp.route("/")
def dashboard():
    """Every article with the progress of its claims."""
    progress = articles_with_progress(db.session)
    return render_template("editor/dashboard.html", progress=progress, ClaimStatus=ClaimStatus)


@bp.route("/articles/<int:article_id>")
def article(article_id: int):
    """One article's text and claims."""
    found = db.session.get(Article, article_id)
    if found is None:
        abort(404)
    claims = db.session.exec(
        select(Claim).where(Claim.article_id == article_id).order_by(col(Claim.position))
    ).all()
    return render_template("editor/article.html", article=found, claims=claims)
