"""Reads: every list the pages show, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import case, exists, func, or_
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from ..models import (
    Article,
    Assignment,
    Claim,
    ConflictDeclaration,
    Correction,
    Evidence,
    RatingLabel,
    Review,
    ReviewEvidence,
    User,
)
from ..states import ArticleStatus, ClaimStatus, ReviewStatus
from .paging import PER_PAGE, Page, paginate

# Lists show titles and metadata: the article text (up to a megabyte) stays unread.
_WITHOUT_BODY = defer(Article.body)

# The claims a count shows: every sentence, and a sub-claim once an editor took it up (a
# sub-claim still a candidate is a proposal inside its sentence, not one more claim).
COUNTED = or_(col(Claim.parent_id).is_(None), Claim.status != ClaimStatus.CANDIDATE)


@dataclass
class ArticleProgress:
    """An article with the number of its claims in each status."""

    article: Article
    counts: dict[ClaimStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All claims of the article."""
        return sum(self.counts.values())

    def count(self, *statuses: ClaimStatus) -> int:
        """Claims of the article in any of `statuses`."""
        return sum(self.counts.get(status, 0) for status in statuses)

    # Cumulative, so a claim that went on to a later stage still counts as having passed
    # the earlier ones (three published claims are three chosen, three decided).
    @property
    def chosen(self) -> int:
        """Claims selected for checking, at any stage since."""
        return self.count(ClaimStatus.SELECTED, ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED,
                          ClaimStatus.DECIDED, ClaimStatus.PUBLISHED)

    @property
    def in_review(self) -> int:
        """Claims with reviewers at work (not all required verdicts in)."""
        return self.count(ClaimStatus.IN_REVIEW)

    @property
    def ready(self) -> int:
        """Claims whose required verdicts are in: the editor's turn."""
        return self.count(ClaimStatus.REVIEWED)

    @property
    def decided(self) -> int:
        """Claims with a final verdict, published or not."""
        return self.count(ClaimStatus.DECIDED, ClaimStatus.PUBLISHED)

    @property
    def published(self) -> int:
        """Claims whose verdict readers see."""
        return self.count(ClaimStatus.PUBLISHED)


def articles_with_progress(session: Session, *, page: int = 1,
                           per_page: int = PER_PAGE) -> Page[ArticleProgress]:
    """A page of articles, newest first, with claim counts per status (three queries)."""
    query = (select(Article).options(_WITHOUT_BODY)
             .order_by(col(Article.created_at).desc(), col(Article.id).desc()))
    found = paginate(session, query, page=page, per_page=per_page,
                     count=select(func.count()).select_from(Article))
    counts: dict[int, dict[ClaimStatus, int]] = defaultdict(dict)
    ids = [a.id for a in found.items]
    for article_id, status, n in session.exec(
            select(Claim.article_id, Claim.status, func.count())
            .where(col(Claim.article_id).in_(ids), COUNTED)
            .group_by(Claim.article_id, Claim.status)).all():
        counts[article_id][status] = n
    return replace(found, items=[ArticleProgress(a, counts.get(a.id, {})) for a in found.items])


def claim_count(session: Session, article_id: int) -> int:
    """How many sentence claims the article has, sub-claims aside (one query)."""
    return session.exec(select(func.count()).select_from(Claim)
                        .where(Claim.article_id == article_id,
                               col(Claim.parent_id).is_(None))).one()


def sub_claim_count(session: Session, article_id: int) -> int:
    """How many sub-claims (parts of sentences) the article has (one query)."""
    return session.exec(select(func.count()).select_from(Claim)
                        .where(Claim.article_id == article_id,
                               col(Claim.parent_id).is_not(None))).one()


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


QUEUE_FILTERS = ("open", "submitted", "overdue")


def _queue_filter(reviewer: User, which: str | None, today: date) -> list:
    """The conditions of a queue filter: open (my verdict not in yet), submitted, overdue."""
    # An alias: the queue's own query joins Review too, which would swallow this one.
    own = aliased(Review)
    mine_in = (select(own.id).where(own.claim_id == Assignment.claim_id,
                                    own.reviewer_id == reviewer.id,
                                    own.status == ReviewStatus.SUBMITTED).exists())
    if which == "open":
        return [~mine_in]
    if which == "submitted":
        return [mine_in]
    if which == "overdue":
        return [~mine_in, col(Assignment.due_on) < today]
    return []


def queue_counts(session: Session, reviewer: User, *, today: date) -> dict[str, int]:
    """How many of the reviewer's claims each filter shows (one query per filter)."""
    return {which: session.exec(
        select(func.count()).select_from(Assignment).where(
            Assignment.reviewer_id == reviewer.id, *_queue_filter(reviewer, which, today))
    ).one() for which in QUEUE_FILTERS}


