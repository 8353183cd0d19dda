"""Reading rating scales: the active scale, labels, and how many verdicts use each label."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from ..i18n import _
from ..models import Decision, RatingLabel, RatingScale, Review, is_hex_colour

SCALE_NAME_MAX = 120  # the longest scale name (workflow.scales refuses longer ones)


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


def active_labels(session: Session) -> list[RatingLabel]:
    """The active scale's labels in their display order; none when no scale is active."""
    scale = active_scale(session)
    return scale_labels(session, scale) if scale else []


@dataclass
class ScaleView:
    """A scale with its labels in display order and how many verdicts use each label."""

    scale: RatingScale
    labels: list[RatingLabel] = field(default_factory=list)
    usage: dict[int, int] = field(default_factory=dict)  # label id -> reviews + decisions

    @property
    def ordinal(self) -> list[RatingLabel]:
        """The labels with a numeric value."""
        return [label for label in self.labels if label.value is not None]

    @property
    def worst(self) -> int | None:
        """ClaimReview `worstRating`: the lowest value, if the scale has any."""
        return min((label.value for label in self.ordinal), default=None)

    @property
    def best(self) -> int | None:
        """ClaimReview `bestRating`: the highest value, if the scale has any."""
        return max((label.value for label in self.ordinal), default=None)

    @property
    def verdicts(self) -> int:
        """Reviews and decisions rated with any label of this scale."""
        return sum(self.usage.values())


def label_usage(session: Session, label_ids: list[int]) -> dict[int, int]:
    """Label id -> number of reviews and decisions rated with it (two queries)."""
    counts: dict[int, int] = defaultdict(int)
    if not label_ids:
        return counts
    for model in (Review, Decision):
        rows = session.exec(
            select(model.rating_id, func.count())
            .where(col(model.rating_id).in_(label_ids))
            .group_by(model.rating_id)
        ).all()
        for label_id, n in rows:
            counts[label_id] += n
    return counts


def scales_overview(session: Session) -> list[ScaleView]:
    """Every scale (the active one first, then in order of creation), labels and usage."""
    scales = session.exec(
        select(RatingScale).order_by(col(RatingScale.is_active).desc(), col(RatingScale.id))
    ).all()
    labels = session.exec(
        select(RatingLabel).order_by(col(RatingLabel.scale_id), col(RatingLabel.position))
    ).all()
    by_scale: dict[int, list[RatingLabel]] = defaultdict(list)
    for label in labels:
        by_scale[label.scale_id].append(label)
    usage = label_usage(session, [label.id for label in labels])
    return [
        ScaleView(scale, by_scale[scale.id],
                  {label.id: usage[label.id] for label in by_scale[scale.id]})
        for scale in scales
    ]


def scale_view(session: Session, scale: RatingScale) -> ScaleView:
    """One scale with its labels and their usage."""
    labels = scale_labels(session, scale)
    usage = label_usage(session, [label.id for label in labels])
    return ScaleView(scale, labels, {label.id: usage[label.id] for label in labels})


def suggested_copy_name(session: Session, scale: RatingScale) -> str:
    """"Copy of <name>", numbered when that name is taken."""
    base = _("Copy of {name}", name=scale.name)[:SCALE_NAME_MAX - 4]
    taken = {n.lower() for n in session.exec(select(RatingScale.name)).all()}
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base} ({n})"
    return name
