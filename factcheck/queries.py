"""Reads: every list the pages show, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from .models import (
    Article,
    Assignment,
    Claim,
    ConflictDeclaration,
    Correction,
    Evidence,
    RatingLabel,
    ReaderReport,
    Review,
    ReviewEvidence,
    User,
)
from .states import ArticleStatus, ClaimStatus, ReportStatus, ReviewStatus


@dataclass
class ArticleProgress:
    """An article with the number of its claims in each status."""

    article: Article
    counts: dict[ClaimStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All claims of the article."""
        return sum(self.counts.values())

    def count(self, status: ClaimStatus) -> int:
        """Claims of the article in `status`."""
        return self.counts.get(status, 0)


def articles_with_progress(session: Session) -> list[ArticleProgress]:
    """Every article, newest first, with claim counts per status (two queries)."""
    articles = session.exec(select(Article).order_by(col(Article.created_at).desc())).all()
    rows = session.exec(
        select(Claim.article_id, Claim.status, func.count()).group_by(
            Claim.article_id, Claim.status
        )
    ).all()
    counts: dict[int, dict[ClaimStatus, int]] = defaultdict(dict)
    for article_id, status, n in rows:
        counts[article_id][status] = n
    return [ArticleProgress(a, counts.get(a.id, {})) for a in articles]


@dataclass
class QueueItem:
    """One claim in a reviewer's queue, with the reviewer's own review if started."""

    assignment: Assignment
    claim: Claim
    article: Article
    review: Review | None

    @property
    def state(self) -> str:
        """to_do, in_progress or submitted, from the reviewer's point of view."""
        if self.review is None:
            return "to_do"
        return "submitted" if self.review.status == ReviewStatus.SUBMITTED else "in_progress"


def reviewer_queue(session: Session, reviewer: User) -> list[QueueItem]:
    """The claims assigned to `reviewer`, earliest due first (one query)."""
    query = (
        select(Assignment, Claim, Article, Review)
        .join(Claim, col(Claim.id) == Assignment.claim_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .outerjoin(
            Review,
            (col(Review.claim_id) == Claim.id) & (col(Review.reviewer_id) == reviewer.id),
        )
        .where(Assignment.reviewer_id == reviewer.id)
        .order_by(col(Assignment.due_on).asc().nulls_last(), col(Assignment.assigned_at))
    )
    return [QueueItem(*row) for row in session.exec(query).all()]


def all_users(session: Session) -> list[User]:
    """Every account, administrators first, then by name."""
    return list(session.exec(select(User).order_by(User.role, User.display_name)).all())


@dataclass
class ReviewView:
    """A review as pages show it: with its reviewer, rating label and cited evidence ids."""

    review: Review
    reviewer: User
    label: RatingLabel | None
    cited: set[int]


def review_views(session: Session, reviews: list[Review]) -> list[ReviewView]:
    """Reviews with their people, labels and citations, in three queries."""
    if not reviews:
        return []
    ids = [r.id for r in reviews]
    users = {u.id: u for u in session.exec(
        select(User).where(col(User.id).in_([r.reviewer_id for r in reviews]))).all()}
    labels = {lab.id: lab for lab in session.exec(select(RatingLabel).where(
        col(RatingLabel.id).in_([r.rating_id for r in reviews if r.rating_id]))).all()}
    cited: dict[int, set[int]] = defaultdict(set)
    for review_id, evidence_id in session.exec(select(
            ReviewEvidence.review_id, ReviewEvidence.evidence_id).where(
            col(ReviewEvidence.review_id).in_(ids))).all():
        cited[review_id].add(evidence_id)
    return [ReviewView(r, users[r.reviewer_id], labels.get(r.rating_id), cited[r.id])
            for r in reviews]


def evidence_with_authors(session: Session, claim_id: int) -> list[tuple[Evidence, User | None]]:
    """A claim's evidence, oldest first, with who added each item (one query)."""
    query = (select(Evidence, User).outerjoin(User, col(User.id) == Evidence.added_by_id)
             .where(Evidence.claim_id == claim_id).order_by(Evidence.id))
    return list(session.exec(query).all())


def reviewers(session: Session) -> list[User]:
    """Active accounts that can review (every role can), by name."""
    return list(session.exec(select(User).where(User.is_active.is_(True))
                             .order_by(User.display_name)).all())


def claim_assignments(session: Session, claim_ids: list[int]) -> dict[int, list[tuple]]:
    """claim id -> [(assignment, reviewer, review or None)], for a whole article at once."""
    if not claim_ids:
        return {}
    query = (select(Assignment, User, Review)
             .join(User, col(User.id) == Assignment.reviewer_id)
             .outerjoin(Review, (col(Review.claim_id) == Assignment.claim_id)
                        & (col(Review.reviewer_id) == Assignment.reviewer_id))
             .where(col(Assignment.claim_id).in_(claim_ids))
             .order_by(Assignment.id))
    result: dict[int, list[tuple]] = defaultdict(list)
    for assignment, user, review in session.exec(query).all():
        result[assignment.claim_id].append((assignment, user, review))
    return result


def open_claims_to_pick_up(session: Session, reviewer: User) -> list[tuple[Claim, Article]]:
    """Selected claims nobody reviews yet, for organisations that let reviewers pick."""
    assigned = select(Assignment.claim_id)
    query = (select(Claim, Article).join(Article, col(Article.id) == Claim.article_id)
             .where(Claim.status == ClaimStatus.SELECTED, col(Claim.id).not_in(assigned))
             .order_by(col(Claim.score).desc()).limit(50))
    return list(session.exec(query).all())


def article_conflicts(session: Session, article_id: int) -> list[tuple[ConflictDeclaration, User]]:
    """Conflicts of interest declared on an article or any of its claims (one query)."""
    claim_ids = select(Claim.id).where(Claim.article_id == article_id)
    query = (select(ConflictDeclaration, User)
             .join(User, col(User.id) == ConflictDeclaration.reviewer_id)
             .where((ConflictDeclaration.article_id == article_id)
                    | col(ConflictDeclaration.claim_id).in_(claim_ids))
             .order_by(ConflictDeclaration.id))
    return list(session.exec(query).all())


def reader_reports(session: Session) -> list[tuple[ReaderReport, Article | None, Claim | None]]:
    """The triage inbox: open reports first, newest first (one query)."""
    order = case((ReaderReport.status == ReportStatus.CLOSED, 1), else_=0)
    query = (select(ReaderReport, Article, Claim)
             .outerjoin(Article, col(Article.id) == ReaderReport.article_id)
             .outerjoin(Claim, col(Claim.id) == ReaderReport.claim_id)
             .order_by(order, col(ReaderReport.created_at).desc()).limit(200))
    return list(session.exec(query).all())


def public_corrections(session: Session, *, limit: int = 100) -> list[tuple[Correction, Article]]:
    """Corrections to published checks, newest first (one query)."""
    query = (select(Correction, Article).join(Article, col(Article.id) == Correction.article_id)
             .where(Article.status == ArticleStatus.PUBLISHED)
             .order_by(col(Correction.created_at).desc()).limit(limit))
    return list(session.exec(query).all())