def reviewer_queue(session: Session, reviewer: User, *, page: int = 1,
                   per_page: int = PER_PAGE, which: str | None = None,
                   today: date | None = None) -> Page[QueueItem]:
    """A page of the claims assigned to `reviewer` (all, or those of a filter): open work
    first, then by due date, earliest first, those without one last (at most three
    queries)."""
    today = today or date.today()
    conditions = [Assignment.reviewer_id == reviewer.id,
                  *_queue_filter(reviewer, which, today)]
    query = (
        select(Assignment, Claim, Article, Review)
        .join(Claim, col(Claim.id) == Assignment.claim_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .outerjoin(
            Review,
            (col(Review.claim_id) == Claim.id) & (col(Review.reviewer_id) == reviewer.id),
        )
        .options(_WITHOUT_BODY)
        .where(*conditions)
    )
    submitted = case((col(Review.status) == ReviewStatus.SUBMITTED, 1), else_=0)
    due = col(Assignment.due_on)
    found = paginate(session, query.order_by(
        submitted, case((due.is_(None), 1), else_=0), due, col(Assignment.assigned_at),
        col(Assignment.id)), page=page, per_page=per_page,
        count=select(func.count()).select_from(Assignment).where(*conditions))
    return replace(found, items=[QueueItem(*row) for row in found.items])


def queue_neighbours(session: Session, reviewer: User,
                     claim: Claim) -> tuple[Claim | None, Claim | None]:
    """The claims before and after `claim` in the reviewer's queue, in the order My claims
    lists them (two queries; None at either end, or when the claim is not in the queue)."""
    submitted = case((col(Review.status) == ReviewStatus.SUBMITTED, 1), else_=0)
    due = col(Assignment.due_on)
    ids = list(session.exec(
        select(Assignment.claim_id)
        .outerjoin(Review, (col(Review.claim_id) == Assignment.claim_id)
                   & (col(Review.reviewer_id) == reviewer.id))
        .where(Assignment.reviewer_id == reviewer.id)
        .order_by(submitted, case((due.is_(None), 1), else_=0), due,
                  col(Assignment.assigned_at), col(Assignment.id))).all())
    if claim.id not in ids:
        return None, None
    at = ids.index(claim.id)
    wanted = {"previous": ids[at - 1] if at > 0 else None,
              "next": ids[at + 1] if at + 1 < len(ids) else None}
    found = {c.id: c for c in session.exec(select(Claim).where(
        col(Claim.id).in_([i for i in wanted.values() if i is not None]))).all()}
    return found.get(wanted["previous"]), found.get(wanted["next"])


def all_users(session: Session, *, page: int = 1, per_page: int = PER_PAGE) -> Page[User]:
    """A page of the accounts, administrators first, then by name (two queries)."""
    query = select(User).order_by(User.role, User.display_name, User.id)
    return paginate(session, query, page=page, per_page=per_page,
                    count=select(func.count()).select_from(User))


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
    """A claim's evidence, oldest first, with who added each item (one query); sources
    removed from the list (kept only for the reviews that cite them) are left out."""
    query = (select(Evidence, User).outerjoin(User, col(User.id) == Evidence.added_by_id)
             .where(Evidence.claim_id == claim_id, col(Evidence.removed_at).is_(None))
             .order_by(Evidence.id))
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


def public_corrections(session: Session, *, page: int = 1, per_page: int = PER_PAGE
                       ) -> Page[tuple[Correction, Article]]:
    """A page of the corrections to published checks, newest first (one query: the list
    is not counted, so its cost does not grow with the archive)."""
    # The status test as a subquery: joined, it leads SQLite's planner to read every
    # published article's corrections and sort them instead of walking the date index.
    live = aliased(Article)
    published = exists().where(live.id == Correction.article_id,
                               live.status == ArticleStatus.PUBLISHED)
    query = (select(Correction, Article).join(Article, col(Article.id) == Correction.article_id)
             .options(_WITHOUT_BODY).where(published)
             .order_by(col(Correction.created_at).desc(), col(Correction.id).desc()))
    return paginate(session, query, page=page, per_page=per_page, count=False)


def articles_newest_first(session: Session, *, page: int, per_page: int
                          ) -> tuple[list[Article], int]:
    """A page of articles, newest first, without their text; and how many there are."""
    total = session.exec(select(func.count()).select_from(Article)).one()
    rows = session.exec(select(Article).options(_WITHOUT_BODY)
                        .order_by(col(Article.id).desc())
                        .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def next_open_claim(session: Session, reviewer: User, *, after: Claim) -> Claim | None:
    """The reviewer's next claim to work on (their verdict not yet submitted, the claim not
    decided), earliest due first, other than `after` (one query)."""
    submitted = (select(Review.id).where(Review.claim_id == Assignment.claim_id,
                                         Review.reviewer_id == reviewer.id,
                                         Review.status == ReviewStatus.SUBMITTED).exists())
    due = col(Assignment.due_on)
    return session.exec(
        select(Claim).join(Assignment, col(Assignment.claim_id) == Claim.id)
        .where(Assignment.reviewer_id == reviewer.id, Claim.id != after.id,
               col(Claim.status).in_((ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED)),
               ~submitted)
        .order_by(due.is_(None), due, col(Assignment.assigned_at), col(Assignment.id))
        .limit(1)).first()
