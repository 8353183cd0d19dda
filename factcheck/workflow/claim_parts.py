"""Claims stored before they had parts (migration 0028) get them from the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..engine.splitting import split_claims
from ..models import Article, Claim
from ..states import ClaimKind, ClaimStatus
from .articles import claim_parts

_REPORTED = (ClaimKind.ATTRIBUTED, ClaimKind.DEMAND)
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class FilledParts:
    """What `fill_claim_parts` did: claims given their parts, and claims left without."""

    filled: int
    left: int


def _without_parts():
    return (col(Claim.kind).in_(_REPORTED), col(Claim.claimant_start).is_(None),
            col(Claim.content_start).is_(None), Claim.status != ClaimStatus.NEEDS_REANCHOR)


def _same_source(stored: str | None, found: str | None) -> bool:
    """Whether the engine's claimant names the stored one (a fuller name counts)."""
    words = {w.lower() for w in _WORDS.findall(stored or "")}
    return bool(words & {w.lower() for w in _WORDS.findall(found or "")})


def fill_claim_parts(session: Session) -> FilledParts:
    """Give reported-speech claims without parts those the engine finds for the same span
    of their article's text today; claims whose span it no longer proposes (split, merged
    or added by an editor) are left as they are. Rows are updated without a new version:
    the parts are derived data an editor's open form does not hold."""
    filled = left = 0
    articles = session.exec(select(Claim.article_id).where(*_without_parts()).distinct()).all()
    for article_id in articles:
        article = session.get(Article, article_id)
        found = {(c.start, c.end): c for c in split_claims(article.body, lang=article.language)}
        claims = session.exec(select(Claim).where(Claim.article_id == article_id,
                                                  *_without_parts())).all()
        for claim in claims:
            candidate = found.get((claim.start, claim.end))
            if candidate is None or candidate.kind not in _REPORTED:
                left += 1
                continue
            values = claim_parts(candidate)
            if not _same_source(claim.claimant, candidate.claimant):
                values.update(claimant_start=None, claimant_end=None)  # the editor's choice
            if values["claimant_start"] is None and values["content_start"] is None:
                left += 1
                continue
            session.exec(update(Claim).where(col(Claim.id) == claim.id).values(**values)
                         .execution_options(synchronize_session="fetch"))
            filled += 1
    return FilledParts(filled=filled, left=left)
