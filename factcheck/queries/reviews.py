"""Reads about who reviews a claim and which reviews a person may see."""

from __future__ import annotations

from sqlmodel import Session, or_, select

from ..models import Assignment, Claim, ConflictDeclaration, Review, ReviewEvidence, User
from ..states import ReviewStatus, Role


def is_assigned(session: Session, *, claim: Claim, user: User) -> bool:
    """Whether `user` is one of the claim's reviewers."""
    query = select(Assignment.id).where(Assignment.claim_id == claim.id,
                                        Assignment.reviewer_id == user.id)
    return session.exec(query).first() is not None


def is_recused(session: Session, *, claim: Claim, reviewer: User) -> bool:
    """Whether the reviewer declared a conflict on the claim or its article."""
    query = select(ConflictDeclaration.id).where(
        ConflictDeclaration.reviewer_id == reviewer.id,
        or_(ConflictDeclaration.claim_id == claim.id,
            ConflictDeclaration.article_id == claim.article_id),
    )
    return session.exec(query).first() is not None


def submitted_count(session: Session, claim: Claim) -> int:
    """How many reviews of the claim are submitted."""
    query = select(Review.id).where(Review.claim_id == claim.id,
                                    Review.status == ReviewStatus.SUBMITTED)
    return len(session.exec(query).all())


def own_review(session: Session, *, claim: Claim, reviewer: User) -> Review | None:
    """The reviewer's review of the claim, if started."""
    query = select(Review).where(Review.claim_id == claim.id, Review.reviewer_id == reviewer.id)
    return session.exec(query).first()


def cited_evidence_ids(session: Session, review: Review) -> set[int]:
    """Ids of the evidence items a review cites."""
    query = select(ReviewEvidence.evidence_id).where(ReviewEvidence.review_id == review.id)
    return set(session.exec(query).all())


def visible_reviews(session: Session, *, claim: Claim, viewer: User) -> list[Review]:
    """The reviews `viewer` may read: blind until their own is submitted; editors see all.

    A read with the blindness rule built in: it never refuses, it leaves out what the
    viewer may not see yet.
    """
    reviews = list(session.exec(select(Review).where(Review.claim_id == claim.id)
                                .order_by(Review.id)).all())
    if viewer.role.at_least(Role.EDITOR) and not is_assigned(session, claim=claim, user=viewer):
        return [r for r in reviews if r.status == ReviewStatus.SUBMITTED or
                r.reviewer_id == viewer.id]
    mine = next((r for r in reviews if r.reviewer_id == viewer.id), None)
    if mine is None or mine.status != ReviewStatus.SUBMITTED:
        return [mine] if mine else []
    return [r for r in reviews if r.status == ReviewStatus.SUBMITTED or r is mine]


def assignment_of(session: Session, *, claim: Claim, reviewer: User) -> Assignment | None:
    """The assignment of `reviewer` to `claim`, if any."""
    return session.exec(select(Assignment).where(
        Assignment.claim_id == claim.id, Assignment.reviewer_id == reviewer.id)).first()


def assigned_in_article(session: Session, *, article_id: int, reviewer: User) -> bool:
    """Whether `reviewer` is assigned to any claim of the article."""
    return session.exec(
        select(Assignment.id).join(Claim, Claim.id == Assignment.claim_id)
        .where(Claim.article_id == article_id, Assignment.reviewer_id == reviewer.id)
    ).first() is not None
