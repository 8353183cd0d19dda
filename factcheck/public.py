"""What readers see, without an account: the verdict page of a published check."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, make_response, render_template, request, url_for

from .claimreview import claim_reviews
from .extensions import db
from .highlight import segments
from .workflow.publishing import live_publication

bp = Blueprint("public", __name__)

MAX_AGE = 300  # seconds readers' browsers and proxies may reuse a verdict page


@bp.route("/checks/<slug>")
def check(slug: str):
    """The verdict page: summary, the article with its claims highlighted, claim cards."""
    found = live_publication(db.session, slug)
    if found is None:
        abort(404)
    article, publication = found
    if publication is None:
        abort(410 if article.published_at else 404)
    modified = article.last_corrected_at or publication.published_at
    etag = f"check-{publication.id}-{int(modified.timestamp())}"
    # Answer a conditional request before doing any rendering work.
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(_render(publication.snapshot, publication, modified))
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def _render(snapshot: dict, publication, modified) -> str:
    page_url = url_for("public.check", slug=snapshot["article"]["slug"], _external=True)
    organisation = dict(snapshot["organisation"])
    organisation["url"] = organisation["url"] or url_for("main.index", _external=True)
    claims = [SimpleNamespace(**c) for c in snapshot["claims"]]
    markup = claim_reviews(
        snapshot, page_url=page_url, published=publication.published_at.date().isoformat(),
        modified=modified.date().isoformat() if modified != publication.published_at else None,
        organisation=organisation)
    colours = {c.rating["name"]: c.rating["colour"] for c in claims if c.rating}
    return render_template(
        "public/check.html", snapshot=snapshot, article=snapshot["article"], claims=claims,
        segments=segments(snapshot["article"]["body"], claims), page_url=page_url,
        publication=publication, modified=modified, claim_reviews=markup,
        organisation=organisation, colours=colours,
    )
