"""The decision page: everything an editor needs to compare verdicts and decide a claim."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..engine.aggregate import Consensus, Spread, consensus, spread
from ..models import Article, AuditEvent, Claim, Decision, Evidence, RatingLabel, User
from ..states import ReviewStatus
from .claims import claim_history
from .desk import ReviewView, claim_assignments, evidence_with_authors, review_views
from .reviews import visible_reviews
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


def decision_page(session: Session, claim: Claim, viewer: User) -> DecisionPage:
    """The decision page of `claim` as `viewer` may see it (a fixed number of queries)."""
    views = review_views(session, visible_reviews(session, claim=claim, viewer=viewer))
    submitted = [v for v in views if v.review.status == ReviewStatus.SUBMITTED]
    return DecisionPage(
        claim=claim,
        article=session.get(Article, claim.article_id),
        reviews=tuple(submitted),
        agreement=consensus([v.label.key if v.label else None for v in submitted]),
        spread=spread([v.label.value if v.label else None for v in submitted]),
        evidence=tuple(evidence_with_authors(session, claim.id)),
        decision=session.exec(select(Decision).where(Decision.claim_id == claim.id)).first(),
        assignments=tuple(claim_assignments(session, [claim.id]).get(claim.id, [])),
        history=tuple(claim_history(session, claim)),
        labels=tuple(active_labels(session)),
    )
