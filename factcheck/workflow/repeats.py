"""Repeated submissions: a form's one-time token and an API request's idempotency key.

Both are claimed by inserting a row in the transaction that does the work, so the claim
and the work commit (or roll back) together. A repeat that arrives while the first is
still running waits on the row's unique key (PostgreSQL) or on the write lock (SQLite's
BEGIN IMMEDIATE), then finds it taken: exactly one of them does the work, on both
databases, without a check-then-insert race.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..models import FormSubmission, IdempotentRequest

# A form token answers repeats for a day (a page left open overnight gets a fresh start);
# an idempotency key for a day, as Stripe and the IETF draft suggest for retries.
FORM_TOKEN_LIFETIME = timedelta(days=1)
IDEMPOTENCY_LIFETIME = timedelta(days=1)
MAX_KEY_LENGTH = 255
# The response headers a replay repeats; the rest (dates, cookies) belong to each answer.
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag", "Last-Modified")

_FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Printable ASCII without spaces at the ends: what clients send (UUIDs, ULIDs, hashes).
_KEY = re.compile(r"[!-~](?:[ -~]*[!-~])?")


def new_form_token() -> str:
    """A fresh one-time token for one rendered form."""
    return secrets.token_urlsafe(18)


def is_form_token(value: str) -> bool:
    """Whether `value` has the shape of a token this app hands out."""
    return _FORM_TOKEN.fullmatch(value) is not None


def is_idempotency_key(value: str) -> bool:
    """Whether `value` is an acceptable Idempotency-Key (1-255 printable ASCII characters)."""
    return len(value) <= MAX_KEY_LENGTH and _KEY.fullmatch(value) is not None


def spend_form_token(session: Session, token: str, *, user_id: int | None) -> bool:
    """Mark `token` spent in the session's transaction; False if a committed submission had.

    Waits for a submission of the same token still in flight. Call it before the work,
    in the same transaction: a rollback makes the token usable again.
    """
    session.exec(delete(FormSubmission).where(
        col(FormSubmission.created_at) < utcnow() - FORM_TOKEN_LIFETIME))
    return _insert(session, FormSubmission(token=token, user_id=user_id))


def form_submission(session: Session, token: str) -> FormSubmission | None:
    """The spent token's row (where its first submission led), fresh from the database."""
    return session.exec(select(FormSubmission).where(FormSubmission.token == token)
                        .execution_options(populate_existing=True)).first()


def record_form_location(session: Session, token: str, location: str) -> None:
    """Remember where the first submission of `token` led, for its repeats."""
    session.exec(update(FormSubmission).where(col(FormSubmission.token) == token)
                 .values(location=location[:2000]))


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 of what makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    """The first response to an idempotent request."""

    status: int
    body: bytes
    headers: dict[str, str]


def claim_idempotency_key(session: Session, *, user_id: int, key: str,
                          fingerprint: str) -> IdempotentRequest | None:
    """Claim `key` for this request in the session's transaction.

    None when the claim is ours (do the work); otherwise the earlier request's row, whose
    `status` is None while it is still being answered.
    """
    session.exec(delete(IdempotentRequest).where(
        col(IdempotentRequest.created_at) < utcnow() - IDEMPOTENCY_LIFETIME))
    if _insert(session, IdempotentRequest(user_id=user_id, key=key, fingerprint=fingerprint)):
        return None
    return idempotent_request(session, user_id=user_id, key=key)


def idempotent_request(session: Session, *, user_id: int, key: str) -> IdempotentRequest | None:
    """The committed row of `key` for this user, fresh from the database."""
    return session.exec(select(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)
        .execution_options(populate_existing=True)).first()


def store_response(session: Session, *, user_id: int, key: str,
                   response: StoredResponse) -> None:
    """Keep the first response to `key`, to answer its repeats."""
    session.exec(update(IdempotentRequest).where(
        col(IdempotentRequest.user_id) == user_id, col(IdempotentRequest.key) == key)
        .values(status=response.status, body=response.body, headers=response.headers))


def _insert(session: Session, row: FormSubmission | IdempotentRequest) -> bool:
    # A savepoint keeps the failed insert from undoing the rest of the transaction.
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True
