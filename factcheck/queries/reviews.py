"""Reads about who reviews a claim and which reviews a person may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import Session, col, or_, select

from ..i18n import _
from ..models import (
    Assignment,
    Claim,
    ClaimParticipant,
    Comment,
    ConflictDeclaration,
    Evidence,
    Review,
    ReviewEvidence,
    User,
)
from ..states import SETTLED, ReviewStatus, Role
from .settings import get_setting

T = TypeVar("T")


def is_assigned(session: Session, *, claim: Claim, user: User) -> bool:
    """Whether `user` is one of the claim's reviewers."""
    query = select(Assignment.id).where(Assignment.claim_id == claim.id,
                                        Assignment.reviewer_id == user.id)
    return session.exec(query).first() is not None


def participant(session: Session, *, claim: Claim, user: User) -> ClaimParticipant | None:
    """The user's standing on the claim (reviewer now or before, verdicts seen), if any."""
    return session.exec(select(ClaimParticipant).where(
        ClaimParticipant.claim_id == claim.id, ClaimParticipant.user_id == user.id)).first()


def reviewer_ids(session: Session, claim: Claim) -> set[int]:
    """Everyone who is or was assigned to review the claim."""
    former = select(ClaimParticipant.user_id).where(
        ClaimParticipant.claim_id == claim.id, col(ClaimParticipant.first_assigned_at).is_not(None))
    current = select(Assignment.reviewer_id).where(Assignment.claim_id == claim.id)
    return set(session.exec(former).all()) | set(session.exec(current).all())


def claims_reviewed_by(session: Session, *, user: User, claim_ids: Sequence[int]) -> set[int]:
    """Which of these claims `user` is or was assigned to review (two queries)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return set()
    former = select(ClaimParticipant.claim_id).where(
        ClaimParticipant.user_id == user.id, col(ClaimParticipant.claim_id).in_(ids),
        col(ClaimParticipant.first_assigned_at).is_not(None))
    current = select(Assignment.claim_id).where(Assignment.reviewer_id == user.id,
                                                col(Assignment.claim_id).in_(ids))
    return set(session.exec(former).all()) | set(session.exec(current).all())


def is_reviewer(session: Session, *, claim: Claim, user: User) -> bool:
    """Whether `user` is or was assigned to the claim: then blind until they submit, whatever
    their role, and never its decider."""
    found = participant(session, claim=claim, user=user)
    return (found is not None and found.first_assigned_at is not None) or is_assigned(
        session, claim=claim, user=user)


def has_seen_verdicts(session: Session, *, claim: Claim, user: User) -> bool:
    """Whether another reviewer's verdict on the claim has been shown to `user`."""
    found = participant(session, claim=claim, user=user)
    return found is not None and found.saw_verdicts_at is not None


def is_recused(session: Session, *, claim: Claim, reviewer: User) -> bool:
    """Whether the person (reviewer or editor) declared a conflict on the claim or its article."""
    query = select(ConflictDeclaration.id).where(
        ConflictDeclaration.reviewer_id == reviewer.id,
        or_(ConflictDeclaration.claim_id == claim.id,
            ConflictDeclaration.article_id == claim.article_id),
    )
    return session.exec(query).first() is not None


def is_recused_from_article(session: Session, *, article_id: int, user: User) -> bool:
    """Whether `user` declared a conflict on the whole article."""
    return session.exec(select(ConflictDeclaration.id).where(
        ConflictDeclaration.reviewer_id == user.id,
        ConflictDeclaration.article_id == article_id)).first() is not None


