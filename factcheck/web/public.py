"""What readers see, without an account: the verdict page of a published check."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms.fields import SelectChoice

from ..engine.claimreview import claim_reviews, short_claim
from ..engine.highlight import segments
from ..engine.snapshot import Snapshot
from ..extensions import db
from ..i18n import _, current_locale
from ..infra.links import check_url, home_url
from ..models import Publication
from ..queries.desk import public_corrections
from ..queries.paging import page_number
from ..queries.publications import live_publication
from ..workflow.reports import submit_report
from .access import current_user
from .forms import ReaderReportForm
from .page_cache import publication_stamp, rendered_page
from .steps import view_step

bp = Blueprint("public", __name__)

MAX_AGE = 300  # seconds readers' browsers and proxies may reuse a verdict page


@bp.route("/checks/<slug>")
def check(slug: str):
    """The verdict page: summary, the article with its claims highlighted, claim cards."""
    stamp = publication_stamp(slug)
    if stamp is None:
        abort(404)
    _article_id, first_published, corrected, publication_id, published_at = stamp
    if publication_id is None:
        abort(410 if first_published else 404)
    modified = corrected or published_at
    etag = (f"check-{publication_id}-{int(modified.timestamp() * 1_000_000)}"
            f"-{current_locale()}")  # one page per interface language
    # Answer a conditional request before loading or rendering anything more.
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    elif current_user() is None:
        response = make_response(rendered_page(
            slug, etag, request.url_root, current_app.config["DATABASE_URL"], publication_id,
            _render))
    else:  # signed-in staff see their own navigation; do not cache that page
        publication = db.session.get(Publication, publication_id)
        response = make_response(_render(Snapshot.from_json(publication.snapshot),
                                          publication, modified))
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def _render(snapshot: Snapshot, publication: Publication, modified: datetime) -> str:
    page_url = check_url(snapshot.article.slug)
    # No url configured means this site, on the page as in the markup.
    organisation = replace(snapshot.organisation,
                           url=snapshot.organisation.url or home_url())
    claims = snapshot.claims
    markup = claim_reviews(
        snapshot, page_url=page_url, published=publication.published_at.date().isoformat(),
        modified=modified.date().isoformat() if modified != publication.published_at else None,
        organisation=organisation)
    colours = {c.rating.name: c.rating.colour for c in claims if c.rating}
    return render_template(
        "public/check.html", snapshot=snapshot, article=snapshot.article, claims=claims,
        segments=segments(snapshot.article.body, claims), page_url=page_url,
        publication=publication, modified=modified, claim_reviews=markup,
        organisation=organisation, colours=colours,
    )


@bp.route("/corrections")
def corrections():
    """Every correction to a live check, newest first."""
    return render_template("public/corrections.html", corrections=public_corrections(
        db.session, page=page_number(request.args)))


REPORT_OPTION_LENGTH = 90  # characters of a claim's words in the report form's list


def report_choices(claims, *, language: str | None) -> list[SelectChoice]:
    """The report form's subjects: the check as a whole, then each claim of the published
    snapshot by its number and words (shortened at a word; the whole text as the title)."""
    choices = [SelectChoice("", _("The whole check"))]
    for claim in claims:
        words = " ".join(claim.text.split())
        short = short_claim(words, REPORT_OPTION_LENGTH)
        attributes = {"dir": "auto"}
        if short != words:
            attributes["title"] = words
        if language:
            attributes["lang"] = language
        choices.append(SelectChoice(str(claim.number), _("{n}. {claim}", n=claim.number,
                                                         claim=short), render_kw=attributes))
    return choices


@bp.route("/checks/<slug>/report", methods=["GET", "POST"])
def report(slug: str):
    """Readers report an error or suggest a claim to check (no account needed)."""
    found = live_publication(db.session, slug)
    if found is None or found[1] is None:
        abort(404)
    article, publication = found
    form = ReaderReportForm()
    claims = Snapshot.from_json(publication.snapshot).claims
    form.claim.choices = report_choices(claims, language=article.language)
    if not form.is_submitted():  # from a claim's card: that claim is chosen already
        asked = request.args.get("claim", "")
        if any(str(c.number) == asked for c in claims):
            form.claim.data = asked
    if form.validate_on_submit():
        # Only a claim of the live snapshot: the choice was validated against these.
        number = int(form.claim.data) if form.claim.data else None
        claim_id = next((c.id for c in claims if c.number == number), None)
        with view_step(form) as step:
            submit_report(db.session, article=article, claim_id=claim_id,
                          message=form.message.data, contact=form.contact.data or "",
                          address=request.remote_addr or "unknown")
        if not step.ok:
            status = 429 if step.conflict else 422  # a report "conflicts" with the rate limit
            return render_template("public/report.html", form=form, article=article,
                                   sent=False), status
        return redirect(url_for("public.report", slug=slug, sent=1))
    status = 422 if form.is_submitted() else 200
    response = make_response(render_template("public/report.html", form=form,
                                             article=article, sent="sent" in request.args),
                             status)
    response.headers["Cache-Control"] = "no-store"  # the form carries a CSRF token
    return response
