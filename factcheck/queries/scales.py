"""Reading rating scales: the active scale and its labels."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import RatingLabel, RatingScale, is_hex_colour


def active_scale(session: Session) -> RatingScale | None:
    """The scale reviewers and editors rate with now."""
    return session.exec(select(RatingScale).where(RatingScale.is_active.is_(True))).first()


def scale_labels(session: Session, scale: RatingScale) -> list[RatingLabel]:
    """The labels of `scale` in their display order."""
    query = select(RatingLabel).where(RatingLabel.scale_id == scale.id).order_by(
        col(RatingLabel.position))
    return list(session.exec(query).all())


def coloured_labels(session: Session) -> list[RatingLabel]:
    """Every rating label of every scale whose colour is safe to put in a stylesheet."""
    return [label for label in session.exec(select(RatingLabel)).all()
            if is_hex_colour(label.colour)]
