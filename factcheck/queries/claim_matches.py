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
    # Dismissed own rows are read too: the check they name stays dismissed for the claim
    # when it is matched again under another number.
    rows = session.exec(
        select(ClaimMatch).where(col(ClaimMatch.claim_id).in_(ids),
                                 col(ClaimMatch.source).in_(sources),
                                 (ClaimMatch.status != MatchStatus.DISMISSED)
                                 | (ClaimMatch.source == MatchSource.OWN))
        .order_by(ClaimMatch.claim_id, col(ClaimMatch.score).desc(), ClaimMatch.id)).all()
    own = [r for r in rows if r.source == MatchSource.OWN]
    live = _LiveChecks(session, own)
    dismissed = {(r.claim_id, check.claim_id or check.claim_number) for r in own
                 if r.status == MatchStatus.DISMISSED and (check := live.of(r)) is not None}
    still_open = _open_claims(session, {r.matched_claim_id for r in rows
                                        if r.source == MatchSource.OPEN})
    found: dict[int, ClaimMatches] = {claim_id: ClaimMatches() for claim_id in ids}
    shown_checks: dict[tuple[int, object], ClaimMatch] = {}
    for row in rows:
        shown = found[row.claim_id]
        if row.status == MatchStatus.DISMISSED:
            continue
        if row.source == MatchSource.OPEN:
            if row.matched_claim_id in still_open and len(shown.open_work) < SHOWN:
                shown.open_work.append(row)
        elif len(shown.earlier) >= SHOWN:
            continue
        elif row.source == MatchSource.IMPORTED:
            shown.earlier.append(row)
        elif (check := live.of(row)) is not None:
            key = (row.claim_id, check.claim_id or check.claim_number)
            if key in dismissed:
                continue
            now = _as_now(row, check, copy=True)
            # A check matched again under another number is shown once, with the
            # editor's answer if one of the two rows has it.
            twin = shown_checks.get(key)
            if twin is None:
                shown.earlier.append(now)
                shown_checks[key] = now
            elif twin.status == MatchStatus.SUGGESTED and now.status != MatchStatus.SUGGESTED:
                shown.earlier[shown.earlier.index(twin)] = now
                shown_checks[key] = now
    return found


class _LiveChecks:
    """The desk's own checks as readers see them now (the search index's decided rows of
    live publications), for the own matches among `rows` (one query).

    A match names its check by the published claim's id: its wording may be corrected and
    its number may change when a claim is taken out or added on republishing. A match
    stored before the claim ids were kept (migration 0032 could not tell) names it by its
    wording, at its number or else anywhere in the article.
    """

    def __init__(self, session: Session, rows: list[ClaimMatch]) -> None:
        articles = sorted({r.matched_article_id for r in rows
                           if r.matched_article_id is not None})
        self.by_article: dict[int, list[sa.Row]] = {}
        self.by_claim: dict[int, sa.Row] = {}
        if not articles:
            return
        for row in session.execute(
                sa.select(entries.c.article_id, entries.c.claim_number, entries.c.claim_id,
                          entries.c.claim_text, entries.c.verdict, entries.c.published_on,
                          entries.c.slug)
                .where(entries.c.article_id.in_(articles), entries.c.decided.is_(True))
                .order_by(entries.c.claim_number)):
            self.by_article.setdefault(row.article_id, []).append(row)
            if row.claim_id is not None:
                self.by_claim[row.claim_id] = row

    def of(self, match: ClaimMatch) -> sa.Row | None:
        """The check `match` names, as it is now, or None (withdrawn, undecided, gone)."""
        if match.matched_claim_id is not None:
            found = self.by_claim.get(match.matched_claim_id)
            return found if found is not None and found.article_id == match.matched_article_id \
                else None
        same = [c for c in self.by_article.get(match.matched_article_id, [])
                if c.claim_text == match.text]
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
                                 col(ClaimMatch.matched_article_id) != article_id,
                                 (col(ClaimMatch.score) >= ALSO_CHECKED)
                                 | (ClaimMatch.status == MatchStatus.DISMISSED))
        .order_by(ClaimMatch.claim_id, col(ClaimMatch.score).desc(), ClaimMatch.id)).all()
    live = _LiveChecks(session, list(rows))
    checks = [(row, live.of(row)) for row in rows]
    dismissed = {(row.claim_id, check.claim_id or check.claim_number) for row, check in checks
                 if check is not None and row.status == MatchStatus.DISMISSED}
    found: dict[int, list[AlsoChecked]] = {}
    for row, check in checks:
        shown = found.setdefault(row.claim_id, [])
        if check is None or row.status == MatchStatus.DISMISSED or len(shown) >= ALSO_SHOWN \
                or (row.claim_id, check.claim_id or check.claim_number) in dismissed:
            continue
        link = AlsoChecked(text=check.claim_text, slug=check.slug, number=check.claim_number,
                           rating=check.verdict or "")
        if link not in shown:  # a check matched again under another number: once
            shown.append(link)
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
