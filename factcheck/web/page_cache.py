"""The verdict pages' caches: a short per-worker memory of each check's publication stamp,
and rendered pages shared by all workers through the database.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from ..engine.snapshot import Snapshot
from ..extensions import db
from ..models import Article, PageCache, Publication
from ..queries.publications import live_publication_stamp

_stamps: dict[tuple[str, str], tuple[float, object]] = {}


def publication_stamp(slug: str):
    """The check's publication stamp, remembered for PUBLIC_STAMP_TTL seconds per worker.

    A viral page is requested many times a second; a short memory lets conditional
    requests be answered without touching the database. Publishing in this worker
    forgets the entry once it commits (forget_checks); other workers follow within the TTL.
    """
    ttl = current_app.config["PUBLIC_STAMP_TTL"]
    key = (current_app.config["DATABASE_URL"], slug)
    now = time.monotonic()
    cached = _stamps.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    stamp = live_publication_stamp(db.session, slug)
    if ttl > 0:
        if len(_stamps) > 10_000:
            _stamps.clear()
        _stamps[key] = (now + ttl, stamp)
    return stamp


def forget_checks(slugs: set[str]) -> None:
    """Drop this worker's memory of the checks' stamps: a commit changed their pages.

    Registered in create_app as the after-commit hook of the publishing workflow's
    CHANGED_CHECKS, so no view or API endpoint clears the cache by hand.
    """
    for slug in slugs:
        _stamps.pop((current_app.config["DATABASE_URL"], slug), None)


@lru_cache(maxsize=256)
def rendered_page(slug: str, etag: str, url_root: str, database: str, publication_id: int,
                  render: Callable[..., str], *args: Hashable, page: str = "check") -> bytes:
    """The rendered page of one published version: from this worker's memory, else from
    the cache shared by all workers in the database, else rendered and stored there.

    `render(snapshot, publication, modified, *args)` renders `page` of the check ("check"
    for the verdict page, "claim-3" for its third claim's page). Every argument is part of
    the key: the etag changes with every publication and correction, so a stale page is
    never served and nothing needs invalidating.
    """
    # The version and address hashed: whole, they could pass the column's 300 characters,
    # and a cut key would serve one language's page in another.
    version = hashlib.sha256(f"{etag}|{url_root}".encode()).hexdigest()
    key = f"{page}:{slug}|{version}"
    shared = db.session.get(PageCache, key)
    if shared is not None:
        return shared.body
    publication = db.session.get(Publication, publication_id)
    article = db.session.get(Article, publication.article_id)
    modified = article.last_corrected_at or publication.published_at
    snapshot = Snapshot.from_json(publication.snapshot)
    body = render(snapshot, publication, modified, *args).encode()  # encoded once
    _share(key, f"{page}:{slug}|", body)
    return body


def _share(key: str, prefix: str, body: bytes) -> None:
    """Store a rendered page for the other workers, replacing older versions of it.

    Best effort in its own short transaction: a busy database only means another
    worker renders the page once more.
    """
    try:
        with Session(db.engine_for(write=True)) as session:
            session.exec(delete(PageCache).where(col(PageCache.key).startswith(prefix)))
            session.add(PageCache(key=key, body=body))
            session.commit()
    except SQLAlchemyError:
        current_app.logger.info("page cache not shared: %s", key)


