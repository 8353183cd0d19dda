"""Agreement between reviewers on decided claims: reads the database, computes in aggregate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..engine.aggregate import AgreementSummary, agreement_summary
from ..models import Claim, RatingLabel, Review, User
from ..states import SETTLED, ReviewStatus


@dataclass
class ArticleAgreement:
    """Ordinal Krippendorff's alpha over an article's decided claims, overall and per reviewer."""

    overall: AgreementSummary
    per_reviewer: list[tuple[User, AgreementSummary]]


def article_agreement(session: Session, article_id: int) -> ArticleAgreement:
    """Agreement on the article's decided claims (non-ordinal verdicts left out)."""
    rows = session.exec(
        select(Review.claim_id, Review.reviewer_id, RatingLabel.value)
        .join(Claim, col(Claim.id) == Review.claim_id)
        .join(RatingLabel, col(RatingLabel.id) == Review.rating_id)
        .where(Claim.article_id == article_id, col(Claim.status).in_(SETTLED),
               Review.status == ReviewStatus.SUBMITTED, col(RatingLabel.value).is_not(None))
    ).all()
    by_claim: dict[int, dict[int, int]] = defaultdict(dict)
    for claim_id, reviewer_id, value in rows:
        by_claim[claim_id][reviewer_id] = value
    units = [list(values.values()) for values in by_claim.values()]
    overall = agreement_summary(units, "ordinal")
    reviewer_ids = sorted({r for values in by_claim.values() for r in values})
    people = {u.id: u for u in session.exec(
        select(User).where(col(User.id).in_(reviewer_ids))).all()}
    per_reviewer = []
    for reviewer_id in reviewer_ids:
        # The reviewer's agreement with the others on the claims they rated.
        shared = [list(v.values()) for v in by_claim.values() if reviewer_id in v]
        per_reviewer.append((people[reviewer_id], agreement_summary(shared, "ordinal")))
    return ArticleAgreement(overall, per_reviewer)
