"""Checks already made that match a claim: the desk's own published verdicts and imported
ClaimReviews, best first (scoring: `factcheck.engine.matching`).

Candidates:
- own: every *decided* claim of a live publication (the search index's rows, so only what
  readers can see), with its verdict name, verdict page (slug and claim number) and the
  date the check was first published;
- imported: every row of `imported_checks` (its `claimReviewed` and headline are matched).

Both are found through the matching index kept in the database (`match_index`, written in
the same transaction as each publication and import), so every process and server sees a
publication or an import as soon as it is committed, and nothing is built per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from ..engine.match_numbers import adjusted_scores
from ..engine.matching import MIN_SCORE
from ..models import ImportedCheck
from .match_index import search_index
from .match_tables import IMPORTED, OWN
from .search_tables import entries


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
    claim_id: int | None = None  # own only: the published claim


@dataclass(frozen=True)
class Match:
    candidate: MatchCandidate
    score: float


def _candidates(session: Session, entry_ids: list[int],
                imported_ids: list[int]) -> dict[tuple[str, int], MatchCandidate]:
    """The matched checks as the answer shows them, by (source, row id)."""
    found: dict[tuple[str, int], MatchCandidate] = {}
    if entry_ids:
        for row in session.execute(
                sa.select(entries.c.id, entries.c.claim_text, entries.c.verdict,
                          entries.c.published_on, entries.c.slug, entries.c.claim_number,
                          entries.c.article_id, entries.c.claim_id)
                .where(entries.c.id.in_(entry_ids))):
            found[OWN, row.id] = MatchCandidate(
                source=OWN, text=row.claim_text, rating=row.verdict,
                published=row.published_on, publisher=None, url=None, slug=row.slug,
                claim_number=row.claim_number, article_id=row.article_id,
                claim_id=row.claim_id)
    if imported_ids:
        for row in session.execute(
                sa.select(ImportedCheck.id, ImportedCheck.claim_reviewed, ImportedCheck.rating,
                          ImportedCheck.published, ImportedCheck.publisher, ImportedCheck.url)
                .where(col(ImportedCheck.id).in_(imported_ids))):
            found[IMPORTED, row.id] = MatchCandidate(
                source=IMPORTED, text=row.claim_reviewed, rating=row.rating or None,
                published=row.published, publisher=row.publisher or None, url=row.url)
    return found


def find_matches(session: Session, *, text: str, limit: int = 5, include_imported: bool = True,
                 exclude_article: int | None = None) -> list[Match]:
    """The checks closest to `text`, best first (at most `limit`, above the engine's floor).

    `exclude_article` leaves out the desk's own checks from that article (a claim is not
    matched against itself or its neighbours).
    """
    hits = search_index(session, text, limit=limit, include_imported=include_imported,
                        exclude_article=exclude_article)
    found = _candidates(session, [h.entry_id for h in hits if h.entry_id is not None],
                        [h.imported_check_id for h in hits if h.imported_check_id is not None])
    matches = []
    for hit in hits:
        key = (OWN, hit.entry_id) if hit.source == OWN else (IMPORTED, hit.imported_check_id)
        if key in found:
            matches.append(Match(found[key], hit.score))
    return matches


def ranked_matches(session: Session, *, text: str, limit: int = 5,
                   include_imported: bool = True,
                   exclude_article: int | None = None) -> list[Match]:
    """`find_matches` with a changed figure ranked lower (`adjusted_scores`), best first."""
    # A wider pool than asked: a penalised candidate makes room for the next one.
    pool = find_matches(session, text=text, limit=max(limit * 2, limit + 5),
                        include_imported=include_imported, exclude_article=exclude_article)
    scores = adjusted_scores(text, [(hit.score, hit.candidate.text) for hit in pool],
                             shown_from=MIN_SCORE)
    adjusted = [Match(hit.candidate, score) for hit, score in zip(pool, scores, strict=True)]
    adjusted.sort(key=lambda hit: -hit.score)  # stable: the engine's order among equals
    return [hit for hit in adjusted if hit.score >= MIN_SCORE][:limit]
