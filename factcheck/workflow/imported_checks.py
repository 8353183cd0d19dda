"""Storing fact-checks imported from ClaimReview feeds (flush only; the caller commits).

`save_imported_checks` writes one batch: a ClaimReview whose `url` is already stored
updates that row, any other is inserted, so importing a feed twice never duplicates a
check. Two statements per batch whatever its size (plus one to find the known urls).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from ..dbtypes import utcnow
from ..intake.claimreview_feed import ClaimReviewRecord
from ..models import ImportedCheck
from .audit import record_audit

# session.info key: set when imported checks changed in this transaction (the matching
# index of this process is rebuilt after the commit; other processes see the new stamp).
IMPORTED_CHANGED = "imported_checks_changed"


@dataclass(frozen=True)
class ImportCounts:
    """What one batch did."""

    added: int = 0
    updated: int = 0


def save_imported_checks(session: Session, *, records: Sequence[ClaimReviewRecord],
                         source: str = "") -> ImportCounts:
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
    record_audit(session, actor=None, action="imported_checks.import", source=source,
                 added=len(inserts), updated=len(updates))
    session.info[IMPORTED_CHANGED] = {True}
    return ImportCounts(added=len(inserts), updated=len(updates))
