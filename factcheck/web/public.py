"""What readers see, without an account: the verdict page of a published check, each
checked claim's own page and its share card (an image for social media)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

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

from ..engine.cards import HEIGHT, WIDTH, Card, render_card
from ..engine.claimreview import claim_review, claim_reviews, clip_words, verdict_name
from ..engine.highlight import segments
from ..engine.snapshot import Snapshot, SnapshotClaim
from ..extensions import db
from ..i18n import _, current_locale
from ..infra.links import absolute_url, check_url, home_url
from ..markdown import render_markdown
from ..models import Publication
from ..queries.captures import public_copies, public_text
from ..queries.claim_matches import also_checked
from ..queries.desk import public_corrections
from ..queries.paging import page_number
from ..queries.publications import live_publication
from ..workflow.reports import submit_report
from .access import current_user
from .forms import ReaderReportForm
from .locale import text_direction_of
from .page_cache import publication_stamp, rendered_page
from .steps import view_step

bp = Blueprint("public", __name__)

MAX_AGE = 300  # seconds readers' browsers and proxies may reuse a verdict page


FONTS = Path(str(resources.files("factcheck.data").joinpath("fonts")))  # bundled, never system


def _live_version(slug: str) -> tuple[int, datetime, str, str]:
    """(live publication id, last change, version of its sources' preserved copies, version
    of the checks it links as "also checked") of the check, or 404 (never published) / 410
    (withdrawn), from the publication stamp alone."""
    stamp = publication_stamp(slug)
    if stamp is None:
        abort(404)
    (_article_id, first_published, corrected, publication_id, published_at, captured, edited,
     *linked) = stamp
    if publication_id is None:
        abort(410 if first_published else 404)
    # A new preserved copy, or a public copy turned off or on, changes what readers see
    # of the sources without a new publication; a correction, withdrawal or new match of a
    # check the verdict page links as "also checked" changes that page (it shows them as
    # they are now).
    copies = "-".join(str(int(t.timestamp() * 1_000_000)) if t else "0"
                      for t in (captured, edited))
    also = "-".join(str(int(v.timestamp() * 1_000_000)) if isinstance(v, datetime)
                    else str(v or 0) for v in linked)
    return publication_id, corrected or published_at, copies, also


def _etag(kind: str, publication_id: int, modified: datetime, copies: str = "") -> str:
    # One version per publication, correction, state of what the page shows of other
    # records (`copies`: the preserved copies, the checks linked as "also checked") and
    # interface language.
    return (f"{kind}-{publication_id}-{int(modified.timestamp() * 1_000_000)}"
            f"{'-' + copies if copies else ''}-{current_locale()}")


def _public_page(slug: str, etag: str, modified: datetime, publication_id: int,
                 render, *args, page: str = "check"):
    """A published page: 304 for a conditional request before anything is loaded, the
    cached rendering for readers, a fresh one for signed-in staff (their own navigation)."""
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    elif current_user() is None:
        response = make_response(rendered_page(
            slug, etag, request.url_root, current_app.config["DATABASE_URL"], publication_id,
            render, *args, page=page))
    else:
        publication = db.session.get(Publication, publication_id)
        response = make_response(render(Snapshot.from_json(publication.snapshot),
                                        publication, modified, *args))
    return _public_caching(response, etag, modified)


def _public_caching(response, etag: str, modified: datetime):
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.route("/checks/<slug>")
def check(slug: str):
    """The verdict page: summary, the article with its claims highlighted, claim cards."""
    publication_id, modified, copies, also = _live_version(slug)
    return _public_page(slug, _etag("check", publication_id, modified, f"{copies}-{also}"),
                        modified,
                        publication_id, _render)


def _organisation(snapshot: Snapshot):
    # No url configured means this site, on the page as in the markup.
    return replace(snapshot.organisation, url=snapshot.organisation.url or home_url())


def _dates(publication: Publication, modified: datetime) -> dict[str, str | None]:
    return {"published": publication.published_at.date().isoformat(),
            "modified": (modified.date().isoformat()
                         if modified != publication.published_at else None)}


def _render(snapshot: Snapshot, publication: Publication, modified: datetime) -> str:
    page_url = check_url(snapshot.article.slug)
    organisation = _organisation(snapshot)
    claims = snapshot.claims
    markup = claim_reviews(snapshot, page_url=page_url, organisation=organisation,
                           **_dates(publication, modified))
    colours = {c.rating.name: c.rating.colour for c in claims if c.rating}
    # The page's image on social media: the share card of its first decided claim.
    first = next((c for c in claims if c.decided), None)
    return render_template(
        "public/check.html", snapshot=snapshot, article=snapshot.article, claims=claims,
        segments=segments(snapshot.article.body, claims), page_url=page_url,
        publication=publication, modified=modified, claim_reviews=markup,
        organisation=organisation, colours=colours,
        card=_share_card(snapshot, first) if first else None,
        copies=_copies(claims),
        # The desk's other published checks of the same claims (stored matches).
        also=also_checked(db.session, [c.id for c in claims if c.decided],
                          article_id=publication.article_id),
    )


def _copies(claims) -> dict:
    """Evidence id -> the preserved copy readers are told of, for the decided claims."""
    return public_copies(db.session, ((item.id, item.url) for claim in claims
                                      if claim.decided for item in claim.evidence
                                      if item.id is not None))


@dataclass(frozen=True)
class ShareCard:
    """The share card image of a claim, as a page's Open Graph and Twitter meta give it."""

    url: str  # absolute
    src: str  # on this site, for the page's own <img>
    alt: str
    width: int = WIDTH
    height: int = HEIGHT


