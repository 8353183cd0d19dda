"""Reads: every list the pages show, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from .models import Article, Assignment, Claim, Review, User
from .states import ArticleStatus, ClaimStatus, ReviewStatus


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


def published_articles(session: Session, *, limit: int = 20) -> list[Article]:
    """The latest published checks, newest first."""
    query = (
        select(Article)
        .where(Article.status == ArticleStatus.PUBLISHED)
        .order_by(col(Article.published_at).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


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
