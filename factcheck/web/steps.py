"""The one commit point of the HTML views, and the loads and parsing every view shares.

A view runs its workflow call inside `view_step`: the step commits once when the call
succeeds; when the workflow refuses (`WorkflowError`) it rolls back, so nothing is left
half-written, shows the message on the form (or flashes it), and lets the view answer
with the error's status. `workflow_step` in factcheck/api/core.py is the API's twin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, flash
from flask_wtf import FlaskForm

from ..dbtypes import MAX_ID
from ..extensions import db
from ..models import Claim, Comment, Review, User
from ..queries.reviews import visible_comments, visible_reviews
from ..workflow import WorkflowError
from ..workflow.participants import record_verdicts_shown
from .forms import show_workflow_error

T = TypeVar("T")

# ASCII digits only: int() also takes " 7", "+7", "1_0" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass
class Step:
    """What became of a step: `error` is the workflow's refusal, None when it committed."""

    error: WorkflowError | None = None

    @property
    def ok(self) -> bool:
        """True when the step's changes are committed."""
        return self.error is None

    @property
    def status(self) -> int:
        """The HTTP status to answer with: 200, or the refusal's (409, 422, ...)."""
        return self.error.http_status if self.error else 200

    @property
    def conflict(self) -> bool:
        """True when the record changed meanwhile (or the action is already done)."""
        return self.error is not None and self.error.code == "conflict"


def _never(_error: WorkflowError) -> bool:
    return False


def always(_error: WorkflowError) -> bool:
    """For `view_step(quiet=...)`: the view answers every refusal itself."""
    return True


@contextmanager
def view_step(form: FlaskForm | None = None, *,
              quiet: Callable[[WorkflowError], bool] = _never) -> Iterator[Step]:
    """Run the block's workflow calls and commit once; a refusal is rolled back and shown.

    The refusal goes next to its field of `form`, else into a flash message, unless
    `quiet(error)` says the view shows it another way (a conflict page, an abort).
    """
    step = Step()
    try:
        yield step
    except WorkflowError as error:
        db.session.rollback()  # nothing of a refused step is kept
        step.error = error
        if not quiet(error):
            if form is not None:
                show_workflow_error(form, error)
            else:
                flash(error.message, "error")
    else:
        db.session.commit()


def record_seen(claim: Claim, viewer: User, reviews: list[Review] | None = None,
                comments: list[Comment] | None = None) -> None:
    """Record that a page shows these reviews and comments (default: all the viewer may
    read) to `viewer`.

    Called before the page is built (a commit expires what the page would have loaded)
    and again with what it shows (a verdict submitted in between); commits only the
    first time, which is the only time anything is written.
    """
    if reviews is None:
        reviews = visible_reviews(db.session, claim=claim, viewer=viewer)
    if comments is None:
        comments = [c for c, _author in visible_comments(db.session, claim=claim,
                                                          viewer=viewer)]
    if record_verdicts_shown(db.session, claim=claim, viewer=viewer, reviews=reviews,
                             comments=comments):
        db.session.commit()


def get_or_404(model: type[T], object_id: int, **belongs_to: object) -> T:
    """The record with this id, or 404; `belongs_to` (e.g. scale_id=3) must match as well."""
    found = db.session.get(model, object_id)
    if found is None or any(getattr(found, name) != value
                            for name, value in belongs_to.items()):
        abort(404)
    return found


def posted_version(form: FlaskForm, *, may_be_new: bool = False) -> int | None:
    """The record version a posted form was rendered with (its hidden `version` field).

    One rule for every form: the field must be posted and hold a whole number (ASCII
    digits, at most the largest id), else 400: the browser did not send the form we
    rendered, and a missing version is never assumed to be the stored one. An empty value
    is refused the same way, except where the form may create its record on first save
    (`may_be_new`, a reviewer's own review): there it means "none yet" and gives None.
    """
    raw = form.version.raw_data  # [] when not posted (`data` would fall back to the record)
    value = raw[0] if raw else None
    if value == "" and may_be_new:
        return None
    if not value or not _DIGITS.fullmatch(value) or int(value) > MAX_ID:
        abort(400)
    return int(value)
