"""What the desk's pages show of a claim's stored matches (written by the matching job).

Earlier checks come best first, at most `SHOWN` per claim, never dismissed ones; the
desk's own are shown only while their article is still published and the claim decided
there (a withdrawn check is no longer a check, and nothing unpublished reaches a reviewer
this way), with the wording and verdict readers see now (a correction changes them after
the match was stored). Open work (the
same claim in another unpublished article) is listed apart, for editors only, while the
other claim is still open and not dismissed. A fixed number of queries for any number
of claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ..engine.match_numbers import adjusted_scores
from ..models import Article, Claim, ClaimMatch, Job
from ..states import ArticleStatus, ClaimStatus, JobStatus, MatchSource, MatchStatus
from .matching import find_matches
from .search_tables import entries

SHOWN = 5
MATCHING = "claims.match"  # the matching job's kind; its keys start "claims.match:<article>:"
_OPEN = (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW)


@dataclass
class ClaimMatches:
    """The matches one claim shows: earlier checks and the same claim in open work."""

    earlier: list[ClaimMatch] = field(default_factory=list)
    open_work: list[ClaimMatch] = field(default_factory=list)


def percent(score: float) -> int:
    """A similarity score (0..1) as a whole percentage, for people to read."""
    return max(0, min(100, round(score * 100)))


def matches_of_claims(session: Session, claim_ids: Iterable[int], *,
                      open_work: bool) -> dict[int, ClaimMatches]:
    """Claim id -> its matches as pages show them (`open_work`: editors' pages only)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    sources = [MatchSource.OWN, MatchSource.IMPORTED] + ([MatchSource.OPEN] if open_work
                                                         else [])
    rows = session.exec(
        select(ClaimMatch).where(col(ClaimMatch.claim_id).in_(ids),
                                 col(ClaimMatch.source).in_(sources),
                                 ClaimMatch.status != MatchStatus.DISMISSED)
        .order_by(ClaimMatch.claim_id, col(ClaimMatch.score).desc(), ClaimMatch.id)).all()
    live = _LiveChecks(session, [r for r in rows if r.source == MatchSource.OWN])
    still_open = _open_claims(session, {r.matched_claim_id for r in rows
                                        if r.source == MatchSource.OPEN})
    found: dict[int, ClaimMatches] = {claim_id: ClaimMatches() for claim_id in ids}
    for row in rows:
        shown = found[row.claim_id]
        if row.source == MatchSource.OPEN:
            if row.matched_claim_id in still_open and len(shown.open_work) < SHOWN:
                shown.open_work.append(row)
        elif len(shown.earlier) >= SHOWN:
            continue
        elif row.source == MatchSource.IMPORTED:
            shown.earlier.append(row)
        elif (check := live.of(row)) is not None:
            now = _as_now(row, check, copy=True)
            # A renumbered check may be matched again under its new number: shown once,
            # with the editor's answer if one of the two has it.
            twin = next((m for m in shown.earlier if m.source == MatchSource.OWN
                         and (m.matched_article_id, m.claim_number)
                         == (now.matched_article_id, now.claim_number)), None)
            if twin is None:
                shown.earlier.append(now)
            elif twin.status == MatchStatus.SUGGESTED and now.status != MatchStatus.SUGGESTED:
                shown.earlier[shown.earlier.index(twin)] = now
    return found


class _LiveChecks:
    """The desk's own checks as readers see them now (the search index's decided rows of
    live publications), for the own matches among `rows` (one query).

    A match names its check by article and claim number, the number readers see; a claim
    added or removed on republishing renumbers the others, so the check is the row with
    the matched wording, at its number or elsewhere in the article; at its number only
    when that is where the wording was matched. A check whose wording changed since is
    not shown (nothing says it is still the same claim) until matching runs again.
    """

    def __init__(self, session: Session, rows: list[ClaimMatch]) -> None:
        articles = sorted({r.matched_article_id for r in rows
                           if r.matched_article_id is not None and r.claim_number is not None})
        self.by_article: dict[int, list[sa.Row]] = {}
        if not articles:
            return
        for row in session.execute(
                sa.select(entries.c.article_id, entries.c.claim_number, entries.c.claim_text,
                          entries.c.verdict, entries.c.published_on, entries.c.slug)
                .where(entries.c.article_id.in_(articles), entries.c.decided.is_(True))
                .order_by(entries.c.claim_number)):
            self.by_article.setdefault(row.article_id, []).append(row)

    def of(self, match: ClaimMatch) -> sa.Row | None:
        """The check `match` names, as it is now, or None (withdrawn, undecided, reworded)."""
        checks = self.by_article.get(match.matched_article_id, [])
        same = [c for c in checks if c.claim_text == match.text]
        return next((c for c in same if c.claim_number == match.claim_number),
                    same[0] if same else None)


