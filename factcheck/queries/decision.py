"""The decision page: everything an editor needs to compare verdicts and decide a claim."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..engine.aggregate import Consensus, Spread, consensus, spread
from ..models import (
    Article,
    AuditEvent,
    Claim,
    ConflictDeclaration,
    Decision,
    Evidence,
    RatingLabel,
    Review,
    ReviewVersion,
    User,
)
from ..states import ReviewStatus
from .captures import Preservation, preservation_of
from .claims import claim_history
from .desk import ReviewView, claim_assignments, evidence_with_authors, review_views
from .reviews import sees_everything, visible_reviews
from .scales import active_labels


@dataclass(frozen=True)
class DecisionPage:
    """The claim, its submitted verdicts and their agreement, evidence, decision, history."""

    claim: Claim
    article: Article
    reviews: tuple[ReviewView, ...]  # the submitted verdicts the viewer may read
    agreement: Consensus
    spread: Spread | None
    evidence: tuple[tuple[Evidence, User | None], ...]
    decision: Decision | None
    assignments: tuple[tuple, ...]  # (assignment, reviewer, review or None)
    history: tuple[tuple[AuditEvent, User | None], ...]
    labels: tuple[RatingLabel, ...]  # of the active scale, the choices of the decision
    # review id -> its kept versions, oldest first, with their labels (reviews shown only)
    versions: dict[int, tuple[tuple[ReviewVersion, RatingLabel | None], ...]]
    recusals: tuple[tuple[ConflictDeclaration, User], ...]  # on the claim or its article
    withdrawn: tuple[ReviewView, ...]  # reviews of reviewers taken off the claim, kept
    preservation: dict[int, Preservation]  # evidence id -> the latest capture of its page

    def revised_after_seeing(self, review_id: int) -> bool:
        """Whether the review's current verdict was submitted after its author had been
        shown a colleague's verdict (an earlier version is then in its history)."""
        kept = [v for v, _label in self.versions.get(review_id, ())
                if v.reason == "submitted"]
        return bool(kept) and kept[-1].after_seeing

    @property
    def decision_version(self) -> int:
        """The version a decision form carries: the decision's, 0 when there is none yet."""
        return self.decision.version if self.decision else 0

    @property
    def suggested_rating(self) -> str:
        """The decided rating when a verdict has it, else the reviewers' consensus, else ""."""
        decided = self.decision.rating_id if self.decision else None
        current = next((v.label.key for v in self.reviews
                        if v.label and decided and v.label.id == decided), None)
        return current or self.agreement.rating or ""


def review_versions(session: Session, reviews: list[Review]
                    ) -> dict[int, tuple[tuple[ReviewVersion, RatingLabel | None], ...]]:
    """The kept versions of the reviews, oldest first, with their labels (one query)."""
    if not reviews:
        return {}
    query = (select(ReviewVersion, RatingLabel)
             .outerjoin(RatingLabel, col(RatingLabel.id) == ReviewVersion.rating_id)
             .where(col(ReviewVersion.review_id).in_([r.id for r in reviews]))
             .order_by(ReviewVersion.review_id, ReviewVersion.number))
    found: dict[int, list] = defaultdict(list)
    for version, label in session.exec(query).all():
        found[version.review_id].append((version, label))
    return {key: tuple(value) for key, value in found.items()}


def claim_recusals(session: Session, claim: Claim) -> list[tuple[ConflictDeclaration, User]]:
    """Who declared a conflict of interest on the claim or its whole article (one query)."""
    query = (select(ConflictDeclaration, User)
             .join(User, col(User.id) == ConflictDeclaration.reviewer_id)
             .where((ConflictDeclaration.claim_id == claim.id)
                    | (ConflictDeclaration.article_id == claim.article_id))
             .order_by(ConflictDeclaration.id))
    return list(session.exec(query).all())


def decision_page(session: Session, claim: Claim, viewer: User) -> DecisionPage:
    """The decision page of `claim` as `viewer` may see it (a fixed number of queries)."""
    views = review_views(session, visible_reviews(session, claim=claim, viewer=viewer))
    submitted = [v for v in views if v.review.status == ReviewStatus.SUBMITTED]
    shown = [v.review for v in submitted]
    withdrawn = []
    if sees_everything(session, claim=claim, viewer=viewer):
        withdrawn = review_views(session, list(session.exec(select(Review).where(
            Review.claim_id == claim.id, Review.status == ReviewStatus.WITHDRAWN)
            .order_by(Review.id)).all()))
    evidence = tuple(evidence_with_authors(session, claim.id))
    return DecisionPage(
        claim=claim,
        article=session.get(Article, claim.article_id),
        reviews=tuple(submitted),
        agreement=consensus([v.label.key if v.label else None for v in submitted]),
        spread=spread([v.label.value if v.label else None for v in submitted]),
        evidence=evidence,
        decision=session.exec(select(Decision).where(Decision.claim_id == claim.id)).first(),
        assignments=tuple(claim_assignments(session, [claim.id]).get(claim.id, [])),
        history=tuple(claim_history(session, claim)),
        labels=tuple(active_labels(session)),
        versions=review_versions(session, shown + [v.review for v in withdrawn]),
        withdrawn=tuple(withdrawn),
        recusals=tuple(claim_recusals(session, claim)),
        preservation=preservation_of(session, (item.id for item, _author in evidence)),
    )
