"""Reads about one claim or one article's claims: claims in order, evidence, discussion, history."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import AuditEvent, Claim, Comment, Decision, Evidence, User


def article_claims(session: Session, article_id: int) -> list[Claim]:
    """The claims of an article in their order."""
    query = select(Claim).where(Claim.article_id == article_id).order_by(
        col(Claim.position), col(Claim.start)
    )
    return list(session.exec(query).all())


def claim_evidence(session: Session, claim: Claim) -> list[Evidence]:
    """The claim's evidence, oldest first, without the sources removed from its list."""
    query = (select(Evidence).where(Evidence.claim_id == claim.id,
                                    col(Evidence.removed_at).is_(None)).order_by(Evidence.id))
    return list(session.exec(query).all())


def claim_comments(session: Session, claim: Claim) -> list[tuple[Comment, User | None]]:
    """The discussion on a claim, oldest first, with authors (one query)."""
    query = (select(Comment, User).outerjoin(User, col(User.id) == Comment.author_id)
             .where(Comment.claim_id == claim.id).order_by(Comment.id))
    return list(session.exec(query).all())


def claim_history(session: Session, claim: Claim) -> list[tuple[AuditEvent, User | None]]:
    """Every audited action on a claim, newest first, with who did it (one query)."""
    query = (select(AuditEvent, User).outerjoin(User, col(User.id) == AuditEvent.actor_id)
             .where(AuditEvent.object_type == "claims", AuditEvent.object_id == claim.id)
             .order_by(col(AuditEvent.id).desc()))
    return list(session.exec(query).all())


def claim_decision(session: Session, claim: Claim) -> Decision | None:
    """The editor's decision on `claim`, if there is one."""
    return session.exec(select(Decision).where(Decision.claim_id == claim.id)).first()