def _share_card(snapshot: Snapshot, claim: SnapshotClaim) -> ShareCard:
    where = {"slug": snapshot.article.slug, "n": claim.number}
    return ShareCard(
        url=absolute_url("public.claim_card", **where),
        src=url_for("public.claim_card", **where),
        alt=_("{org} checked the claim “{claim}”. {verdict}",
              org=snapshot.organisation.name, claim=clip_words(claim.text, 200),
              verdict=_card_verdict(claim)))


def _card_verdict(claim: SnapshotClaim) -> str:
    """The verdict as the card's band shows it: "Verdict: ✔ True"."""
    label = claim.rating
    name = f"{label.symbol} {label.name}".strip() if label else verdict_name(claim)
    return f"{_('Verdict:')} {name}"


def _decided_claim(snapshot: Snapshot, n: int) -> SnapshotClaim:
    """Claim `n` of the published check, if it was published with a verdict; else 404."""
    claim = next((c for c in snapshot.claims if c.number == n), None)
    if claim is None or not claim.decided:  # unknown, or listed as still being checked
        abort(404)
    return claim


@bp.route("/checks/<slug>/claims/<int:n>")
def claim(slug: str, n: int):
    """A checked claim's own page (its permalink): the claim, its verdict, conclusion,
    reasoning, evidence and corrections, with its own ClaimReview and share card."""
    publication_id, modified, copies, _also = _live_version(slug)
    return _public_page(slug, _etag(f"claim-{n}", publication_id, modified, copies),
                        modified, publication_id, _render_claim, n, page=f"claim-{n}")


def _render_claim(snapshot: Snapshot, publication: Publication, modified: datetime,
                  n: int) -> str:
    claim = _decided_claim(snapshot, n)
    article = snapshot.article
    claim_url = absolute_url("public.claim", slug=article.slug, n=n)
    organisation = _organisation(snapshot)
    conclusion = render_markdown(claim.summary).striptags()
    return render_template(
        "public/claim.html", snapshot=snapshot, article=article, claim=claim,
        claim_title=claim.headline, claim_url=claim_url,
        back_url=absolute_url("public.check", slug=article.slug, _anchor=f"claim-{n}"),
        description=clip_words(f"{_card_verdict(claim)}. {conclusion}", 200),
        publication=publication, modified=modified, organisation=organisation,
        corrections=[c for c in snapshot.corrections if c.claim_number == n],
        claim_review=claim_review(snapshot, claim, url=claim_url, organisation=organisation,
                                  **_dates(publication, modified)),
        card=_share_card(snapshot, claim), copies=_copies([claim]))


@bp.route("/checks/<slug>/claims/<int:n>/sources/<int:k>")
def source(slug: str, n: int, k: int):
    """The preserved copy of source `k` of published claim `n`, for readers: the text of
    the page as it was when the check cited it, the quote marked, the address, the date
    and the hash of what was received (never the WARC or the page's own markup)."""
    publication_id, modified, copies, _also = _live_version(slug)
    return _public_page(slug, _etag(f"source-{n}-{k}", publication_id, modified, copies),
                        modified, publication_id, _render_source, n, k,
                        page=f"source-{n}-{k}")


def _render_source(snapshot: Snapshot, publication: Publication, modified: datetime,
                   n: int, k: int) -> str:
    claim = _decided_claim(snapshot, n)
    item = claim.evidence[k - 1] if 1 <= k <= len(claim.evidence) else None
    copy = (public_text(db.session, evidence_id=item.id, url=item.url)
            if item is not None and item.id is not None else None)
    if copy is None:  # not cited, never preserved, or kept from readers by the publisher
        abort(404)
    text, span = copy.text, copy.quote_span
    parts = ((text[:span[0]], text[span[0]:span[1]], text[span[1]:]) if span
             else (text, "", ""))
    return render_template(
        "public/source.html", snapshot=snapshot, article=snapshot.article, claim=claim,
        item=item, copy=copy, parts=parts, claim_title=claim.headline,
        back_url=url_for("public.claim", slug=snapshot.article.slug, n=n,
                         _anchor=f"source-{k}"))


@bp.route("/checks/<slug>/claims/<int:n>/card.png")
def claim_card(slug: str, n: int):
    """The claim's share card: a 1200 x 630 PNG of the claim, its verdict and the desk."""
    publication_id, modified, _copies, _also = _live_version(slug)
    etag = _etag(f"card-{n}", publication_id, modified)
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(_card_png(etag, current_app.config["DATABASE_URL"],
                                           publication_id, n))
        response.mimetype = "image/png"
    return _public_caching(response, etag, modified)


@lru_cache(maxsize=64)
def _card_png(etag: str, database: str, publication_id: int, n: int) -> bytes:
    """The PNG of one published version of a claim in one language (all in the etag),
    drawn once per worker."""
    publication = db.session.get(Publication, publication_id)
    snapshot = Snapshot.from_json(publication.snapshot)
    claim = _decided_claim(snapshot, n)
    card = Card(claim=claim.text, verdict=_card_verdict(claim),
                colour=claim.rating.colour if claim.rating else "",
                organisation=snapshot.organisation.name, kicker=_("Fact check"),
                claimant=claim.claimant, rtl=text_direction_of() == "rtl")
    return render_card(card, fonts=FONTS)


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
        short = clip_words(words, REPORT_OPTION_LENGTH)
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
