"""Reads about one claim or one article's claims: claims in order, evidence, discussion, history."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import AuditEvent, Claim, Comment, Decision, Evidence, RatingLabel, RatingScale, User

# The order of an article's claims, everywhere: the id breaks ties so that a page of the
# board and the position computed for a claim always agree.
CLAIM_ORDER = (col(Claim.position), col(Claim.start), col(Claim.id))


def article_claims(session: Session, article_id: int) -> list[Claim]:
    """The claims of an article in their order."""
    query = select(Claim).where(Claim.article_id == article_id).order_by(*CLAIM_ORDER)
    return list(session.exec(query).all())


def sentence_claims(session: Session, article_id: int) -> list[Claim]:
    """The claims of an article in their order, without sub-claims (the board's list)."""
    query = (select(Claim).where(Claim.article_id == article_id,
                                 col(Claim.parent_id).is_(None)).order_by(*CLAIM_ORDER))
    return list(session.exec(query).all())


def sub_claims_of(session: Session, parent_ids: list[int]) -> dict[int, list[Claim]]:
    """The sub-claims of these claims, in text order, by their sentence's id (one query)."""
    if not parent_ids:
        return {}
    found: dict[int, list[Claim]] = {}
    for claim in session.exec(select(Claim).where(col(Claim.parent_id).in_(parent_ids))
                              .order_by(col(Claim.start), col(Claim.id))).all():
        found.setdefault(claim.parent_id, []).append(claim)
    return found


def claims_of_article(session: Session, article_id: int, ids: set[int]) -> list[Claim]:
    """Those of `ids` that are claims of the article, in their order (one query)."""
    if not ids:
        return []
    query = (select(Claim).where(Claim.article_id == article_id, col(Claim.id).in_(ids))
             .order_by(*CLAIM_ORDER))
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


def users_by_id(session: Session, ids: set[int]) -> dict[int, User]:
    """The accounts with these ids (one query; none asked, none run)."""
    if not ids:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}


def rating_names(session: Session, keys: set[str | None]) -> dict[str, str]:
    """The display name of each rating key, the active scale's name winning (one query)."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    rows = session.exec(select(RatingLabel.key, RatingLabel.name, RatingScale.is_active)
                        .join(RatingScale, col(RatingScale.id) == RatingLabel.scale_id)
                        .where(col(RatingLabel.key).in_(keys))
                        .order_by(col(RatingScale.is_active), col(RatingScale.id))).all()
    return {key: name for key, name, _active in rows}
