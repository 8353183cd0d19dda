"""Articles: intake of the text exactly as received, splitting, and later revisions."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..engine.slugs import make_slug, with_suffix
from ..engine.splitting import CandidateClaim, split_claims
from ..engine.splitting.language import detect_language
from ..i18n import _
from ..models import Article, ArticleRevision, Claim, User
from ..states import ArticleStatus, ClaimStatus
from .audit import record_audit
from .claim_matches import request_matching
from .claimants import link_article_claimants
from .errors import WorkflowError

DEFAULT_MAX_BYTES = 1_000_000
# A text can change only while its claims are still being triaged.
_REVISABLE = (ClaimStatus.CANDIDATE, ClaimStatus.SELECTED, ClaimStatus.DISMISSED,
              ClaimStatus.NEEDS_REANCHOR)
_SLUG_MAX = 80


def normalise_text(text: str) -> str:
    """Normalise line endings to \\n; everything else is kept verbatim."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def slugify(title: str) -> str:
    """A URL slug of `title`'s words in any script (letters, digits, hyphens)."""
    return make_slug(title, fallback="article", max_length=_SLUG_MAX)


def unique_slug(session: Session, title: str) -> str:
    """`slugify(title)`, suffixed with -2, -3, ... until no article uses it."""
    base = slugify(title)
    taken = set(session.exec(select(Article.slug).where(Article.slug.startswith(base))).all())
    return with_suffix(base, taken)


