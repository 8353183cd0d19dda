"""Reading the fact-checks imported from other publishers' ClaimReview feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import AuditEvent, ImportedCheck, User
from .paging import Page, paginate

FEED_ACTION = "imported_checks.feed"  # written by workflow/imported_checks.py per import run
PUBLISHERS_SHOWN = 10
IMPORTS_SHOWN = 10


@dataclass(frozen=True)
class ImportRun:
    """One import run as the audit log has it, by a person or by the command."""

    at: Any
    actor: str | None  # None: the command line
    source: str
    added: int
    updated: int
    skipped: int
    error: str


def imported_total(session: Session) -> int:
    """How many imported checks are stored."""
    return session.exec(select(func.count()).select_from(ImportedCheck)).one()


def top_publishers(session: Session, limit: int = PUBLISHERS_SHOWN) -> list[tuple[str, int]]:
    """The publishers with the most imported checks, and how many each."""
    n = func.count().label("n")
    return [(name, count) for name, count in session.exec(
        select(col(ImportedCheck.publisher), n).group_by(col(ImportedCheck.publisher))
        .order_by(n.desc(), col(ImportedCheck.publisher)).limit(limit)).all()]


def recent_imports(session: Session, limit: int = IMPORTS_SHOWN) -> list[ImportRun]:
    """The latest import runs, newest first, with who ran them."""
    rows = session.exec(
        select(AuditEvent, User.display_name).join(User, col(AuditEvent.actor_id) == User.id,
                                                   isouter=True)
        .where(AuditEvent.action == FEED_ACTION)
        .order_by(col(AuditEvent.id).desc()).limit(limit)).all()
    return [ImportRun(at=event.at, actor=name, source=str(event.details.get("source", "")),
                      added=int(event.details.get("added", 0)),
                      updated=int(event.details.get("updated", 0)),
                      skipped=int(event.details.get("skipped", 0)),
                      error=str(event.details.get("error", "")))
            for event, name in rows]


def imported_page(session: Session, *, page: int) -> Page[ImportedCheck]:
    """Imported checks, most recently imported or updated first."""
    query = select(ImportedCheck).order_by(col(ImportedCheck.updated_at).desc(),
                                           col(ImportedCheck.id).desc())
    return paginate(session, query, page=page,
                    count=select(func.count()).select_from(ImportedCheck))
