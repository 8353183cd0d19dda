"""What the desk sees of evidence captures: the latest one of each item, and how many
copies were preserved (two queries for any number of items; never the WARC or the text);
and what readers of a published check may see of them (the text, never the WARC)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import Evidence, EvidenceCapture
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


@dataclass(frozen=True)
class PublicCopy:
    """What readers are told of a cited source's preserved copy on the verdict page."""

    capture_id: int  # the latest preserved copy of the cited address
    captured_at: datetime
    public: bool  # False: the publisher turned public copies off ("available on request")


def public_copies(session: Session,
                  sources: Iterable[tuple[int, str]]) -> dict[int, PublicCopy]:
    """The latest preserved copy of each cited source, given as (evidence id, address as
    published); sources without one are left out (two queries, no large columns).

    Only a copy of the address the check cites counts: a source edited to another address
    later does not show readers a page the check never cited.
    """
    cited = dict(sources)
    if not cited:
        return {}
    rows = session.exec(select(
        EvidenceCapture.evidence_id, EvidenceCapture.url, EvidenceCapture.id,
        EvidenceCapture.captured_at,
    ).where(col(EvidenceCapture.evidence_id).in_(cited),
            EvidenceCapture.status == CaptureStatus.PRESERVED)
     .order_by(col(EvidenceCapture.id))).all()
    latest = {evidence_id: (capture_id, captured_at)
              for evidence_id, url, capture_id, captured_at in rows
              if url == cited[evidence_id] and captured_at is not None}
    if not latest:
        return {}
    public = dict(session.exec(select(Evidence.id, Evidence.public_copy)
                               .where(col(Evidence.id).in_(latest))).all())
    return {evidence_id: PublicCopy(capture_id, captured_at, bool(public.get(evidence_id)))
            for evidence_id, (capture_id, captured_at) in latest.items()
            if evidence_id in public}


@dataclass(frozen=True)
class PublicText:
    """A preserved copy as readers may see it: its text and facts, never the WARC."""

    captured_at: datetime
    url: str
    final_url: str | None
    http_status: int | None
    content_type: str | None
    sha256: str | None
    title: str
    text: str
    quote_start: int | None
    quote_end: int | None
    quote_found: bool | None

    @property
    def quote_span(self) -> tuple[int, int] | None:
        """The quote's [start, end) in the text, where it was found."""
        if self.quote_found and self.quote_start is not None and self.quote_end is not None:
            return self.quote_start, self.quote_end
        return None


def public_text(session: Session, *, evidence_id: int, url: str) -> PublicText | None:
    """The latest preserved copy of the cited `url` for readers; None when there is none
    or the publisher turned public copies of the source off (the WARC is never loaded)."""
    shown = session.exec(select(Evidence.public_copy).where(Evidence.id == evidence_id)).first()
    if not shown:
        return None
    row = session.exec(select(
        EvidenceCapture.captured_at, EvidenceCapture.url, EvidenceCapture.final_url,
        EvidenceCapture.http_status, EvidenceCapture.content_type, EvidenceCapture.sha256,
        EvidenceCapture.title, EvidenceCapture.text, EvidenceCapture.quote_start,
        EvidenceCapture.quote_end, EvidenceCapture.quote_found,
    ).where(EvidenceCapture.evidence_id == evidence_id, EvidenceCapture.url == url,
            EvidenceCapture.status == CaptureStatus.PRESERVED,
            col(EvidenceCapture.captured_at).is_not(None))
     .order_by(col(EvidenceCapture.id).desc()).limit(1)).first()
    return PublicText(*row) if row is not None else None
