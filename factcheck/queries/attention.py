"""What needs an editor now: claims ready to decide, overdue reviews, claims sent back to
their reviewers, and new reader reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from ..models import (
    Article,
    Assignment,
    AuditEvent,
    Claim,
    ClaimParticipant,
    ConflictDeclaration,
    ReaderReport,
    Review,
    User,
)
from ..states import ClaimStatus, ReportStatus, ReviewStatus

LIMIT = 100  # items per list on the page; the counts cover everything
_WITHOUT_BODY = defer(Article.body)


@dataclass(frozen=True)
class AttentionCounts:
    """How many items wait in each list (the navigation shows the total)."""

    ready: int
    overdue: int
    reports: int

    @property
    def total(self) -> int:
        """Everything waiting for an editor's action."""
        return self.ready + self.overdue + self.reports


def _overdue(today: date):
    """Assignments past their due date whose reviewer has not submitted, on open claims."""
    submitted = (select(Review.id).where(Review.claim_id == Assignment.claim_id,
                                         Review.reviewer_id == Assignment.reviewer_id,
                                         Review.status == ReviewStatus.SUBMITTED).exists())
    return (col(Assignment.due_on) < today, ~submitted,
            col(Claim.status).in_((ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED)))


def _not_recused(viewer: User):
    """Claims `viewer` has not declared a conflict on (on the claim or its article)."""
    return ~select(ConflictDeclaration.id).where(
        ConflictDeclaration.reviewer_id == viewer.id,
        (col(ConflictDeclaration.claim_id) == Claim.id)
        | (col(ConflictDeclaration.article_id) == Claim.article_id)).exists()


def _decidable_by(viewer: User) -> tuple:
    """Claims `viewer` may decide: not recused, and never one of their reviewers."""
    was_reviewer = select(ClaimParticipant.id).where(
        ClaimParticipant.claim_id == Claim.id, ClaimParticipant.user_id == viewer.id,
        col(ClaimParticipant.first_assigned_at).is_not(None)).exists()
    is_reviewer = select(Assignment.id).where(Assignment.claim_id == Claim.id,
                                              Assignment.reviewer_id == viewer.id).exists()
    return _not_recused(viewer), ~was_reviewer, ~is_reviewer


def attention_counts(session: Session, *, viewer: User, today: date) -> AttentionCounts:
    """The three counts of the navigation's badge for `viewer` (three count queries): only
    claims they may act on, so that every counted item opens for them."""
    ready = session.exec(select(func.count()).select_from(Claim).where(
        Claim.status == ClaimStatus.REVIEWED, *_decidable_by(viewer))).one()
    overdue = session.exec(select(func.count()).select_from(Assignment).join(
        Claim, col(Claim.id) == Assignment.claim_id).where(
            *_overdue(today), _not_recused(viewer))).one()
    reports = session.exec(select(func.count()).select_from(ReaderReport).where(
        ReaderReport.status == ReportStatus.NEW)).one()
    return AttentionCounts(ready=ready, overdue=overdue, reports=reports)


@dataclass(frozen=True)
class AttentionPage:
    """The lists of the "needs attention" page, oldest waiting first."""

    counts: AttentionCounts
    ready: list[tuple[Claim, Article]]
    overdue: list[tuple[Assignment, Claim, Article, User]]
    sent_back: list[tuple[Claim, Article, datetime]]
    reports: list[tuple[ReaderReport, Article | None]]


def attention_page(session: Session, *, viewer: User, today: date) -> AttentionPage:
    """Everything `viewer` (an editor) should look at now and may act on (a fixed number
    of queries)."""
    ready = list(session.exec(
        select(Claim, Article).join(Article, col(Article.id) == Claim.article_id)
        .options(_WITHOUT_BODY).where(Claim.status == ClaimStatus.REVIEWED,
                                      *_decidable_by(viewer))
        .order_by(col(Claim.updated_at), col(Claim.id)).limit(LIMIT)).all())
    overdue = list(session.exec(
        select(Assignment, Claim, Article, User)
        .join(Claim, col(Claim.id) == Assignment.claim_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .join(User, col(User.id) == Assignment.reviewer_id)
        .options(_WITHOUT_BODY).where(*_overdue(today), _not_recused(viewer))
        .order_by(col(Assignment.due_on), col(Assignment.id)).limit(LIMIT)).all())
    last_sent_back = (select(AuditEvent.object_id, func.max(AuditEvent.at).label("at"))
                      .where(AuditEvent.action == "claim.send_back",
                             AuditEvent.object_type == "claims")
                      .group_by(AuditEvent.object_id).subquery())
    sent_back = list(session.exec(
        select(Claim, Article, last_sent_back.c.at)
        .join(last_sent_back, last_sent_back.c.object_id == Claim.id)
        .join(Article, col(Article.id) == Claim.article_id)
        .options(_WITHOUT_BODY).where(Claim.status == ClaimStatus.IN_REVIEW,
                                      _not_recused(viewer))
        .order_by(last_sent_back.c.at).limit(LIMIT)).all())
    reports = list(session.exec(
        select(ReaderReport, Article).join(Article, col(Article.id) == ReaderReport.article_id,
                                           isouter=True)
        .options(_WITHOUT_BODY).where(ReaderReport.status == ReportStatus.NEW)
        .order_by(col(ReaderReport.created_at), col(ReaderReport.id)).limit(LIMIT)).all())
    return AttentionPage(counts=attention_counts(session, viewer=viewer, today=today),
                         ready=ready,
                         overdue=overdue, sent_back=sent_back, reports=reports)
