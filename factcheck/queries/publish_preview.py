"""What publishing an article would put in front of readers, before the editor confirms."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..models import Article, Claim, Decision, RatingLabel
from ..states import IN_PROGRESS, SETTLED, ArticleStatus


@dataclass(frozen=True)
class PreviewClaim:
    """A claim as the verdict page would show it (or why it stays off the page)."""

    claim: Claim
    label: RatingLabel | None = None
    conclusion: str = ""


@dataclass(frozen=True)
class PublishPreview:
    """The claims that go public with their verdicts, those listed "still being checked"
    (only if the editor asks), and those left out; `fingerprint` names this exact state."""

    article: Article
    include_open: bool
    decided: list[PreviewClaim]
    still_checking: list[PreviewClaim]
    left_out: list[PreviewClaim]
    republish: bool
    fingerprint: str

    @property
    def blocked(self) -> bool:
        """Publishing would be refused: nothing decided, or open claims not to be listed."""
        return not self.decided or (bool(self.still_checking) and not self.include_open)


def publish_preview(session: Session, *, article: Article, include_open: bool) -> PublishPreview:
    """What the verdict page would hold if the editor published now (three queries)."""
    claims = list(session.exec(select(Claim).where(Claim.article_id == article.id)
                               .order_by(col(Claim.start), col(Claim.id))).all())
    decisions = {d.claim_id: d for d in session.exec(select(Decision).where(
        col(Decision.claim_id).in_([c.id for c in claims]))).all()}
    labels = {label.id: label for label in session.exec(select(RatingLabel).where(
        col(RatingLabel.id).in_({d.rating_id for d in decisions.values() if d.rating_id})))}
    decided, still_checking, left_out = [], [], []
    for claim in claims:
        decision = decisions.get(claim.id)
        if claim.status in SETTLED and decision is not None:
            decided.append(PreviewClaim(claim, labels.get(decision.rating_id),
                                        decision.summary))
        elif claim.status in IN_PROGRESS:
            still_checking.append(PreviewClaim(claim))
        else:  # candidates, dismissed claims, claims whose words changed
            left_out.append(PreviewClaim(claim))
    state = repr([(c.id, c.version, c.status.value) for c in claims]
                 + [(d.claim_id, d.version) for d in decisions.values()])
    return PublishPreview(
        article=article, include_open=include_open, decided=decided,
        still_checking=still_checking, left_out=left_out,
        republish=article.status == ArticleStatus.PUBLISHED,
        fingerprint=hashlib.sha256(state.encode()).hexdigest()[:16])
