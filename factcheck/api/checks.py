"""Published checks, for everyone: the JSON twin of the verdict pages (no token needed)."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from ..engine.snapshot import SnapshotClaim, SnapshotRating, numeric_rating
from ..extensions import db
from ..i18n import _
from ..infra.http_cache import conditional, make_etag
from ..infra.links import check_url, home_url
from ..queries.publications import LiveCheck, live_checks, live_publication, publishing_state
from .core import ApiError, json_response, operation, paging
from .serializers import iso


def _item(check: LiveCheck) -> dict[str, Any]:
    snapshot = check.snapshot
    article = snapshot.article
    return {
        "slug": article.slug,
        "title": article.title,
        "outlet": article.outlet,
        "url": check_url(article.slug),  # the verdict page
        "source_url": article.source_url,  # the article that was checked
        "published_at": iso(check.first_published),
        "updated_at": iso(check.modified),
        "checked": snapshot.checked,
        "open": snapshot.open,
        "counts": [{"verdict": name, "count": n} for name, n in snapshot.counts],
    }


def _verdict(rating: SnapshotRating | None) -> dict[str, Any] | None:
    if rating is None:  # decided with a written conclusion only
        return None
    value, worst, best = numeric_rating(rating)
    return {"key": rating.key, "name": rating.name, "value": value, "worst": worst,
            "best": best}


def _claim(claim: SnapshotClaim, url: str) -> dict[str, Any]:
    decided = claim.decided
    return {
        "number": claim.number,
        "url": f"{url}#claim-{claim.number}",
        "text": claim.text,
        # The words the verdict page heads the claim with (ClaimReview's claimReviewed).
        "short_claim": claim.headline,
        "quote": claim.quote,
        "kind": claim.kind,
        "claimant": claim.claimant,
        # The claimant's public page is /claimants/<claimant_slug> (None in older versions).
        "claimant_slug": claim.claimant_slug,
        "claimant_same_as": claim.claimant_same_as,
        "claim_date": claim.claim_date,
        "status": "decided" if decided else "open",
        "verdict": _verdict(claim.rating),
        # The editor's public conclusion, in Markdown; None while still being checked.
        "conclusion": claim.summary if decided else None,
        "decided_at": claim.decided_at,
        # As on the verdict page: reviews and evidence only once the claim is decided.
        "reviewers": claim.reviewers if decided else 0,
        "agreement": claim.agreement if decided else None,
        "reasoning": list(claim.reasoning) if decided else [],
        "evidence": [e.to_json() for e in claim.evidence] if decided else [],
    }


def _detail(check: LiveCheck) -> dict[str, Any]:
    snapshot = check.snapshot
    article, organisation = snapshot.article, snapshot.organisation
    url = check_url(article.slug)
    data = _item(check)
    data.update(
        author=article.author,
        published_on=article.published_on,
        language=article.language,
        version=check.publication.number,
        candidates=snapshot.candidates,
        # As on the page: no url means this site.
        organisation={"name": organisation.name, "url": organisation.url or home_url(),
                      "logo": organisation.logo},
        claims=[_claim(c, url) for c in snapshot.claims],
        corrections=[{"at": c.at, "note": c.note, "before": c.before, "after": c.after,
                      "claim_number": c.claim_number, "kind": c.kind}
                     for c in snapshot.corrections],
    )
    return data


@operation("GET", "/checks", summary="List published checks", auth=None,
           responses={200: "CheckList", 304: None, 400: "Error"}, query=("page", "per_page"))
def checks():
    """Published checks, newest first, paginated."""
    page, per_page = paging()
    state = publishing_state(db.session)

    def build() -> Response:
        offset = (page - 1) * per_page
        found = (live_checks(db.session, limit=per_page, offset=offset)
                 if offset < state.live else [])
        return json_response({"items": [_item(c) for c in found], "page": page,
                              "per_page": per_page, "total": state.live})

    etag = make_etag("api-checks", *state.version, request.url_root, page, per_page)
    return conditional(etag, build)


@operation("GET", "/checks/<slug>", summary="Get a published check", auth=None,
           responses={200: "Check", 304: None, 404: "Error", 410: "Error"})
def check(slug: str):
    """One published check with its claims, verdicts, evidence and corrections."""
    found = live_publication(db.session, slug)
    if found is None or (found[1] is None and found[0].published_at is None):
        raise ApiError(404, "not_found", _("There is no published check at this address."))
    article, publication = found
    if publication is None:
        raise ApiError(410, "gone", _("This check has been withdrawn."))
    live = LiveCheck(publication, article.published_at or publication.published_at,
                     article.last_corrected_at or publication.published_at)
    etag = make_etag("api-check", publication.id, live.modified, request.url_root)
    return conditional(etag, lambda: json_response(_detail(live)))
