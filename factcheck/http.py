"""Error pages and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, Response, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .i18n import _

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
    400: (_("Bad request"), _("The request could not be understood.")),
    403: (_("Not allowed"), _("Your account does not have access to this page.")),
    404: (_("Not found"), _("There is nothing at this address.")),
    405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
    409: (_("Changed meanwhile"),
          _("Someone else changed this at the same moment; nothing of yours was saved. Go "
            "back, reload and try again.")),
    410: (_("Gone"), _("This page has been withdrawn.")),
    413: (_("Too large"), _("What you sent is larger than this site accepts.")),
    429: (_("Too many requests"), _("Please wait a moment and try again.")),
    500: (
        _("Something went wrong"),
        _("An unexpected error happened; nothing was saved. Please try again."),
    ),
    503: (_("Unavailable"), _("The service is temporarily unavailable.")),
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
        app.logger.warning(
            "CSRF failure on %s %s: %s", request.method, request.path, error.description
        )
        return _render_error(
            400,
            _(
                "The form has expired or did not come from this site. "
                "Go back, reload the page and try again."
            ),
        )

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
        if g.get("user") is not None or request.endpoint == "auth.invitation":
            headers["Cache-Control"] = "no-store"
        return response
