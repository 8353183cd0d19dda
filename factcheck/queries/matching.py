"""Checks already made that match a claim: the desk's own published verdicts and imported
ClaimReviews, best first (scoring: `factcheck.engine.matching`).

Candidates:
- own: every *decided* claim of a live publication (the search index's rows, so only what
  readers can see), with its verdict name, verdict page (slug and claim number) and the
  date the check was first published;
- imported: every row of `imported_checks` (its `claimReviewed` and headline are matched).

The TF-IDF index is built once per process and database and kept while the candidates do
not change: each search first reads a cheap stamp (count and newest id / update time of
both sources), so a publication or an import in any process rebuilds it at the next
search; `forget_index` drops it at once after a commit in this process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, col

from ..engine.match_numbers import adjusted_score
from ..engine.matching import MIN_SCORE, MatchIndex
from ..models import ImportedCheck
from .search_tables import entries

OWN, IMPORTED = "own", "imported"


@dataclass(frozen=True)
class MatchCandidate:
    """One check a claim can match, as the answer shows it."""

    source: str  # OWN or IMPORTED
    text: str  # the checked wording (an imported check's claimReviewed)
    rating: str | None  # the verdict label (alternateName)
    published: date | None
    publisher: str | None  # imported: its author; own: None (the desk, filled in by callers)
    url: str | None  # imported: the ClaimReview's url; own: None (built from slug + number)
    slug: str | None = None  # own only
    claim_number: int | None = None  # own only
    article_id: int | None = None  # own only


@dataclass(frozen=True)
class Match:
    candidate: MatchCandidate
    score: float


@dataclass
class _Cached:
    stamp: tuple
    index: MatchIndex
    candidates: list[MatchCandidate]
    imported: np.ndarray  # boolean mask: True for imported candidates
    articles: np.ndarray  # own candidates' article ids (0 for imported)


_CACHE: dict[str, _Cached] = {}
_LOCK = threading.Lock()


def _stamp(session: Session) -> tuple:
    own = session.execute(sa.select(sa.func.count(), sa.func.max(entries.c.id))
                          .where(entries.c.decided.is_(True))).one()
    imported = session.execute(sa.select(
        sa.func.count(), sa.func.max(col(ImportedCheck.id)),
        sa.func.max(col(ImportedCheck.updated_at)))).one()
    return (*own, *imported)


def _candidates(session: Session) -> tuple[list[MatchCandidate], list[str]]:
    own = session.execute(
        sa.select(entries.c.claim_text, entries.c.verdict, entries.c.published_on,
                  entries.c.slug, entries.c.claim_number, entries.c.article_id)
        .where(entries.c.decided.is_(True)).order_by(entries.c.id)).all()
    found = [MatchCandidate(source=OWN, text=row.claim_text, rating=row.verdict,
                            published=row.published_on, publisher=None, url=None,
                            slug=row.slug, claim_number=row.claim_number,
                            article_id=row.article_id) for row in own]
    imported = session.execute(
        sa.select(ImportedCheck.claim_reviewed, ImportedCheck.headline, ImportedCheck.rating,
                  ImportedCheck.published, ImportedCheck.publisher, ImportedCheck.url)
        .order_by(col(ImportedCheck.id))).all()
    found += [MatchCandidate(source=IMPORTED, text=row.claim_reviewed,
                             rating=row.rating or None, published=row.published,
                             publisher=row.publisher or None, url=row.url,
                             article_id=None) for row in imported]
    # The headline is matched too (it often words the claim differently): tuned on
    # CheckThat! train, claim + title scored 0.80 MAP@5 against 0.76 for the claim alone.
    headlines = [""] * len(own) + [row.headline for row in imported]
    return found, headlines


def _index(session: Session) -> _Cached:
    key = str(session.get_bind().url)
    stamp = _stamp(session)
    cached = _CACHE.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.stamp == stamp:
            return cached
        candidates, headlines = _candidates(session)
        texts = [f"{c.text} {h}" if h else c.text
                 for c, h in zip(candidates, headlines, strict=True)]
        built = _Cached(
            stamp=stamp, index=MatchIndex(texts), candidates=candidates,
            imported=np.array([c.source == IMPORTED for c in candidates], dtype=bool),
            articles=np.array([c.article_id or 0 for c in candidates], dtype=np.int64))
        _CACHE[key] = built
        return built


def forget_index(_values: Any = None) -> None:
    """Drop this process's indexes (after a commit that published or imported checks)."""
    with _LOCK:
        _CACHE.clear()


def find_matches(session: Session, *, text: str, limit: int = 5, include_imported: bool = True,
                 exclude_article: int | None = None) -> list[Match]:
    """The checks closest to `text`, best first (at most `limit`, above the engine's floor).

    `exclude_article` leaves out the desk's own checks from that article (a claim is not
    matched against itself or its neighbours).
    """
    cached = _index(session)
    allowed = np.ones(cached.index.size, dtype=bool)
    if not include_imported:
        allowed &= ~cached.imported
    if exclude_article is not None:
        allowed &= cached.articles != exclude_article
    return [Match(cached.candidates[hit.index], hit.score)
            for hit in cached.index.search(text, limit=limit, allowed=allowed)]


def ranked_matches(session: Session, *, text: str, limit: int = 5,
                   include_imported: bool = True,
                   exclude_article: int | None = None) -> list[Match]:
    """`find_matches` with a changed figure ranked lower (`adjusted_score`), best first."""
    # A wider pool than asked: a penalised candidate makes room for the next one.
    pool = find_matches(session, text=text, limit=max(limit * 2, limit + 5),
                        include_imported=include_imported, exclude_article=exclude_article)
    adjusted = [Match(hit.candidate, adjusted_score(hit.score, text, hit.candidate.text))
                for hit in pool]
    adjusted.sort(key=lambda hit: -hit.score)  # stable: the engine's order among equals
    return [hit for hit in adjusted if hit.score >= MIN_SCORE][:limit]
