"""Storing fact-checks imported from ClaimReview feeds (flush only; the caller commits).

`save_imported_checks` writes one batch: a ClaimReview whose `url` is already stored
updates that row, any other is inserted, so importing a feed twice never duplicates a
check. Two statements per batch whatever its size (plus one to find the known urls), and the
matching index's rows for the batch (factcheck/workflow/match_index.py).
`import_feed` reads a whole feed batch by batch for the command and the admin page; it
yields after each batch so that the caller commits it (a feed of any size stays in
bounded memory and a broken-off document keeps what came before).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import IO

import sqlalchemy as sa
from sqlmodel import Session, col

from ..dbtypes import utcnow
from ..intake.claimreview_feed import ClaimReviewRecord, FeedError, read_feed
from ..models import ImportedCheck, User
from .audit import record_audit
from .match_index import index_imported


@dataclass(frozen=True)
class ImportCounts:
    """What one batch did."""

    added: int = 0
    updated: int = 0


def save_imported_checks(session: Session, *, records: Sequence[ClaimReviewRecord],
                         source: str = "", actor: User | None = None) -> ImportCounts:
    """Insert or update (by url) the imported checks of `records`; the last of a url wins."""
    by_url = {record.url: record for record in records}
    if not by_url:
        return ImportCounts()
    known = dict(session.execute(
        sa.select(col(ImportedCheck.url), col(ImportedCheck.id))
        .where(col(ImportedCheck.url).in_(list(by_url)))).all())
    now = utcnow()
    inserts, updates = [], []
    for url, record in by_url.items():
        row = asdict(record)
        row["updated_at"] = now
        if url in known:
            updates.append({"id": known[url], **row})
        else:
            inserts.append({**row, "imported_at": now})
    if inserts:
        session.execute(sa.insert(ImportedCheck), inserts)
    if updates:
        session.execute(sa.update(ImportedCheck), updates)
    record_audit(session, actor=actor, action="imported_checks.import", source=source,
                 added=len(inserts), updated=len(updates))
    # The matching index follows in the same transaction (an updated check replaces its
    # document: its wording may have changed).
    saved = dict(session.execute(
        sa.select(col(ImportedCheck.url), col(ImportedCheck.id))
        .where(col(ImportedCheck.url).in_(list(by_url)))).all())
    index_imported(session, ids=sorted(saved.values()))
    return ImportCounts(added=len(inserts), updated=len(updates))


IMPORT_BATCH = 1000  # ClaimReviews written per commit
FEED_ACTION = "imported_checks.feed"  # audit action of a whole import run
SKIPS_KEPT = 1000  # skipped records whose reason is kept; the rest are only counted


@dataclass
class FeedImport:
    """Running totals of one feed import, and why it stopped early if it did."""

    read: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    skips: list[tuple[int, str]] = field(default_factory=list)  # (position, reason)
    error: str = ""  # not JSON, broken off, or no ClaimReview: the message for the user

    @property
    def saved(self) -> int:
        """Checks written, new or updated."""
        return self.added + self.updated


def import_feed(session: Session, stream: IO[bytes], *, source: str,
                actor: User | None = None,
                batch_size: int = IMPORT_BATCH) -> Iterator[FeedImport]:
    """Save a ClaimReview feed batch by batch; yields the totals after each, to be committed."""
    totals, batch = FeedImport(), []

    def save() -> None:
        counts = save_imported_checks(session, records=batch, source=source, actor=actor)
        totals.added += counts.added
        totals.updated += counts.updated
        batch.clear()

    try:
        for item in read_feed(stream):
            totals.read += 1
            if item.record is None:
                totals.skipped += 1
                if len(totals.skips) < SKIPS_KEPT:
                    totals.skips.append((item.position, item.reason))
                continue
            batch.append(item.record)
            if len(batch) >= batch_size:
                save()
                yield totals
    except FeedError as error:
        totals.error = str(error)
    save()  # the complete records read before the end, or before the document broke off
    # One entry for the whole run beside the batches' own, for the admin page's history.
    record_audit(session, actor=actor, action=FEED_ACTION, source=source, read=totals.read,
                 added=totals.added, updated=totals.updated, skipped=totals.skipped,
                 error=totals.error)
    yield totals
