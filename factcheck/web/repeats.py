"""One submission per rendered form: double clicks and resent forms do the work once.

Every form of the HTML pages carries a one-time `form_token` (the `form_guard` macro).
The token is spent in the transaction of the request that posts it, before the view
runs, so it commits with the view's work or is rolled back with it (a refused form can
be corrected and sent again). A repeat of a committed submission does nothing and is
shown where the first one led, with a note; a repeat that arrives while the first is
still running waits for it (see factcheck/workflow/repeats.py).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, abort, flash, g, redirect, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..extensions import db
from ..i18n import _
from ..workflow.repeats import (
    form_submission,
    is_form_token,
    new_form_token,
    record_form_location,
    spend_form_token,
)
from .access import current_user, safe_next

FIELD = "form_token"
_SPENT = "spent_form_tokens"
# How long a repeat waits for the first submission to say where it led (it has already
# committed its work; only the redirect target is still being written, which a loaded
# server may take seconds to do).
_LOCATION_WAIT_SECONDS = 15.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

log = logging.getLogger(__name__)


def register_form_tokens(app: Flask) -> None:
    """Hand every form a one-time token and answer repeated submissions once."""
    app.jinja_env.globals["form_token_field"] = form_token_field
    db.after_commit(_SPENT, _mark_committed)
    app.before_request(_spend_posted_token)
    app.after_request(_remember_where_it_led)


def form_token_field() -> Markup:
    """The hidden input that makes one rendered form submittable once."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_form_token())


def _spend_posted_token() -> Response | None:
    if request.method != "POST" or request.blueprint == "api":
        return None
    token = request.form.get(FIELD)
    if token is None:
        return None  # a client that is not our page (scripts, old pages): no repeat guard
    if not is_form_token(token):
        abort(400)
    user = current_user()
    user_id = user.id if user else None
    session = db.session
    if spend_form_token(session, token, user_id=user_id):
        session.info.setdefault(_SPENT, set()).add(token)
        g.form_token = token
        return None
    # Nothing may touch this session while waiting: reading the expired `user` again
    # (translating a message reads their language) would begin a write transaction and,
    # on SQLite, hold the lock the first request needs to say where it led.
    note = _("This form had already been sent; it is not sent twice.")
    session.rollback()
    location = _first_location(token, user_id)
    flash(note, "info")
    return redirect(location)


def _first_location(token: str, user_id: int | None) -> str:
    deadline = time.monotonic() + _LOCATION_WAIT_SECONDS
    while True:
        # A read-only session: on SQLite a writer's lock here would starve the first
        # request, which still has to write; each look sees the latest commit.
        with Session(db.engine_for(write=False)) as reader:
            row = form_submission(reader, token)
        if row is not None and row.user_id != user_id:
            break  # someone else's token: never show where their form led
        if row is not None and row.location is not None:
            return safe_next(row.location, url_for("main.dashboard"))
        # No row yet is waited for too: the insert that refused this one saw it committed.
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    return safe_next(_local_referrer(), url_for("main.dashboard"))


def _local_referrer() -> str | None:
    return _local(request.referrer)


def _local(url: str | None) -> str | None:
    # Absolute URLs of this site become paths; any other site's stays refused by safe_next.
    if url and url.startswith(request.host_url):
        return "/" + url[len(request.host_url):]
    return url


def _mark_committed(tokens: set[str]) -> None:
    g.committed_form_tokens = g.get("committed_form_tokens", set()) | tokens


def _remember_where_it_led(response: Response) -> Response:
    token = g.get("form_token")
    if token is None or token not in g.get("committed_form_tokens", ()):
        return response  # not spent, or rolled back with the refused work: nothing to keep
    location = (_local(response.location) if response.status_code in _REDIRECTS
                else request.path)
    if location:
        try:
            record_form_location(db.session, token, location)
            db.session.commit()
        except SQLAlchemyError:
            # The work is done and answered; a repeat will go back to the form's page.
            db.session.rollback()
            log.warning("could not record where form token led", exc_info=True)
    return response
