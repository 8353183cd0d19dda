"""Database outages seen by a request: logged, the session dropped, a retry advised."""

from __future__ import annotations

from flask import current_app, request

from ..db import database_unavailable
from ..extensions import db

# Clients and proxies should retry soon and never cache the outage.
OUTAGE_HEADERS = {"Retry-After": "30", "Cache-Control": "no-store"}


def outage_handled(error: Exception) -> bool:
    """Whether `error` means the database is away; if so it is logged and the session dropped."""
    if not database_unavailable(error):
        return False
    current_app.logger.error("database unavailable on %s %s: %s", request.method,
                             request.path, getattr(error, "orig", error))
    db.discard_session()
    return True
