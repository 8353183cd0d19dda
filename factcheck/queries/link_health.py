"""What editors see of link health: the latest check of every source of one check, the
sources that changed or vanished first (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import Claim, Evidence, LinkCheck
from ..states import LinkStatus

_ORDER = {LinkStatus.GONE: 0, LinkStatus.CHANGED: 1, None: 2, LinkStatus.ALIVE: 3}


@dataclass(frozen=True)
class SourceHealth:
    """One source of a check and its latest link check (status None: never checked)."""

    evidence_id: int
    claim_id: int
    claim_text: str
    url: str
    title: str
    status: LinkStatus | None = None
    checked_at: datetime | None = None
    http_status: int | None = None
    final_url: str | None = None
    reason: str = ""
    capture_id: int | None = None  # the preserved copy it was compared with


@dataclass(frozen=True)
class SourcesPage:
    """The sources of one check: those that changed or vanished, then the rest."""

    problems: list[SourceHealth]
    others: list[SourceHealth]
    last_checked: datetime | None

    @property
    def count(self) -> int:
        """Sources listed in all."""
        return len(self.problems) + len(self.others)


def sources_of_article(session: Session, article_id: int) -> SourcesPage:
    """Every source (not removed) of the article's claims with its latest link check."""
    rows = session.exec(
        select(Evidence.id, Claim.id, Claim.text, Evidence.url, Evidence.title)
        .join(Claim, col(Claim.id) == Evidence.claim_id)
        .where(Claim.article_id == article_id, col(Evidence.removed_at).is_(None))
        .order_by(col(Claim.start), col(Evidence.id))).all()
    ids = [row[0] for row in rows]
    checks: dict[int, LinkCheck] = {}
    if ids:
        latest = (select(func.max(LinkCheck.id)).where(col(LinkCheck.evidence_id).in_(ids))
                  .group_by(col(LinkCheck.evidence_id)))
        checks = {c.evidence_id: c for c in session.exec(
            select(LinkCheck).where(col(LinkCheck.id).in_(latest))).all()}
    items = []
    for evidence_id, claim_id, claim_text, url, title in rows:
        check = checks.get(evidence_id)
        extra = {} if check is None else {
            "status": check.status, "checked_at": check.checked_at,
            "http_status": check.http_status, "final_url": check.final_url,
            "reason": check.reason, "capture_id": check.capture_id}
        items.append(SourceHealth(evidence_id, claim_id, claim_text, url, title, **extra))
    items.sort(key=lambda item: _ORDER[item.status])  # stable: claim order within a status
    problems = [i for i in items if i.status in (LinkStatus.GONE, LinkStatus.CHANGED)]
    others = [i for i in items if i.status not in (LinkStatus.GONE, LinkStatus.CHANGED)]
    dates = [i.checked_at for i in items if i.checked_at is not None]
    return SourcesPage(problems, others, max(dates) if dates else None)