def _fit(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


# A second identical import by the same person within this time is the form sent twice;
# later, or by someone else, it is a deliberate re-import (wire copy, a fresh check).
REPEAT_WINDOW = timedelta(minutes=10)
_RECENT = 20


def _just_imported(session: Session, *, title: str, body: str, actor: User | None) -> bool:
    recent = select(Article.id).order_by(col(Article.id).desc()).limit(_RECENT)
    query = select(Article.id).where(
        col(Article.id).in_(recent.scalar_subquery()), Article.title == title,
        Article.created_by_id == (actor.id if actor else None),
        Article.created_at >= utcnow() - REPEAT_WINDOW, Article.body == body)
    return session.exec(query).first() is not None


def create_article(
    session: Session,
    *,
    title: str,
    body: str,
    actor: User | None,
    source_url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_on: date | None = None,
    language: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Store a new article with its text verbatim (line endings normalised)."""
    body = normalise_text(body)
    if not body.strip():
        raise WorkflowError(_("The article text is empty."), field="body")
    size = len(body.encode("utf-8"))
    if size > max_bytes:
        raise WorkflowError(
            _(
                "The article text is {size:,} bytes; the limit is {limit:,} bytes.",
                size=size,
                limit=max_bytes,
            ),
            field="body",
        )
    title = title.strip()
    if not title:
        raise WorkflowError(_("The article needs a title."), field="title")
    if source_url and not source_url.lower().startswith(("http://", "https://")):
        raise WorkflowError(_("Use an http:// or https:// address."), field="source_url")
    if source_url and len(source_url) > 2048:
        raise WorkflowError(_("The address is too long."), field="source_url")
    # Metadata taken from web pages can be longer than our columns: keep what fits.
    title, outlet, author = _fit(title, 300), _fit(outlet, 200), _fit(author, 200)
    if _just_imported(session, title=title, body=body, actor=actor):
        raise WorkflowError(_("You imported this article, with this title and text, a moment "
                              "ago; it is already on the list."), code="conflict")
    language = language or detect_language(body)
    article = Article(
        title=title,
        body=body,
        source_url=source_url or None,
        outlet=outlet or None,
        author=author or None,
        published_on=published_on,
        language=language or None,
        slug=unique_slug(session, title),
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(article)
    session.flush()
    record_audit(session, actor=actor, action="article.create", obj=article, bytes=size)
    return article


def _claim_values(article: Article, candidate: CandidateClaim, position: int,
                  parent_id: int | None = None) -> dict:
    return {
        "parent_id": parent_id,
        "origin": candidate.origin,
        "article_id": article.id,
        "position": position,
        "start": candidate.start,
        "end": candidate.end,
        "text": candidate.text,
        "kind": candidate.kind,
        "score": round(candidate.score, 4),
        "claimant": candidate.claimant,
        "short_claim": candidate.short_claim,
        "features": {k: round(v, 4) for k, v in candidate.features.items()},
        **claim_parts(candidate),
    }


def claim_parts(candidate: CandidateClaim) -> dict:
    """The claim columns of a candidate's parts: the claimant's span and the content's."""
    claimant, content = candidate.claimant_span, candidate.content_span
    return {
        "claimant_start": claimant.start if claimant else None,
        "claimant_end": claimant.end if claimant else None,
        "content_start": content.start if content else None,
        "content_end": content.end if content else None,
        "content_kind": candidate.content_kind if content else None,
        "content_score": (round(candidate.content_score, 4)
                          if content and candidate.content_score is not None else None),
    }


def _move_parts(claim: Claim, old: str, new: str, shift: int) -> None:
    """Move a moved claim's parts with it: the content lies inside the claim; the
    claimant's words may be in an earlier sentence, and are dropped if they moved apart."""
    if claim.content_start is not None and claim.content_end is not None:
        claim.content_start += shift
        claim.content_end += shift
    if claim.claimant_start is None or claim.claimant_end is None:
        return
    words = old[claim.claimant_start:claim.claimant_end]
    start = claim.claimant_start + shift
    if new[start:start + len(words)] == words:
        claim.claimant_start, claim.claimant_end = start, start + len(words)
    else:
        claim.claimant_start = claim.claimant_end = None


def _claim_from_candidate(article: Article, candidate: CandidateClaim, position: int,
                          parent_id: int | None = None) -> Claim:
    return Claim(**_claim_values(article, candidate, position, parent_id))


def _insert_sub_claims(session: Session, article: Article,
                       parents: list[tuple[int, int, CandidateClaim]]) -> int:
    """Store the sub-claims of the stored sentence claims `(id, position, candidate)`.

    A sub-claim shares its sentence's position (it follows it in the article's order) and
    is a candidate like it, so it stays out of the review queue until an editor selects it.
    """
    rows = [_claim_values(article, sub, position, parent_id)
            for parent_id, position, candidate in parents for sub in candidate.sub_claims]
    if rows:
        session.exec(insert(Claim), params=rows, execution_options={"render_nulls": True})
    return len(rows)


def import_article(session: Session, *, actor: User | None, **fields) -> Article:
    """Create an article (see `create_article`) and add its candidate claims in text order.

    The claims go in as one multi-row INSERT, not as objects in the session: for a long
    article (12,000 claims in 1 MB) building ORM objects cost twice the split itself.
    """
    article = create_article(session, actor=actor, **fields)
    candidates = split_claims(article.body, lang=article.language)
    sub_claims = 0
    if candidates:
        # render_nulls: rows with and without a claimant go in the same batches.
        session.exec(insert(Claim), params=[_claim_values(article, candidate, position)
                                            for position, candidate in enumerate(candidates)],
                     execution_options={"render_nulls": True})
        with_subs = {position: candidate for position, candidate in enumerate(candidates)
                     if candidate.sub_claims}
        if with_subs:  # their sentences' ids, read back by position (one query)
            ids = dict(session.exec(select(Claim.position, Claim.id).where(
                Claim.article_id == article.id)).all())
            sub_claims = _insert_sub_claims(session, article, [
                (ids[position], position, candidate)
                for position, candidate in with_subs.items()])
    link_article_claimants(session, article=article, actor=actor)
    record_audit(session, actor=actor, action="article.split", obj=article,
                 claims=len(candidates), sub_claims=sub_claims)
    request_matching(session, article=article)  # in the background: the import does not wait
    return article


def _nearest_occurrence(body: str, needle: str, near: int,
                        taken: set[tuple[int, int]]) -> int | None:
    best, index = None, body.find(needle)
    while index != -1:
        if (index, len(needle)) not in taken and (best is None
                                                  or abs(index - near) < abs(best - near)):
            best = index
        index = body.find(needle, index + 1)
    return best


def revise_article_text(
    session: Session,
    *,
    article: Article,
    body: str,
    expected_version: int,
    actor: User,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, int]:
    """Replace the article text, keeping the old one as a revision.

    Claims whose text is still in the article move to its new place; the others are
    flagged `needs_reanchor` for the editor. New sentences become new candidates.
    Returns counts: moved, flagged, added.
    """
    if article.version != expected_version:
        raise WorkflowError(_("Someone else changed this article meanwhile."), code="conflict")
    if article.status != ArticleStatus.DRAFT:
        raise WorkflowError(
            _("Only a draft's text can change; published checks change through corrections."),
            code="conflict")
    body = normalise_text(body)
    if not body.strip():
        raise WorkflowError(_("The article text is empty."), field="body")
    if len(body.encode("utf-8")) > max_bytes:
        raise WorkflowError(_("The article text is over the size limit."), field="body")
    if body == article.body:
        return {"moved": 0, "flagged": 0, "added": 0}
    old = article.body
    session.add(ArticleRevision(article_id=article.id, number=article.revision, body=old,
                                created_by_id=actor.id))
    # The article's order: a sub-claim shares its sentence's position and follows it.
    claims = list(session.exec(select(Claim).where(Claim.article_id == article.id)
                               .order_by(col(Claim.position), col(Claim.start),
                                         col(Claim.id))).all())
    if any(c.status not in _REVISABLE for c in claims):
        raise WorkflowError(_("Claims of this article are under review; its text can no "
                              "longer change."), code="conflict")
    counts = {"moved": 0, "flagged": 0, "added": 0}
    # Each occurrence of a span anchors one claim at most (a sub-claim may start where its
    # sentence does: a span is its start and its length).
    taken: set[tuple[int, int]] = set()
    for claim in claims:
        if claim.status == ClaimStatus.NEEDS_REANCHOR:
            continue
        anchored = old[claim.start:claim.end]
        start = _nearest_occurrence(body, anchored, claim.start, taken) if anchored else None
        if start is not None:
            taken.add((start, len(anchored)))
            if start != claim.start:
                counts["moved"] += 1
                _move_parts(claim, old, body, start - claim.start)
                claim.start, claim.end = start, start + len(anchored)
                session.add(claim)
        else:
            before = claim.status
            claim.status = ClaimStatus.NEEDS_REANCHOR
            counts["flagged"] += 1
            session.add(claim)
            record_audit(session, actor=actor, action="claim.status", obj=claim,
                         before=str(before), after=str(claim.status), reason="text changed")
    article.body, article.revision, article.updated_at = body, article.revision + 1, utcnow()
    session.add(article)
    anchored_spans = [(c.start, c.end) for c in claims if c.status != ClaimStatus.NEEDS_REANCHOR]
    for candidate in split_claims(body, lang=article.language):
        if not any(candidate.start < e and s < candidate.end for s, e in anchored_spans):
            new = _claim_from_candidate(article, candidate, 0)
            session.add(new)
            # New sentences take their place in text order among the anchored claims.
            index = next((i for i, c in enumerate(claims) if c.start > new.start
                          and c.status != ClaimStatus.NEEDS_REANCHOR), len(claims))
            claims.insert(index, new)
            counts["added"] += 1
            if candidate.sub_claims:  # right after their sentence, in the article's order
                session.flush()  # the sentence's id
                subs = [_claim_from_candidate(article, sub, 0, new.id)
                        for sub in candidate.sub_claims]
                session.add_all(subs)
                claims[index + 1:index + 1] = subs
    # Sentences are numbered in order; each sub-claim takes its sentence's number.
    numbers: dict[int | None, int] = {}
    position = -1
    for claim in claims:
        if claim.parent_id is None:
            position += 1
            numbers[claim.id] = position
        wanted = position if claim.parent_id is None else numbers.get(claim.parent_id,
                                                                         position)
        if claim.position != wanted:
            claim.position = wanted
            session.add(claim)
    session.flush()
    link_article_claimants(session, article=article, actor=actor)
    record_audit(session, actor=actor, action="article.revised", obj=article,
                 revision=article.revision, **counts)
    return counts
