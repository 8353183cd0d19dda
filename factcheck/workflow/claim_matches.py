"""The desk's matches: earlier checks (own and imported) and other open work, per claim.

Matching runs as a background job, asked for when an article is imported and when a claim
is reworded (`request_matching`), so the import does not wait for it and pages only read
the stored rows. For each claim of the article that is not dismissed, the job keeps:

- up to `MAX_MATCHES` earlier checks scoring at least `SUGGEST_THRESHOLD` (the desk's own
  published verdicts from other articles, and imported ClaimReviews), re-ranked so that a
  text stating other figures falls below a faithful paraphrase;
- the claims of other open (unpublished) articles scoring at least `OPEN_THRESHOLD` (the
  same claim in two articles being checked at once), written on both claims.

A run replaces the claim's *suggested* rows; what an editor decided (the same claim,
dismissed) is kept, so a dismissed suggestion never comes back. The editor's decisions
are audited; citing a match adds an evidence item for the reviewers.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..engine.match_numbers import adjusted_scores, numbers_differ
from ..engine.matching import SAME_CLAIM, MatchIndex
from ..i18n import _
from ..models import Article, Claim, ClaimMatch, Evidence, ImportedCheck, User
from ..queries.claim_matches import MATCHING, matching_key_prefix
from ..queries.matching import OWN, find_matches
from ..states import ArticleStatus, ClaimStatus, MatchSource, MatchStatus, Role, Stance
from .audit import record_audit
from .errors import WorkflowError
from .jobs import enqueue, handler

KIND = MATCHING
MAX_MATCHES = 5
SUGGEST_THRESHOLD = SAME_CLAIM  # score 0..1: below it earlier checks are rarely the same claim
# (0.3 on the word model alone; the word + character blend scores wrong candidates about
# 0.03 higher at this level, measured on CheckThat! train: the same share is kept out)
OPEN_THRESHOLD = 0.6  # two open articles' claims this close are taken for the same claim
_POOL = 20  # candidates read before the figures re-rank them
OPEN_ARTICLES = (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW)
NOTE_LENGTH = 2000


@dataclass
class _Settings:
    """Whether imports and rewordings ask for matching (the app's CLAIM_MATCHING)."""

    enabled: Callable[[], bool] = field(default=lambda: True)


SETTINGS = _Settings()


def configure_matching(*, enabled: Callable[[], bool]) -> None:
    """Set where the workflow reads whether matching jobs are asked for."""
    SETTINGS.enabled = enabled


def request_matching(session: Session, *, article: Article | None = None,
                     claim: Claim | None = None) -> None:
    """Ask for the article's (or one claim's) matches, computed after the commit."""
    if not SETTINGS.enabled():
        return
    # Keyed by article, so that its board can say that matching is still under way.
    nonce = secrets.token_hex(6)
    if claim is not None:
        enqueue(session, KIND, {"claim_id": claim.id}, max_attempts=3,
                key=f"{matching_key_prefix(claim.article_id)}c{claim.id}:{nonce}")
    elif article is not None:
        enqueue(session, KIND, {"article_id": article.id}, max_attempts=3,
                key=f"{matching_key_prefix(article.id)}{nonce}")


@dataclass(frozen=True)
class _Found:
    key: str
    source: MatchSource
    score: float
    values: dict[str, Any]


def _earlier_checks(session: Session, claim: Claim) -> list[_Found]:
    hits = find_matches(session, text=claim.text, limit=_POOL, include_imported=True,
                        exclude_article=claim.article_id)
    urls = [hit.candidate.url for hit in hits if hit.candidate.source != OWN]
    ids = dict(session.exec(select(ImportedCheck.url, ImportedCheck.id)
                            .where(col(ImportedCheck.url).in_(urls))).all()) if urls else {}
    found = []
    scores = adjusted_scores(claim.text, [(hit.score, hit.candidate.text) for hit in hits],
                             shown_from=SUGGEST_THRESHOLD)
    for hit, score in zip(hits, scores, strict=True):
        candidate = hit.candidate
        if score < SUGGEST_THRESHOLD:
            continue
        values = {"text": candidate.text, "rating": candidate.rating or "",
                  "published": candidate.published}
        if candidate.source == OWN:
            key = f"own:{candidate.article_id}:{candidate.claim_number}"
            values |= {"matched_article_id": candidate.article_id, "slug": candidate.slug or "",
                       "claim_number": candidate.claim_number,
                       "matched_claim_id": candidate.claim_id}
            source = MatchSource.OWN
        elif candidate.url in ids:
            key, source = f"imported:{ids[candidate.url]}", MatchSource.IMPORTED
            values |= {"publisher": candidate.publisher or "", "url": candidate.url or "",
                       "imported_check_id": ids[candidate.url]}
        else:
            continue  # deleted since the index was built
        found.append(_Found(key=key, source=source, score=score, values=values))
    found.sort(key=lambda f: -f.score)  # stable: the engine's order among equals
    return found[:MAX_MATCHES]


def _open_claims(session: Session, article_id: int) -> list[tuple[int, str, int]]:
    return list(session.exec(
        select(Claim.id, Claim.text, Claim.article_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .where(col(Article.status).in_(OPEN_ARTICLES), Claim.article_id != article_id,
               Claim.status != ClaimStatus.DISMISSED)
        .order_by(Claim.id)).all())


def _open_work(claims: list[Claim], others: list[tuple[int, str, int]]
               ) -> dict[int, list[_Found]]:
    if not others:
        return {}
    index = MatchIndex([text for _id, text, _article in others])
    found: dict[int, list[_Found]] = {}
    for claim in claims:
        hits = []
        for hit in index.search(claim.text, limit=MAX_MATCHES, min_score=OPEN_THRESHOLD):
            other_id, text, article_id = others[hit.index]
            if numbers_differ(claim.text, text):
                continue
            hits.append(_Found(key=f"open:{other_id}", source=MatchSource.OPEN,
                               score=hit.score,
                               values={"text": text, "matched_claim_id": other_id,
                                       "matched_article_id": article_id}))
        found[claim.id] = hits
    return found


def _store(session: Session, claim: Claim, found: list[_Found],
           existing: dict[str, ClaimMatch]) -> list[int]:
    """Make `found` the claim's suggestions among `existing` (its rows of the same
    sources, by key); decided rows stay as they are. The ids of rows to delete."""
    keys = set()
    for item in found:
        keys.add(item.key)
        row = existing.get(item.key)
        if row is None:
            row = ClaimMatch(claim_id=claim.id, key=item.key, source=item.source)
        elif row.status != MatchStatus.SUGGESTED:
            # The figure shown follows the current wording (and the page's version with it).
            if row.score != item.score:
                row.score, row.matched_at = item.score, utcnow()
            if row.matched_claim_id is None and "matched_claim_id" in item.values:
                row.matched_claim_id = item.values["matched_claim_id"]
            session.add(row)
            continue
        for name, value in item.values.items():
            setattr(row, name, value)
        row.score, row.matched_at = item.score, utcnow()
        session.add(row)
    return [m.id for key, m in existing.items()
            if key not in keys and m.status == MatchStatus.SUGGESTED]


def _mirror_open(session: Session, claim: Claim, found: list[_Found],
                 rows: dict[int, ClaimMatch]) -> list[int]:
    """Write each open-work match on the other claim too (`rows`: the other claims' rows
    naming this one, by claim id). The ids of those no longer found, to delete."""
    key = f"open:{claim.id}"
    matched = {item.values["matched_claim_id"]: item for item in found}
    for other_id, item in matched.items():
        row = rows.get(other_id) or ClaimMatch(claim_id=other_id, key=key,
                                               source=MatchSource.OPEN)
        if row.status == MatchStatus.SUGGESTED:
            row.text, row.matched_claim_id = claim.text, claim.id
            row.matched_article_id = claim.article_id
            row.score, row.matched_at = item.score, utcnow()
        session.add(row)
    return [m.id for other_id, m in rows.items()
            if other_id not in matched and m.status == MatchStatus.SUGGESTED]


def match_claims(session: Session, claims: list[Claim]) -> int:
    """Compute and store the matches of `claims` (all of one article); how many are kept.

    Flushes only. Everything is read and scored before the first write, so that on SQLite
    the write lock is held only for the writes; the rows already stored are read in two
    queries whatever the number of claims.
    """
    claims = [c for c in claims if c.status != ClaimStatus.DISMISSED and c.text.strip()]
    if not claims:
        return 0
    earlier = {claim.id: _earlier_checks(session, claim) for claim in claims}
    article_id = claims[0].article_id
    article = session.get(Article, article_id)
    is_open = article is not None and article.status in OPEN_ARTICLES
    open_work = _open_work(claims, _open_claims(session, article_id)) if is_open else {}
    ids = [claim.id for claim in claims]
    stored: dict[tuple[int, bool], dict[str, ClaimMatch]] = {}
    for row in session.exec(select(ClaimMatch).where(col(ClaimMatch.claim_id).in_(ids))):
        stored.setdefault((row.claim_id, row.source == MatchSource.OPEN), {})[row.key] = row
    mirrors: dict[str, dict[int, ClaimMatch]] = {}
    if is_open:
        for row in session.exec(select(ClaimMatch).where(
                col(ClaimMatch.key).in_([f"open:{i}" for i in ids]))):
            mirrors.setdefault(row.key, {})[row.claim_id] = row
    stale: list[int] = []
    kept = 0
    for claim in claims:
        stale += _store(session, claim, earlier[claim.id], stored.get((claim.id, False), {}))
        if is_open:
            found = open_work.get(claim.id, [])
            stale += _store(session, claim, found, stored.get((claim.id, True), {}))
            stale += _mirror_open(session, claim, found, mirrors.get(f"open:{claim.id}", {}))
        kept += len(earlier[claim.id]) + len(open_work.get(claim.id, []))
    session.flush()
    for start in range(0, len(stale), 500):
        session.exec(delete(ClaimMatch).where(col(ClaimMatch.id).in_(stale[start:start + 500])))
    return kept


@handler(KIND)
def run_matching(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Match one claim or every claim of one article (idempotent: rows are replaced)."""
    if payload.get("claim_id") is not None:
        claim = session.get(Claim, payload["claim_id"])
        claims = [claim] if claim is not None else []
    else:
        claims = list(session.exec(select(Claim).where(
            Claim.article_id == payload.get("article_id")).order_by(Claim.id)).all())
    if not claims:
        return {"skipped": "gone"}
    return {"claims": len(claims), "matches": match_claims(session, claims)}


def _check_editor(session: Session, *, match: ClaimMatch, claim: Claim, actor: User) -> None:
    from .assignments import require_claim_access  # (assignments -> claims imports us)

    if match.claim_id != claim.id:
        raise WorkflowError(_("This match belongs to another claim."), code="not_found")
    if not actor.role.at_least(Role.EDITOR):
        raise WorkflowError(_("Only editors decide about matches."), code="forbidden")
    require_claim_access(session, claim=claim, user=actor)  # an editor recused: refused


def mark_same(session: Session, *, match: ClaimMatch, claim: Claim, actor: User) -> None:
    """Record that the earlier check is the same claim (it may then be cited)."""
    _check_editor(session, match=match, claim=claim, actor=actor)
    if match.source == MatchSource.OPEN:
        raise WorkflowError(_("Only an earlier check can be marked as the same claim."),
                            code="conflict")
    if match.status == MatchStatus.SAME:
        return
    match.status, match.decided_by_id, match.decided_at = (
        MatchStatus.SAME, actor.id, utcnow())
    session.add(match)
    record_audit(session, actor=actor, action="claim.match_same", obj=claim,
                 match=match.id, key=match.key, score=match.score)


def dismiss_match(session: Session, *, match: ClaimMatch, claim: Claim, actor: User) -> None:
    """Set the suggestion aside: it is not shown again, whatever later runs find."""
    _check_editor(session, match=match, claim=claim, actor=actor)
    if match.evidence_id is not None:
        raise WorkflowError(_("This match is cited as evidence; remove the source first."),
                            code="conflict")
    if match.status == MatchStatus.DISMISSED:
        return
    match.status, match.decided_by_id, match.decided_at = (
        MatchStatus.DISMISSED, actor.id, utcnow())
    session.add(match)
    record_audit(session, actor=actor, action="claim.match_dismiss", obj=claim,
                 match=match.id, key=match.key)


# Checked in this order: "untrue" and "نادرست" hold a supporting word.
_REFUTING = ("false", "untrue", "not true", "fake", "incorrect", "wrong", "pants on fire",
             "fabricated", "hoax", "misleading", "غلط", "نادرست", "دروغ")
_SUPPORTING = ("true", "correct", "accurate", "درست", "صحیح")


def stance_for_rating(rating: str) -> Stance:
    """The stance an earlier check of the same claim takes, read from its verdict's name."""
    words = " ".join(rating.casefold().split())
    if any(word in words for word in _REFUTING):
        return Stance.REFUTES
    if any(word in words for word in _SUPPORTING) and "half" not in words:
        return Stance.SUPPORTS
    return Stance.CONTEXT


def cite_match(session: Session, *, match: ClaimMatch, claim: Claim, actor: User, url: str,
               publisher: str, stance: Stance, note: str) -> Evidence:
    """Add the earlier check as evidence on the claim, for its reviewers (once)."""
    from .evidence import add_evidence  # (evidence -> assignments -> claims imports us)

    _check_editor(session, match=match, claim=claim, actor=actor)
    if match.status != MatchStatus.SAME:
        raise WorkflowError(_("Mark the match as the same claim before citing it."),
                            code="conflict")
    if match.evidence_id is not None:
        raise WorkflowError(_("This match is already cited as evidence."), code="conflict")
    evidence = add_evidence(session, claim=claim, actor=actor, url=url,
                            title=match.text[:300], publisher=publisher[:200],
                            published_on=match.published, quote="", stance=stance,
                            note=note[:NOTE_LENGTH], archive_url=None)
    match.evidence_id = evidence.id
    session.add(match)
    record_audit(session, actor=actor, action="claim.match_cite", obj=claim,
                 match=match.id, evidence=evidence.id)
    return evidence


def suggested_note(match: ClaimMatch, *, publisher: str) -> str:
    """The note an editor is offered when citing the match."""
    return _("An earlier fact-check of the same claim ({publisher}, {date}): “{text}” — "
             "verdict: {rating}.", publisher=publisher or "?",
             date=match.published.isoformat() if match.published else "?",
             text=match.text, rating=match.rating or "?")
