"""The API blueprint's plumbing: JSON responses and errors, tokens, bodies, operations, CORS.

Conventions for every endpoint: JSON in and out; errors always as
``{"error": {"code": "...", "message": "...", "fields": {...}}}`` with the right HTTP
status, never an HTML page; lists paginated with ``?page=`` and ``?per_page=`` (default 20,
at most 100). Private endpoints take a personal token as ``Authorization: Bearer TOKEN``
and never the session cookie, so the blueprint is exempt from CSRF.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import csrf, db
from ..i18n import _, _l
from ..infra.outage import OUTAGE_HEADERS, outage_handled
from ..infra.security_log import security_event
from ..models import User
from ..states import Role
from ..workflow import WorkflowError
from ..workflow.tokens import user_for_token
from .schemas import SCHEMAS
from .validation import INT_MAX, validate

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: int() also takes " 7", "+7", other digits
# Escaped inside JSON strings so that a response can never be read as HTML.
_HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))
_CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-None-Match"


# --- JSON responses and errors ----------------------------------------------------------------


class ApiError(Exception):
    """An error answered as JSON: `status` (HTTP), `code` (stable, for programs), `message`."""

    def __init__(self, status: int, code: str, message: str, *,
                 fields: dict[str, str] | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.extra = fields, extra or {}


def json_response(data: Any, status: int = 200) -> Response:
    """`data` as JSON; `<`, `>`, `&` and `'` are escaped, so it is inert even if sniffed."""
    body = current_app.json.dumps(data)
    for raw, escaped in _HTML_SAFE:  # these characters occur only inside JSON strings
        body = body.replace(raw, escaped)
    return Response(body + "\n", status=status, content_type="application/json")


def json_error(status: int, code: str, message: str, fields: dict[str, str] | None = None,
               **extra: Any) -> Response:
    """The one error shape of the API (`extra` goes next to `error`, e.g. `current`)."""
    error: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = {name: str(text) for name, text in fields.items()}
    return json_response({"error": error, **extra}, status)


_HTTP_CODES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("A valid API token is required.")),
    403: ("forbidden", _l("This token does not give access to this resource.")),
    404: ("not_found", _l("There is nothing at this address.")),
    405: ("method_not_allowed", _l("This address does not accept that method.")),
    409: ("conflict", _l("Someone else changed this at the same moment; nothing was saved.")),
    410: ("gone", _l("This resource has been withdrawn.")),
    413: ("too_large", _l("The request is larger than this API accepts.")),
    415: ("unsupported_media_type", _l("Send the body as JSON with Content-Type: "
                                       "application/json.")),
    429: ("too_many_requests", _l("Too many requests; please wait and try again.")),
    500: ("server_error", _l("An unexpected error happened; nothing was saved.")),
}


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    if error.status >= 400:
        db.session.rollback()
    return json_error(error.status, error.code, error.message, error.fields, **error.extra)


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


@bp.errorhandler(StaleDataError)
@bp.errorhandler(IntegrityError)
def _write_conflict(error: Exception) -> Response:
    # A concurrent change won the race at commit time (PostgreSQL reports it there).
    db.session.rollback()
    current_app.logger.info("API write conflict on %s: %s", request.path, type(error).__name__)
    return json_error(409, *_HTTP_CODES[409])


@bp.errorhandler(DBAPIError)
@bp.errorhandler(PoolTimeoutError)
def _database_unavailable(error: Exception) -> Response:
    if not outage_handled(error):
        raise error  # a faulty query is a server error, answered 500 as such
    response = json_error(503, "unavailable", _("The service is temporarily unavailable; "
                                                "please try again shortly."))
    response.headers.update(OUTAGE_HEADERS)
    return response


@bp.before_app_request
def _routing_errors_as_json():
    """404 and 405 of the URL router never reach blueprint handlers; answer them here."""
    error = request.routing_exception
    prefix = bp.url_prefix or ""
    if (isinstance(error, HTTPException) and error.code and error.code >= 400
            and (request.path == prefix or request.path.startswith(prefix + "/"))):
        return _http_error(error)
    return None


@bp.after_request
def _private_and_cors(response: Response) -> Response:
    if g.get("api_user") is not None:
        response.headers["Cache-Control"] = "no-store"
    origin = request.headers.get("Origin")
    allowed = current_app.config.get("API_CORS_ORIGINS") or ()
    if origin and (origin in allowed or "*" in allowed):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = ("ETag, Idempotent-Replayed, "
                                                            "Last-Modified, Location")
        response.vary.add("Origin")
        if request.method == "OPTIONS":  # a preflight: Flask answers it with the Allow header
            response.headers["Access-Control-Allow-Methods"] = response.headers.get("Allow", "")
            response.headers["Access-Control-Allow-Headers"] = _CORS_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
    return response


def workflow_error(error: WorkflowError, names: dict[str, str] | None = None) -> ApiError:
    """A workflow rule broken, as an API error; `names` maps workflow to API field names."""
    if error.code == "invalid" and error.field:
        name = (names or {}).get(error.field, error.field)
        return ApiError(422, "invalid", _("Some fields are invalid."),
                        fields={name: error.message})
    return ApiError(error.http_status, error.code, error.message)


@contextmanager
def workflow_step(names: dict[str, str] | None = None) -> Iterator[None]:
    """Run the block's workflow calls and commit; a broken rule becomes its API error."""
    try:
        yield
    except WorkflowError as error:
        raise workflow_error(error, names) from None
    db.session.commit()


