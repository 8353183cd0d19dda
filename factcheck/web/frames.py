"""The preserved original of a source, for the sandboxed frame of the copies page, served
from a path that carries no cookie's authority (issue 17).

The copies page (factcheck/web/review.py), opened by a signed-in editor or reviewer, mints
a short-lived signed token naming the capture and that person; the frame's address is
`/copy-frame/<capture_id>/<token>`. This route reads no cookie and sets none: the session
is neither opened nor saved on these paths (`CookielessFrames`), so whatever the archived
page does inside the frame, no request it could cause carries the desk's authority, and
the token is the only credential. The answer is the page made inert, under
`Content-Security-Policy: sandbox` with no script source and nothing fetched from anywhere.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Request, Response, current_app
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..infra.archive_storage import ArchiveStorageError, read_warc
from ..intake.capture import HTML_TYPES, archived_response, decode_body, framable_html
from ..models import Claim, Evidence, EvidenceCapture, User
from ..queries.reviews import visible_evidence
from ..states import CaptureStatus, Role
from ..workflow import WorkflowError
from ..workflow.assignments import require_claim_access

PREFIX = "/copy-frame"
_SALT = "factcheck.copy-frame"
bp = Blueprint("frames", __name__, url_prefix=PREFIX)

# The preserved copy runs nothing (a sandbox without allow-scripts, and no script source),
# fetches nothing (no source allowed but inline images), has an opaque origin (no
# allow-same-origin: no cookies, no storage, no access to the desk's page), and only the
# desk's own pages may frame it.
COPY_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
COPY_HEADERS = {
    "Content-Security-Policy": COPY_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-DNS-Prefetch-Control": "off",
}
FRAMED_TYPES = (*HTML_TYPES, "text/plain")


class CookielessFrames(SecureCookieSessionInterface):
    """Flask's cookie session everywhere but under /copy-frame/, where a request gets an
    empty session whatever cookie it sends, and the answer never sets one."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if _is_frame_path(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        from flask import request

        if _is_frame_path(request.path):
            return
        super().save_session(app, session, response)


def _is_frame_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def register_frames(app: Flask) -> None:
    """Serve /copy-frame/ without the session cookie's authority."""
    app.session_interface = CookielessFrames()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def frame_token(*, capture_id: int, user_id: int) -> str:
    """A token that lets the frame show capture `capture_id` to user `user_id` for
    COPY_FRAME_MAX_AGE seconds (minted by the copies page for its own frame)."""
    return _serializer().dumps([capture_id, user_id])


def framed_body(warc: bytes | None) -> tuple[bytes, str] | None:
    """(body, media type) of a preserved web page or text, from its WARC file, as the frame
    shows it: HTML made inert, text as UTF-8; None for other types and no response."""
    archived = archived_response(warc) if warc else None
    if archived is None:
        return None
    if archived.content_type in HTML_TYPES:
        return framable_html(archived.body, archived.charset), "text/html; charset=utf-8"
    if archived.content_type == "text/plain":
        return (decode_body(archived.body, archived.charset).encode("utf-8"),
                "text/plain; charset=utf-8")
    return None


def copy_response(body: bytes, content_type: str, status: int = 200) -> Response:
    """An answer under the copies' headers (sandbox CSP, nosniff, no-store, no referrer)."""
    response = Response(body, status=status)
    response.headers["Content-Type"] = content_type
    response.headers.update(COPY_HEADERS)
    return response


def _refused(status: int) -> Response:
    # Plain and the same for every refusal: no page of ours (no template, no language
    # cookie read) and nothing that says which part of the token was wrong.
    words = {403: b"Forbidden", 404: b"Not found", 503: b"Unavailable"}[status]
    return copy_response(words, "text/plain; charset=utf-8", status)


@bp.route("/<int:capture_id>/<token>")
def copy_frame(capture_id: int, token: str):
    """A preserved web page or text, for the frame of the copies page: authorised by the
    signed token alone, and only while its user may still see that source."""
    try:
        named, user_id = _serializer().loads(
            token, max_age=int(current_app.config["COPY_FRAME_MAX_AGE"]))
    except (BadSignature, ValueError, TypeError):  # forged, expired, or not ours
        return _refused(403)
    if named != capture_id:
        return _refused(403)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.role.at_least(Role.REVIEWER):
        return _refused(403)
    capture = db.session.get(EvidenceCapture, capture_id)
    evidence = db.session.get(Evidence, capture.evidence_id) if capture is not None else None
    if evidence is None or evidence.removed_at is not None:
        return _refused(404)
    claim = db.session.get(Claim, evidence.claim_id)
    try:  # what the copies page checked, again: access may have ended since
        require_claim_access(db.session, claim=claim, user=user)
    except WorkflowError:
        return _refused(403)
    if (not visible_evidence(db.session, claim=claim, viewer=user, items=[evidence])
            or capture.status != CaptureStatus.PRESERVED):
        return _refused(404)
    try:
        warc = read_warc(current_app, capture)
    except ArchiveStorageError as error:
        current_app.logger.warning("preserved copy %s cannot be read: %s", capture.id, error)
        return _refused(503)
    framed = framed_body(warc)
    if framed is None:
        return _refused(404)
    return copy_response(*framed)
