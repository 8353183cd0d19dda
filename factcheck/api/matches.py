"""Claim matching over the API: which checks already made match a text or a claim.

Own checks are this desk's published verdicts (`source: "own"`, the verdict page's
`#claim-N` address, the desk as publisher); imported checks (`source: "imported"`) are
other publishers' ClaimReviews, shown with their publisher and rating, never as ours.
"""

from __future__ import annotations

from typing import Any

from flask import request

from ..extensions import db
from ..i18n import _
from ..infra.links import check_url
from ..models import Claim
from ..queries.matching import OWN, Match, ranked_matches
from ..queries.settings import get_setting
from ..states import Role
from .claims import _access, _claim_or_404
from .core import ApiError, json_body, json_response, operation, token_user
from .serializers import iso

DEFAULT_LIMIT = 5
_ERRORS = {401: "Error", 403: "Error", 404: "Error"}


def _records(found: list[Match]) -> dict[str, Any]:
    desk = None
    matches = []
    for match in found:
        candidate = match.candidate
        if candidate.source == OWN:
            desk = desk or get_setting(db.session, "org_name")
            url = f"{check_url(candidate.slug)}#claim-{candidate.claim_number}"
            publisher = desk
        else:
            url, publisher = candidate.url, candidate.publisher
        matches.append({
            "text": candidate.text, "rating": candidate.rating, "url": url,
            "publisher": publisher, "published": iso(candidate.published),
            "source": candidate.source, "score": match.score})
    return {"matches": matches}


def _flag(name: str, default: bool) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ApiError(400, "invalid_parameter", _("{name} must be true or false.", name=name))


@operation("POST", "/matches", summary="Find checks that match a text", auth=Role.REVIEWER,
           body="MatchInput", responses={200: "MatchList", 401: "Error", 403: "Error",
                                         413: "Error", 415: "Error", 422: "Error"})
def matches():
    """Checks already made whose claim is closest to `text`, best first (any valid token).

    `limit` (1-20, default 5); `include_imported` (default true) adds imported ClaimReviews
    to the desk's own published verdicts. `score` is 0..1 (1: the same words); a check
    stating other figures than `text` scores lower.
    """
    token_user()
    data = json_body("MatchInput")
    found = ranked_matches(db.session, text=data["text"],
                         limit=data.get("limit", DEFAULT_LIMIT),
                         include_imported=data.get("include_imported", True))
    return json_response(_records(found))


@operation("GET", "/claims/<int:claim_id>/matches", summary="Checks that match a claim",
           auth=Role.REVIEWER, query=("include_imported", "limit"),
           responses={200: "MatchList", 400: "Error", **_ERRORS})
def claim_matches(claim_id: int):
    """Checks already made that match the claim's wording, best first (whoever may see the
    claim). Other claims of the same article are left out; `include_imported=false` keeps
    only the desk's own verdicts; `limit` 1-20 (default 5)."""
    user = token_user()
    found: Claim = _claim_or_404(claim_id)
    _access(found, user)
    include = _flag("include_imported", True)
    limit = _limit()
    return json_response(_records(ranked_matches(
        db.session, text=found.text, limit=limit, include_imported=include,
        exclude_article=found.article_id)))


def _limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 20:
        raise ApiError(400, "invalid_parameter", _(
            "{name} must be a whole number from 1 to {maximum}.", name="limit", maximum=20))
    return int(raw)
