"""The JSON API, version 1. For now only its public, read-only part: the published checks.

Conventions for every endpoint of this blueprint (token-authenticated ones will join it):
JSON in and out; errors always as ``{"error": {"code": "...", "message": "..."}}`` with
the right HTTP status, never an HTML page; lists paginated with ``?page=`` and
``?per_page=`` (default 20, at most 100). Public endpoints need no token and no cookie,
so the blueprint is exempt from CSRF (a token-authenticated endpoint must not accept the
session cookie as its credential).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import csrf, db
from .feeds import (
    LiveCheck,
    conditional,
    live_checks,
    make_etag,
    numeric_rating,
    page_url,
    publishing_state,
)
from .i18n import _
from .models import Article, User
from .scales import active_scale, scale_labels
from .states import Role
from .workflow.assignments import is_assigned
from .workflow.claims import article_claims
from .workflow.publishing import live_publication
from .workflow.tokens import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: int() also takes " 7", "+7", other digits
# Escaped inside JSON strings so that a response can never be read as HTML.
_HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))


# --- JSON responses and errors ----------------------------------------------------------------


class ApiError(Exception):
    """An error answered as JSON: `status` (HTTP), `code` (stable, for programs), `message`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_response(data: Any, status: int = 200) -> Response:
    """`data` as JSON; `<`, `>`, `&` and `'` are escaped, so it is inert even if sniffed."""
    body = current_app.json.dumps(data)
    for raw, escaped in _HTML_SAFE:  # these characters occur only inside JSON strings
        body = body.replace(raw, escaped)
    return Response(body + "\n", status=status, content_type="application/json")


def json_error(status: int, code: str, message: str) -> Response:
    """The one error shape of the API."""
    return json_response({"error": {"code": code, "message": message}}, status)


_HTTP_CODES = {
    400: ("bad_request", _("The request could not be understood.")),
    401: ("unauthorized", _("A valid API token is required.")),
    403: ("forbidden", _("This token does not give access to this resource.")),
    404: ("not_found", _("There is nothing at this address.")),
    405: ("method_not_allowed", _("This address does not accept that method.")),
    409: ("conflict", _("Someone else changed this at the same moment.")),
    410: ("gone", _("This resource has been withdrawn.")),
    413: ("too_large", _("The request is larger than this API accepts.")),
    429: ("too_many_requests", _("Too many requests; please wait and try again.")),
    500: ("server_error", _("An unexpected error happened; nothing was saved.")),
}


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return json_error(error.status, error.code, error.message)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # redirects and the like pass through unchanged
    name = error.name.lower().replace(" ", "_").replace("'", "")
    code, message = _HTTP_CODES.get(error.code, (name, error.name))
    response = json_error(error.code, code, message)
    for header, value in error.get_headers():
        if header.lower() != "content-type":  # keep Allow (405), Retry-After (429), ...
            response.headers[header] = value
    return response


# The app-level 500 handler is registered for its status code, which Flask looks up
# before handlers registered for a class: this blueprint needs its own.
@bp.errorhandler(InternalServerError)
def _server_error(error: InternalServerError) -> Response:
    db.session.rollback()
    return _http_error(error)


@bp.before_app_request
def _routing_errors_as_json():
    """404 and 405 of the URL router never reach blueprint handlers; answer them here."""
    error = request.routing_exception
    prefix = bp.url_prefix or ""
    if (isinstance(error, HTTPException) and error.code and error.code >= 400
            and (request.path == prefix or request.path.startswith(prefix + "/"))):
        return _http_error(error)
    return None


def _page_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "invalid_parameter", _(
            "{name} must be a whole number from 1 to {maximum}.", name=name, maximum=maximum))
    return int(raw)


def paging() -> tuple[int, int]:
    """`page` and `per_page` from the query string, checked; ApiError 400 when invalid."""
    return (_page_arg("page", 1, MAX_PAGE),
            _page_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE))


# --- Published checks (public) ------------------------------------------------------------------


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def _item(check: LiveCheck) -> dict[str, Any]:
    snapshot = check.snapshot
    article = snapshot["article"]
    return {
        "slug": article["slug"],
        "title": article["title"],
        "outlet": article["outlet"],
        "url": page_url(article["slug"]),  # the verdict page
        "source_url": article["source_url"],  # the article that was checked
        "published_at": _time(check.first_published),
        "updated_at": _time(check.modified),
        "checked": snapshot["checked"],
        "open": snapshot["open"],
        "counts": [{"verdict": name, "count": n} for name, n in snapshot["counts"]],
    }


def _verdict(rating: dict[str, Any] | None) -> dict[str, Any] | None:
    if rating is None:  # decided with a written conclusion only
        return None
    value, worst, best = numeric_rating(rating)
    return {"key": rating["key"], "name": rating["name"], "value": value, "worst": worst,
            "best": best}


