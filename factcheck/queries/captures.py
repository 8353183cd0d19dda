"""What the desk sees of evidence captures: the latest one of each item, and how many
copies were preserved (two queries for any number of items; never the WARC or the text)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import EvidenceCapture
from ..states import CaptureStatus, WaybackStatus


@dataclass(frozen=True)
class Preservation:
    """The latest capture of an evidence item (status None: none was ever asked for)."""

    status: CaptureStatus | None = None
    reason: str = ""
    captured_at: datetime | None = None
    final_url: str | None = None
    http_status: int | None = None
    sha256: str | None = None
    quote_found: bool | None = None
    wayback_status: WaybackStatus | None = None  # None: the Archive was not asked
    wayback_url: str | None = None
    wayback_reason: str = ""
    copies: int = 0  # captures that preserved the page


NONE = Preservation()


def preservation_of(session: Session, evidence_ids: Iterable[int]) -> dict[int, Preservation]:
    """The preservation of each of these evidence items (NONE for those never captured)."""
    ids = sorted(set(evidence_ids))
    if not ids:
        return {}
    latest = (select(func.max(EvidenceCapture.id))
              .where(col(EvidenceCapture.evidence_id).in_(ids))
              .group_by(col(EvidenceCapture.evidence_id)))
    rows = session.exec(select(
        EvidenceCapture.evidence_id, EvidenceCapture.status, EvidenceCapture.reason,
        EvidenceCapture.captured_at, EvidenceCapture.final_url, EvidenceCapture.http_status,
        EvidenceCapture.sha256, EvidenceCapture.quote_found, EvidenceCapture.wayback_status,
        EvidenceCapture.wayback_url, EvidenceCapture.wayback_reason,
    ).where(col(EvidenceCapture.id).in_(latest))).all()
    copies = dict(session.exec(
        select(EvidenceCapture.evidence_id, func.count())
        .where(col(EvidenceCapture.evidence_id).in_(ids),
               EvidenceCapture.status == CaptureStatus.PRESERVED)
        .group_by(col(EvidenceCapture.evidence_id))).all())
    found = {row[0]: Preservation(*row[1:], copies=copies.get(row[0], 0)) for row in rows}
    return {evidence_id: found.get(evidence_id, NONE) for evidence_id in ids}


@dataclass(frozen=True)
class CopyRow:
    """One capture of an evidence item as the list of copies shows it (no WARC, no text)."""

    id: int
    status: CaptureStatus
    reason: str
    requested_at: datetime
    captured_at: datetime | None
    url: str
    final_url: str | None
    http_status: int | None
    content_type: str | None
    sha256: str | None
    size: int | None
    quote_found: bool | None


def copies_of(session: Session, evidence_id: int) -> list[CopyRow]:
    """Every capture of the evidence item, the latest first (one query, no large columns)."""
    rows = session.exec(select(
        EvidenceCapture.id, EvidenceCapture.status, EvidenceCapture.reason,
        EvidenceCapture.requested_at, EvidenceCapture.captured_at, EvidenceCapture.url,
        EvidenceCapture.final_url, EvidenceCapture.http_status, EvidenceCapture.content_type,
        EvidenceCapture.sha256, EvidenceCapture.size, EvidenceCapture.quote_found,
    ).where(EvidenceCapture.evidence_id == evidence_id)
     .order_by(col(EvidenceCapture.id).desc())).all()
    return [CopyRow(*row) for row in rows]


def copy_of(session: Session, *, evidence_id: int, capture_id: int) -> EvidenceCapture | None:
    """One capture of the evidence item, with its WARC and text (None: not one of its own)."""
    capture = session.get(EvidenceCapture, capture_id)
    return capture if capture is not None and capture.evidence_id == evidence_id else None
