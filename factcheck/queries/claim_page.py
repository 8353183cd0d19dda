"""The claim pages: the editor's (reword, split, re-anchor) and the reviewer's workspace."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ..models import Article, Claim, Comment, Evidence, RatingLabel, Review, User
from ..states import SETTLED, ScaleMode
from .captures import Preservation, preservation_of
from .claim_parts import ClaimParts, parts_of
from .desk import ReviewView, evidence_with_authors, review_views
from .publications import claim_shown_publicly
from .reviews import (
    comment_audience,
    is_assigned,
    is_reviewer,
    visible_comments,
    visible_evidence,
    visible_reviews,
)
from .scales import active_scale, scale_labels


@dataclass(frozen=True)
class ClaimPage:
    """The editor's claim page: the claim and the article it is anchored in."""

    claim: Claim
    article: Article
    public: bool  # readers see its words: changing them needs a correction note
    parts: ClaimParts | None = None  # its attribution and content, when it reports speech


def claim_page(session: Session, claim: Claim) -> ClaimPage:
    """The editor's page of `claim` (two queries beyond the claim)."""
    article = session.get(Article, claim.article_id)
    return ClaimPage(claim=claim, article=article, public=claim_shown_publicly(session, claim),
                     parts=parts_of(claim, article.body))


@dataclass(frozen=True)
class ReviewClaimPage:
    """The reviewer's workspace on a claim: evidence, own verdict, others', discussion."""

    claim: Claim
    article: Article
    evidence: tuple[tuple[Evidence, User | None], ...]
    review: Review | None  # the viewer's own, if started
    own: ReviewView | None  # the same with its label and citations
    reviews: tuple[ReviewView, ...]  # those the viewer may read (blind until theirs is in)
    comments: tuple[tuple[Comment, User | None], ...]  # those the viewer may read
    comment_audience: str  # who will read the viewer's comment, said on the form
    assigned: bool  # the viewer is one of the claim's reviewers
    former_or_current_reviewer: bool  # then never its decider, whatever their role
    labels: tuple[RatingLabel, ...]  # of the active scale, in order
    conclusion_mode: bool  # the active scale takes a written conclusion, no label
    preservation: dict[int, Preservation]  # of each evidence item shown, by its id

    @property
    def settled(self) -> bool:
        """Decided: its evidence and reviews no longer change."""
        return self.claim.status in SETTLED


def review_claim_page(session: Session, claim: Claim, viewer: User) -> ReviewClaimPage:
    """The workspace on `claim` as `viewer` may see it (a fixed number of queries)."""
    views = review_views(session, visible_reviews(session, claim=claim, viewer=viewer))
    # Whatever else is hidden, the viewer always sees their own review.
    own = next((v for v in views if v.review.reviewer_id == viewer.id), None)
    scale = active_scale(session)
    evidence = tuple(visible_evidence(session, claim=claim, viewer=viewer,
                                      items=evidence_with_authors(session, claim.id)))
    return ReviewClaimPage(
        claim=claim,
        article=session.get(Article, claim.article_id),
        evidence=evidence,
        review=own.review if own else None,
        own=own,
        reviews=tuple(views),
        comments=tuple(visible_comments(session, claim=claim, viewer=viewer)),
        comment_audience=comment_audience(session, claim=claim, viewer=viewer),
        assigned=is_assigned(session, claim=claim, user=viewer),
        former_or_current_reviewer=is_reviewer(session, claim=claim, user=viewer),
        labels=tuple(scale_labels(session, scale)) if scale else (),
        conclusion_mode=scale is not None and scale.mode == ScaleMode.CONCLUSION,
        preservation=preservation_of(session, (item.id for item, _author in evidence)),
    )