def _as_now(row: ClaimMatch, check: sa.Row, *, copy: bool) -> ClaimMatch:
    """The match with the checked wording, verdict and page its check has now; `copy`:
    a copy outside the session (a page must not write), else the stored row updated."""
    now = {"text": check.claim_text, "rating": check.verdict or "",
           "published": check.published_on, "slug": check.slug,
           "claim_number": check.claim_number}
    if copy:
        return ClaimMatch(**(row.model_dump() | now))
    for name, value in now.items():
        setattr(row, name, value)
    return row


def _open_claims(session: Session, ids: set[int | None]) -> set[int]:
    ids.discard(None)
    if not ids:
        return set()
    return set(session.exec(
        select(Claim.id).join(Article, col(Article.id) == Claim.article_id)
        .where(col(Claim.id).in_(sorted(ids)), col(Article.status).in_(_OPEN),
               Claim.status != ClaimStatus.DISMISSED)).all())


def match_of_claim(session: Session, *, claim_id: int, match_id: int) -> ClaimMatch | None:
    """The match `match_id` if it belongs to claim `claim_id` and pages show it, the desk's
    own check as it is now (else None: a 404; a withdrawn check cannot be marked or cited)."""
    found = session.get(ClaimMatch, match_id)
    if found is None or found.claim_id != claim_id:
        return None
    if found.source != MatchSource.OWN:
        return found
    check = _LiveChecks(session, [found]).of(found)
    return None if check is None else _as_now(found, check, copy=False)


ALSO_CHECKED = 0.5  # from this score a published check of the desk is linked for readers
ALSO_SHOWN = 3


@dataclass(frozen=True)
class AlsoChecked:
    """A published check of the desk close to a claim of a verdict page, for readers."""

    text: str
    slug: str
    number: int
    rating: str


def also_checked(session: Session, claim_ids: Iterable[int], *,
                 article_id: int) -> dict[int, list[AlsoChecked]]:
    """Claim id -> the desk's own published checks it matches closely (stored by the
    matching job; never imported checks, never dismissed suggestions), best first."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(ClaimMatch).where(col(ClaimMatch.claim_id).in_(ids),
                                 ClaimMatch.source == MatchSource.OWN,
                                 ClaimMatch.status != MatchStatus.DISMISSED,
                                 col(ClaimMatch.score) >= ALSO_CHECKED)
        .order_by(ClaimMatch.claim_id, col(ClaimMatch.score).desc(), ClaimMatch.id)).all()
    live = _LiveChecks(session, [r for r in rows if r.matched_article_id != article_id])
    found: dict[int, list[AlsoChecked]] = {}
    for row in rows:
        shown = found.setdefault(row.claim_id, [])
        check = live.of(row) if row.matched_article_id != article_id else None
        if check is not None and len(shown) < ALSO_SHOWN and not any(
                (other.slug, other.number) == (check.slug, check.claim_number)
                for other in shown):
            shown.append(AlsoChecked(text=check.claim_text, slug=check.slug,
                                     number=check.claim_number, rating=check.verdict or ""))
    return found


SIMILAR_FLOOR = 0.265  # a reader's sentence: looser than the desk's suggestions (0.2 on
# the word model alone; with the character n-grams 0.22, with the meaning 0.25 and with
# the coverage 0.265 let as many of train's wrong candidates through as before each)


@dataclass(frozen=True)
class SimilarClaim:
    """A published claim of the desk like a reader's sentence, and how like it (0..100)."""

    text: str
    rating: str | None
    slug: str
    number: int
    published: date | None
    percent: int


def similar_claims(session: Session, *, text: str, limit: int) -> list[SimilarClaim]:
    """The desk's own published claims most like `text`, best first (never imported
    checks: readers see only this desk's verdicts), a changed figure ranked lower."""
    found = []
    matches = find_matches(session, text=text, limit=limit * 2, include_imported=False)
    scores = adjusted_scores(text, [(match.score, match.candidate.text) for match in matches],
                             shown_from=SIMILAR_FLOOR)
    for match, score in zip(matches, scores, strict=True):
        candidate = match.candidate
        if score >= SIMILAR_FLOOR and candidate.slug and candidate.claim_number:
            found.append((score, SimilarClaim(
                text=candidate.text, rating=candidate.rating, slug=candidate.slug,
                number=candidate.claim_number, published=candidate.published,
                percent=percent(score))))
    found.sort(key=lambda pair: -pair[0])  # stable: the engine's order among equals
    return [hit for _score, hit in found[:limit]]


def matching_key_prefix(article_id: int) -> str:
    """How the keys of an article's matching jobs begin (what `matching_pending` looks for)."""
    return f"{MATCHING}:{article_id}:"


def matching_pending(session: Session, article_id: int) -> bool:
    """Whether a matching job of the article is still waiting or running (the board says
    so, instead of showing no matches as if none were found)."""
    return session.exec(select(Job.id).where(
        col(Job.status).in_([JobStatus.PENDING, JobStatus.RUNNING]),
        col(Job.key).startswith(matching_key_prefix(article_id), autoescape=True))
    ).first() is not None