def _claim(claim: dict[str, Any], url: str) -> dict[str, Any]:
    decided = claim["decided"]
    return {
        "number": claim["number"],
        "url": f"{url}#claim-{claim['number']}",
        "text": claim["text"],
        "quote": claim["quote"],
        "kind": claim["kind"],
        "claimant": claim["claimant"],
        "claim_date": claim["claim_date"],
        "status": "decided" if decided else "open",
        "verdict": _verdict(claim["rating"]),
        # The editor's public conclusion, in Markdown; None while still being checked.
        "conclusion": claim["summary"] if decided else None,
        "decided_at": claim["decided_at"],
        # As on the verdict page: reviews and evidence only once the claim is decided.
        "reviewers": claim["reviewers"] if decided else 0,
        "agreement": claim["agreement"] if decided else None,
        "reasoning": claim["reasoning"] if decided else [],
        "evidence": claim["evidence"] if decided else [],
    }


def _detail(check: LiveCheck) -> dict[str, Any]:
    snapshot = check.snapshot
    article = snapshot["article"]
    url = page_url(article["slug"])
    numbers = {c["id"]: c["number"] for c in snapshot["claims"]}
    data = _item(check)
    data.update(
        author=article["author"],
        published_on=article["published_on"],
        language=article["language"],
        version=check.publication.number,
        candidates=snapshot["candidates"],
        organisation={**snapshot["organisation"],  # as on the page: no url means this site
                      "url": snapshot["organisation"]["url"]
                      or url_for("main.index", _external=True)},
        claims=[_claim(c, url) for c in snapshot["claims"]],
        corrections=[{"at": c["at"], "note": c["note"], "before": c["before"],
                      "after": c["after"], "claim_number": numbers.get(c["claim_id"])}
                     for c in snapshot["corrections"]],
    )
    return data


@bp.get("/checks")
def checks():
    """Published checks, newest first: ``{"items", "page", "per_page", "total"}``."""
    page, per_page = paging()
    state = publishing_state(db.session)

    def build() -> Response:
        offset = (page - 1) * per_page
        found = (live_checks(db.session, limit=per_page, offset=offset)
                 if offset < state.live else [])
        return json_response({"items": [_item(c) for c in found], "page": page,
                              "per_page": per_page, "total": state.live})

    return conditional(state.etag("api-checks", request.url_root, page, per_page), build)


@bp.get("/checks/<slug>")
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


# --- Token authentication -------------------------------------------------------------------


def token_user(minimum: Role = Role.REVIEWER) -> User:
    """The user of the request's Bearer token: 401 without a valid one, 403 below `minimum`."""
    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    user = user_for_token(db.session, raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiError(401, "unauthorized", _("Send a valid API token as 'Authorization: "
                                              "Bearer TOKEN'."))
    if not user.role.at_least(minimum):
        raise ApiError(403, "forbidden", _("Your role does not allow this."))
    return user


@bp.get("/rating-scale")
def rating_scale():
    """The labels of the active rating scale (any valid token)."""
    token_user()
    scale = active_scale(db.session)
    if scale is None:
        raise ApiError(409, "no_active_scale", _("No rating scale is active."))
    return json_response({
        "name": scale.name, "mode": str(scale.mode),
        "labels": [{"key": lab.key, "label": lab.name, "value": lab.value,
                    "colour": lab.colour, "symbol": lab.symbol,
                    "description": lab.description}
                   for lab in scale_labels(db.session, scale)],
    })


@bp.get("/articles/<int:article_id>")
def article(article_id: int):
    """An article with its claims (editors; reviewers assigned to one of its claims)."""
    user = token_user()
    found = db.session.get(Article, article_id)
    if found is None:
        raise ApiError(404, "not_found", _("There is no article with this id."))
    claims = article_claims(db.session, found.id)
    if not user.role.at_least(Role.EDITOR) and not any(
            is_assigned(db.session, claim=c, user=user) for c in claims):
        raise ApiError(403, "forbidden", _("None of this article's claims is assigned to you."))
    return json_response({
        "id": found.id, "title": found.title, "slug": found.slug, "status": str(found.status),
        "text": found.body, "url": found.source_url, "outlet": found.outlet,
        "author": found.author, "language": found.language,
        "published_on": found.published_on.isoformat() if found.published_on else None,
        "claims": [{"id": c.id, "position": c.position, "start": c.start, "end": c.end,
                    "text": c.text, "kind": str(c.kind), "score": c.score,
                    "claimant": c.claimant,
                    "claim_date": c.claim_date.isoformat() if c.claim_date else None,
                    "status": str(c.status), "version": c.version} for c in claims],
    })
