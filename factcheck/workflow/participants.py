"""Who has been a reviewer of a claim and who has seen its verdicts, and kept review versions.

These records are what make blind review hold: they outlive assignments (so leaving a
claim does not lift blindness or make an editor its decider) and they are written at the
moment a verdict is shown, by the same function for the web and the API.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, func, select

from ..dbtypes import utcnow
from ..models import (
    Claim,
    ClaimParticipant,
    Comment,
    Review,
    ReviewEvidence,
    ReviewVersion,
    User,
)
from ..queries.reviews import participant, reviewer_ids
from ..states import ReviewStatus
from .audit import record_audit


def _participant(session: Session, claim: Claim, user: User) -> ClaimParticipant:
    found = participant(session, claim=claim, user=user)
    if found is None:
        found = ClaimParticipant(claim_id=claim.id, user_id=user.id)
        session.add(found)
    return found


def enrol_reviewer(session: Session, *, claim: Claim, reviewer: User) -> None:
    """Remember that `reviewer` is assigned to the claim: they stay one of its reviewers."""
    found = _participant(session, claim, reviewer)
    if found.first_assigned_at is None:
        found.first_assigned_at = utcnow()
        session.add(found)
    session.flush()


def record_verdicts_shown(session: Session, *, claim: Claim, viewer: User,
                          reviews: Iterable[Review], comments: Iterable[Comment] = ()) -> bool:
    """Note (once, audited) that a colleague's submitted verdict was shown to `viewer`.

    Call it with exactly the reviews (and discussion) a page or an API answer shows; a
    colleague reviewer's comment counts too ("I rated this TRUE" is a verdict). Returns
    whether this was the first time.
    """
    others = sorted(r.id for r in reviews
                    if r.reviewer_id != viewer.id and r.status == ReviewStatus.SUBMITTED)
    comments = [c for c in comments if c.author_id != viewer.id]
    if comments:
        colleagues = reviewer_ids(session, claim) - {viewer.id}
        comments = [c.id for c in comments if c.author_id in colleagues]
    if not others and not comments:
        return False
    found = _participant(session, claim, viewer)
    if found.saw_verdicts_at is not None:
        return False
    found.saw_verdicts_at = utcnow()
    session.add(found)
    session.flush()
    record_audit(session, actor=viewer, action="review.verdicts_seen", obj=claim,
                 reviews=others, comments=comments)
    return True


def snapshot_review(session: Session, *, review: Review, reason: str, actor: User | None,
                    after_seeing: bool) -> ReviewVersion:
    """Keep the review as it stands now (at a submission or a removal) in its history."""
    latest = session.exec(select(func.max(ReviewVersion.number))
                          .where(ReviewVersion.review_id == review.id)).one()
    cited = session.exec(select(ReviewEvidence.evidence_id)
                         .where(ReviewEvidence.review_id == review.id)
                         .order_by(col(ReviewEvidence.evidence_id))).all()
    version = ReviewVersion(
        review_id=review.id, number=(latest or 0) + 1, reason=reason, status=review.status,
        rating_id=review.rating_id, rationale=review.rationale, confidence=review.confidence,
        cited=list(cited), after_seeing=after_seeing,
        created_by_id=actor.id if actor is not None else None)
    session.add(version)
    session.flush()
    return version
