"""Reading rating scales: the active scale and its labels."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import RatingLabel, RatingScale


def active_scale(session: Session) -> RatingScale | None:
    """The scale reviewers and editors rate with now."""
    return session.exec(select(RatingScale).where(RatingScale.is_active.is_(True))).first()


def scale_labels(session: Session, scale: RatingScale) -> list[RatingLabel]:
    """The labels of `scale` in their display order."""
    query = select(RatingLabel).where(RatingLabel.scale_id == scale.id).order_by(
        col(RatingLabel.position))
    return list(session.exec(query).all())


def active_labels(session: Session) -> list[RatingLabel]:
    """The active scale's labels in their display order; none when no scale is active."""
    scale = active_scale(session)
    return scale_labels(session, scale) if scale else []