def recused_among(session: Session, *, claim: Claim, user_ids: set[int]) -> set[int]:
    """Which of `user_ids` declared a conflict on the claim or its article (one query)."""
    if not user_ids:
        return set()
    query = select(ConflictDeclaration.reviewer_id).where(
        col(ConflictDeclaration.reviewer_id).in_(sorted(user_ids)),
        or_(ConflictDeclaration.claim_id == claim.id,
            ConflictDeclaration.article_id == claim.article_id),
    )
    return set(session.exec(query).all())


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
    """The reviews `viewer` may read: a reviewer (now or before, whatever their role) sees
    only their own until it is submitted; other editors see the submitted ones; the recused
    see none.

    A read with the blindness rule built in: it never refuses, it leaves out what the
    viewer may not see yet.
    """
    if is_recused(session, claim=claim, reviewer=viewer):
        return []
    reviews = list(session.exec(select(Review).where(Review.claim_id == claim.id)
                                .order_by(Review.id)).all())
    mine = next((r for r in reviews if r.reviewer_id == viewer.id), None)
    if is_reviewer(session, claim=claim, user=viewer) and (
            mine is None or mine.status != ReviewStatus.SUBMITTED):
        return [mine] if mine else []
    if not viewer.role.at_least(Role.EDITOR) and mine is None:
        return []  # not the claim's reviewer: the access rules refuse them before this
    return [r for r in reviews if r.status == ReviewStatus.SUBMITTED or r is mine]


def visible_evidence(session: Session, *, claim: Claim, viewer: User,
                     items: Sequence[T]) -> list[T]:
    """The evidence of `items` (Evidence rows, or rows that start with one) `viewer` may
    see: everything, unless the desk keeps colleagues' evidence from a reviewer until their
    own verdict is in; then their own sources and those added by non-reviewers (editors)."""
    if (claim.status in SETTLED
            or get_setting(session, "evidence_visibility") == "always"
            or sees_everything(session, claim=claim, viewer=viewer)):
        return list(items)
    colleagues = set(session.exec(select(ClaimParticipant.user_id).where(
        ClaimParticipant.claim_id == claim.id,
        col(ClaimParticipant.first_assigned_at).is_not(None))).all())
    colleagues |= set(session.exec(select(Assignment.reviewer_id).where(
        Assignment.claim_id == claim.id)).all())
    colleagues.discard(viewer.id)
    return [item for item in items
            if _evidence_of(item).added_by_id not in colleagues]


def _evidence_of(item: object) -> Evidence:
    return item if isinstance(item, Evidence) else item[0]


def sees_everything(session: Session, *, claim: Claim, viewer: User) -> bool:
    """Whether the viewer is past blindness: an editor not reviewing it, or a reviewer
    whose own verdict is submitted."""
    if not is_reviewer(session, claim=claim, user=viewer):
        return viewer.role.at_least(Role.EDITOR)
    mine = own_review(session, claim=claim, reviewer=viewer)
    return mine is not None and mine.status == ReviewStatus.SUBMITTED


def visible_comments(session: Session, *, claim: Claim, viewer: User
                     ) -> list[tuple[Comment, User | None]]:
    """The discussion as `viewer` may read it: reviewers' comments stay hidden from the
    claim's other reviewers until those submit; editors' comments are seen by all."""
    if is_recused(session, claim=claim, reviewer=viewer):
        return []
    query = (select(Comment, User).outerjoin(User, col(User.id) == Comment.author_id)
             .where(Comment.claim_id == claim.id).order_by(Comment.id))
    comments = list(session.exec(query).all())
    if sees_everything(session, claim=claim, viewer=viewer):
        return comments
    hidden = reviewer_ids(session, claim) - {viewer.id}
    return [(c, author) for c, author in comments if c.author_id not in hidden]


def comment_audience(session: Session, *, claim: Claim, viewer: User) -> str:
    """Who will read what `viewer` writes in the claim's discussion, said on the form."""
    if is_reviewer(session, claim=claim, user=viewer):
        return _("Editors see your comment; the claim's other reviewers see it once they "
                 "have submitted their own verdict.")
    return _("Everyone working on this claim sees your comment, including reviewers who "
             "have not submitted their verdict yet.")


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


def suggested_reasoning(session: Session, *, claim: Claim) -> str:
    """The submitted reviewers' rationales, one paragraph each: where the editor's published
    reasoning starts from."""
    reviews = session.exec(select(Review).where(
        Review.claim_id == claim.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(col(Review.id))).all()
    return "\n\n".join(review.rationale for review in reviews if review.rationale.strip())
