"""Error pages and the security headers every response carries."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from ..extensions import db
from ..i18n import _, _l
from ..infra.outage import OUTAGE_HEADERS, outage_handled
from ..infra.security_log import events_logged, security_event

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",  # the organisation's logo may live on its own site
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Changed meanwhile"),
          _l("Someone else changed this at the same moment; nothing of yours was saved. Go "
            "back, reload and try again.")),
    410: (_l("Gone"), _l("This page has been withdrawn.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened; nothing was saved. Please try again."),
    ),
    503: (_l("Unavailable"), _l("The service is temporarily unavailable.")),
}


def _render_error(code: int, message: str | None = None):
    title, default_message = _MESSAGES.get(code, (str(code), ""))
    page = render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    )
    return page, code


def register_error_handlers(app: Flask) -> None:
    """Plain error pages with no stack traces; the transaction is rolled back first."""

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        security_event("csrf.failed", level=logging.WARNING, reason=error.description)
        return _render_error(
            400,
            _(
                "The form has expired or did not come from this site. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        # A Host outside TRUSTED_HOSTS: the page template cannot build URLs for it.
        # (request.host would raise again: the header is read as sent, and shortened.)
        security_event("request.untrusted_host", level=logging.WARNING,
                       host=request.headers.get("Host", "")[:100])
        return Response(_("This site does not answer to that host name.") + "\n", 400,
                        mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = error.get_response()
        page, _code = _render_error(error.code)
        response.set_data(page)
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def _conflict(error: Exception):
        # A concurrent change won the race at commit time (PostgreSQL reports it there).
        db.session.rollback()
        app.logger.info("write conflict on %s: %s", request.path, type(error).__name__)
        return _render_error(409)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):
        db.session.rollback()
        return _render_error(500)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def _database_unavailable(error: Exception):
        if not outage_handled(error):
            raise error  # a faulty query, not an outage: the usual 500 path
        g.user = None  # the page must not ask the database anything more (not even a name)
        page, code = _render_error(503)
        return page, code, OUTAGE_HEADERS


def _path_and_form() -> list[str]:
    texts = [request.path]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.form.lists():
            texts += [key, *values]
    return texts


def register_input_checks(app: Flask) -> None:
    """Refuse a NUL character in the path or a form: no text column can store one."""

    @app.before_request
    def _refuse_nul():
        # PostgreSQL refuses NUL in text, even in a query's parameters: refuse it here,
        # clearly and at once, rather than with a 500 from whichever query meets it first.
        # (Query strings only filter; search strips what it cannot use.)
        if any("\x00" in text for text in _path_and_form()):
            return _render_error(400, _("What you sent contains a NUL character (code 0), "
                                        "which cannot be stored. Remove it and try again."))
        return None


# Refusals worth a security event, whoever answered them (abort, a view, the API).
_REFUSALS = {403: "access.denied", 429: "access.throttled"}


def register_refusal_log(app: Flask) -> None:
    """Log every 403 and 429 response as a security event, unless the view logged one."""

    @app.after_request
    def _log_refusal(response: Response) -> Response:
        event = _REFUSALS.get(response.status_code)
        if event is not None and not events_logged():
            security_event(event, level=logging.WARNING, status=response.status_code,
                           endpoint=request.endpoint)
        return response


def register_security_headers(app: Flask) -> None:
    """Add CSP, nosniff, referrer policy, HSTS over HTTPS and no-store on private pages."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if ((g.get("user") is not None or request.endpoint == "auth.invitation")
                and "no-store" not in headers.get("Cache-Control", "")):
            headers["Cache-Control"] = "no-store"
        return response
