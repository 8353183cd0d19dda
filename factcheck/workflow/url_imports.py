"""Importing an article from a web address, as a background job.

Fetching a page can take the whole fetch deadline; a request must not wait for it (nor
hold a web worker), so the form asks for this job and shows its progress. The article
and the job's result commit together, so a job run again after a crash never imports
the page twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from ..intake.sources import IntakeError, read_source
from ..models import Job, User
from ..queries.jobs import URL_IMPORT
from .articles import import_article
from .errors import WorkflowError
from .jobs import JobRefused, enqueue, handler

KIND = URL_IMPORT
# A failed fetch is shown to the editor at once: retrying a page that answered 404 in
# the background helps nobody. The second attempt is for a worker that died mid-import.
ATTEMPTS = 2
METADATA = ("title", "outlet", "author", "source_url", "published_on", "language")


def request_url_import(session: Session, *, actor: User, url: str, metadata: dict[str, Any],
                       fetch_options: dict[str, Any], max_bytes: int) -> Job:
    """Ask for the page at `url` to be imported as an article by `actor` (after commit)."""
    fields = {name: metadata.get(name) for name in METADATA}
    if isinstance(fields["published_on"], date):
        fields["published_on"] = fields["published_on"].isoformat()
    payload = {"url": url, "actor_id": actor.id, "metadata": fields,
               "fetch_options": fetch_options, "max_bytes": max_bytes}
    return enqueue(session, KIND, payload, max_attempts=ATTEMPTS)


@handler(KIND)
def run_url_import(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Fetch the page, split it into claims; the new article's id is the job's result."""
    try:
        page = read_source(text=None, upload=None, url=payload["url"],
                           fetch_options=payload["fetch_options"])
    except IntakeError as error:
        raise JobRefused(str(error)) from None
    given = payload["metadata"]
    published = given.get("published_on")
    try:
        article = import_article(
            session, actor=session.get(User, payload["actor_id"]),
            title=given.get("title") or page.title or "", body=page.text,
            source_url=given.get("source_url") or page.url,
            outlet=given.get("outlet") or page.outlet, author=given.get("author") or page.author,
            published_on=date.fromisoformat(published) if published else page.published_on,
            language=(given.get("language") or "").strip().lower() or None,
            max_bytes=payload["max_bytes"])
    except WorkflowError as error:
        raise JobRefused(error.message) from None
    session.flush()
    return {"article_id": article.id}

