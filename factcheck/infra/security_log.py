"""Security events (sign-ins, refusals, CSRF failures, throttling) as one JSON line each.

Every event goes to the `factcheck.security` logger as a single line such as

    {"time":"2026-11-26T17:42:36.989Z","event":"auth.login_failed","ip":"203.0.113.7",
     "method":"POST","path":"/login","email_digest":"4f0c2a9e1b7d3c55"}

The timestamp is part of the line (UTC, ISO 8601, `Z`), so it stays UTC whatever handler
and formatter a deployment attaches. Event names match the actions of the database audit
log (`factcheck.workflow.audit`) where both record the same thing.

Never logged: passwords, API tokens (`token.create` and `token.revoke` carry the token's
record id only), invitation tokens (their path is logged as the route pattern), cookies,
CSRF tokens, query strings. The email of a failed sign-in is logged only as a keyed digest
(`email_digest`): people sometimes type a password into the email field, and the digest
still lets an administrator group attempts on one address (`email_digest(address)` in
`flask shell`); the audit log in the database keeps the address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from flask import current_app, g, has_request_context, request

LOGGER_NAME = "factcheck.security"
logger = logging.getLogger(LOGGER_NAME)

# Route parameters whose values are secrets: such paths are logged as their pattern.
_SECRET_VIEW_ARGS = frozenset({"token"})
_MAX_PATH = 300


def utc_timestamp(moment: datetime | None = None) -> str:
    """`moment` (default: now) as ISO 8601 in UTC with milliseconds and a `Z`."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def email_digest(email: str) -> str:
    """A keyed one-way digest of an email as typed (case and blanks ignored)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    normalised = email.strip().lower().encode("utf-8", "replace")
    return hmac.new(key, normalised, hashlib.sha256).hexdigest()[:16]


def _request_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {"ip": request.remote_addr, "method": request.method}
    if request.url_rule is not None and _SECRET_VIEW_ARGS & set(request.view_args or ()):
        fields["path"] = request.url_rule.rule
    else:
        fields["path"] = request.path[:_MAX_PATH]
    user = g.get("user")
    if user is not None:
        fields["user"] = user.id
    return fields


def security_event(event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log one security event with the request's address, method, path and user."""
    line: dict[str, Any] = {"time": utc_timestamp(), "event": event}
    if has_request_context():
        line.update(_request_fields())
        g.security_events = [*g.get("security_events", ()), event]
    line.update(fields)
    # ensure_ascii keeps one event on one line whatever a client sends (no log injection).
    logger.log(level, json.dumps(line, ensure_ascii=True, default=str, separators=(",", ":")))


def events_logged() -> list[str]:
    """The security events this request has logged so far."""
    return list(g.get("security_events", ())) if has_request_context() else []


def configure_security_log() -> None:
    """Log events at INFO and above; to stderr, one bare line each, unless logging is set up."""
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if logger.handlers or logging.getLogger().handlers:
        return  # the deployment (or pytest) configured logging: leave it in charge
    handler = logging.StreamHandler()
    # The line carries its own UTC timestamp; a formatter time would be local and doubled.
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False  # Flask's handler on the `factcheck` logger would repeat it
