"""`Idempotency-Key` on the API's POSTs: a retried request is answered, not done again.

A client that may resend a POST (a timeout, a dropped connection) sends the same
`Idempotency-Key` header each time. The first request that commits its work keeps its
response; a repeat with the same key and the same request gets that response again with
`Idempotent-Replayed: true`; a repeat with another request is refused (422); a repeat
while the first is still running waits for it, then answers, or says 409 "in progress".
When the work committed but its answer failed (a 5xx after the commit), repeats are told
so (409 "answer lost") rather than given the error again or the work done twice.
Keys belong to the token's user and are kept for a day. A request whose work was refused
(any 4xx) keeps nothing: it can be corrected and sent again with the same key.
"""

from __future__ import annotations

import logging
import time

from flask import Response, g, request
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..extensions import db
from ..i18n import _
from ..workflow.repeats import (
    REPLAYED_HEADERS,
    StoredResponse,
    claim_idempotency_key,
    idempotent_request,
    is_idempotency_key,
    request_fingerprint,
    store_response,
)
from ..workflow.tokens import user_for_token
from .core import ApiError, bp, json_error

HEADER = "Idempotency-Key"
_CLAIMED = "claimed_idempotency_keys"
# How long a repeat waits for the first request's answer before saying "in progress".
_ANSWER_WAIT_SECONDS = 5.0

log = logging.getLogger(__name__)


def _mark_committed(keys: set[tuple[int, str]]) -> None:
    g.committed_idempotency_keys = g.get("committed_idempotency_keys", set()) | keys


db.after_commit(_CLAIMED, _mark_committed)


@bp.before_request
def _answer_repeats() -> Response | None:
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not is_idempotency_key(key):
        raise ApiError(400, "invalid_idempotency_key", _(
            "The Idempotency-Key header must be 1 to 255 printable ASCII characters."))
    scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(db.session, raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return None  # the view answers 401 as it always does
    g.api_user = user  # a replay is private too (no-store), as the view's answer was
    fingerprint = request_fingerprint(request.method, request.full_path,
                                      request.get_data(cache=True))
    user_id = user.id
    earlier = claim_idempotency_key(db.session, user_id=user_id, key=key,
                                    fingerprint=fingerprint)
    if earlier is None:
        db.session.info.setdefault(_CLAIMED, set()).add((user_id, key))
        g.idempotency_key = (user_id, key)
        return None
    same_request = earlier.fingerprint == fingerprint
    # Read before the rollback: an expired object read after it would begin a write
    # transaction and, on SQLite, hold the lock the first request needs to answer.
    db.session.rollback()
    if not same_request:
        raise ApiError(422, "idempotency_key_reused", _(
            "This Idempotency-Key was already used for a different request; "
            "use a new key for a new request."))
    stored = _wait_for_answer(user_id, key)
    if stored is None:
        response = json_error(409, "idempotency_in_progress", _(
            "A request with this Idempotency-Key is still being answered; "
            "try again in a moment."))
        response.headers["Retry-After"] = "1"
        return response
    return _replay(stored)


def _wait_for_answer(user_id: int, key: str) -> StoredResponse | None:
    deadline = time.monotonic() + _ANSWER_WAIT_SECONDS
    while True:
        # A read-only session: on SQLite a writer's lock here would starve the first
        # request, which still has to write; each look sees the latest commit.
        with Session(db.engine_for(write=False)) as reader:
            row = idempotent_request(reader, user_id=user_id, key=key)
        if row is not None and row.status is not None:
            return StoredResponse(row.status, row.body or b"", dict(row.headers))
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def _answer_lost() -> StoredResponse:
    """What repeats get when the work committed but its answer failed (a 5xx after the
    commit): not that error again for a day, and not the work done twice."""
    lost = json_error(409, "idempotency_answer_lost", _(
        "The request with this Idempotency-Key was carried out, but its answer was lost; "
        "look the result up instead of sending the request again."))
    return StoredResponse(status=409, body=lost.get_data(),
                          headers={name: lost.headers[name] for name in REPLAYED_HEADERS
                                   if name in lost.headers})


def _replay(stored: StoredResponse) -> Response:
    response = Response(stored.body, status=stored.status)
    for name, value in stored.headers.items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.after_request
def _keep_first_answer(response: Response) -> Response:
    claimed = g.pop("idempotency_key", None)
    if claimed is None or claimed not in g.get("committed_idempotency_keys", ()):
        return response  # nothing committed: a repeat may do the work
    user_id, key = claimed
    stored = (_answer_lost() if response.status_code >= 500 else StoredResponse(
        status=response.status_code, body=response.get_data(),
        headers={name: response.headers[name] for name in REPLAYED_HEADERS
                 if name in response.headers}))
    try:
        store_response(db.session, user_id=user_id, key=key, response=stored)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not keep the response to an idempotent request", exc_info=True)
    return response
