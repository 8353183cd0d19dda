"""The editor's claim board: the article, its claims in order and what the board shows of each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from ..engine.highlight import segments
from ..models import Article, Claim, ConflictDeclaration, User
from ..states import ClaimStatus
from .agreement import ArticleAgreement, article_agreement
from .claims import article_claims
from .desk import article_conflicts, claim_assignments


@dataclass(frozen=True)
class BoardPage:
    """Everything the claim board shows, read in a fixed number of queries."""

    article: Article
    claims: tuple[Claim, ...]
    segments: tuple[Any, ...]  # the article text cut at claim boundaries
    assignments: dict[int, list[tuple]]  # claim id -> (assignment, reviewer, review)
    agreement: ArticleAgreement
    conflicts: tuple[tuple[ConflictDeclaration, User], ...]


def board_page(session: Session, article: Article) -> BoardPage:
    """The claim board of `article`."""
    claims = article_claims(session, article.id)
    # A claim whose words changed has no valid span until the editor anchors it again.
    anchored = [c for c in claims if c.status != ClaimStatus.NEEDS_REANCHOR]
    return BoardPage(
        article=article,
        claims=tuple(claims),
        segments=tuple(segments(article.body, anchored)),
        assignments=claim_assignments(session, [c.id for c in claims]),
        agreement=article_agreement(session, article.id),
        conflicts=tuple(article_conflicts(session, article.id)),
    )