# --- Requests -----------------------------------------------------------------------------------


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


def token_user(minimum: Role = Role.REVIEWER) -> User:
    """The user of the request's Bearer token: 401 without a valid one, 403 below `minimum`."""
    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    user = user_for_token(db.session, raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        # Never the token itself: only whether one was sent and in which scheme.
        security_event("api.unauthorized", level=logging.WARNING,
                       scheme=scheme.lower()[:20] if header else None)
        raise ApiError(401, "unauthorized", _("Send a valid API token as 'Authorization: "
                                              "Bearer TOKEN'."))
    g.api_user = user
    if not user.role.at_least(minimum):
        security_event("access.denied", level=logging.WARNING, status=403, api_user=user.id,
                       endpoint=request.endpoint)
        raise ApiError(403, "forbidden", _("Your role does not allow this."))
    return user


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def json_body(schema: str, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, checked against SCHEMAS[`schema`]; ApiError 400/415/422.

    With `optional`, an empty body counts as ``{}``.
    """
    if optional and not request.content_length and not request.headers.get(
            "Transfer-Encoding"):
        return {}
    if request.mimetype != "application/json":
        raise ApiError(415, *_HTTP_CODES[415])
    raw = request.get_data(cache=False)  # MAX_CONTENT_LENGTH answers 413 here
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):  # JSONDecodeError, NaN, over-long integers
        raise ApiError(400, "malformed_json",
                       _("The body is not valid JSON in UTF-8.")) from None
    errors = validate(SCHEMAS[schema], data)
    if errors:
        raise ApiError(422, "invalid", _("Some fields are invalid."), fields=errors)
    return data


def get_or_404(model, object_id: int, message: str):
    """The row of `model` with this id, or ApiError 404 (ids beyond the integer range too)."""
    found = db.session.get(model, object_id) if 0 < object_id <= INT_MAX else None
    if found is None:
        raise ApiError(404, "not_found", message)
    return found


# --- Operations, for the OpenAPI document -------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One documented endpoint: how it is called, who may, what it takes and answers."""

    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    auth: Role | None
    body: str | None
    responses: dict[int, str | None]
    query: tuple[str, ...] = field(default=())


OPERATIONS: list[Operation] = []


def operation(method: str, rule: str, *, summary: str, auth: Role | None,
              responses: dict[int, str | None], body: str | None = None,
              query: tuple[str, ...] = ()) -> Callable:
    """Register a view on the blueprint and document it (`responses`: status -> schema)."""

    def register(view: Callable) -> Callable:
        OPERATIONS.append(Operation(
            method=method, rule=rule, endpoint=f"{bp.name}.{view.__name__}", summary=summary,
            description=(view.__doc__ or "").strip(), auth=auth, body=body,
            responses=responses, query=query))
        return bp.route(rule, methods=[method])(view)

    return register
