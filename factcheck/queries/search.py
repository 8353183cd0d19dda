"""Finding published checks: full-text search and the public index, as plain data.

One interface over two engines (`search_tables` describes the index and its storage;
`factcheck.workflow.search_index` writes it). A user's query is treated as plain words
(`factcheck.engine.search_text`), all of which must match, so no operator or punctuation
in it can ever make the engine fail. Highlighting the words and drawing the verdict bars
are the web layer's (`factcheck.web.display`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from ..engine.search_text import word_string, words
from ..models import Article, Publication, RatingLabel, is_hex_colour
from ..states import ArticleStatus
from .paging import Page, last_page
from .search_tables import FTS, FTS_COLUMNS, SIMPLE, entries, fts, is_postgres

MAX_TERMS = 32  # words of a query that count; the rest are ignored
# A word found in every check would otherwise rank (and count) every claim ever published:
# a search ranks at most the newest MAX_RANKED matches, so its cost stays bounded.
MAX_RANKED = 500


@dataclass(frozen=True)
class SearchHit:
    """One published claim that matched, with what its result line shows."""

    slug: str
    title: str
    outlet: str | None
    claim_number: int
    claim_text: str
    claimant: str | None
    verdict: str | None  # the verdict's name; None while the claim is still being checked
    verdict_symbol: str | None
    decided: bool
    published_on: date
    summary: str  # the conclusion as plain text; empty while the claim is being checked


@dataclass(frozen=True)
class SearchResult(Page[SearchHit]):
    """One page of hits (see `Page`) and the words searched for."""

    terms: tuple[str, ...] = ()  # the words searched for (normalised)
    capped: bool = False  # more than MAX_RANKED matched; only the newest are ranked


def _filters(*, rating: str | None, outlet: str | None, claimant: str | None,
             date_from: date | None, date_to: date | None) -> list[Any]:
    conditions: list[Any] = []
    if rating:
        conditions.append(entries.c.verdict == rating)
    if outlet:
        conditions.append(entries.c.outlet == outlet)
    key = word_string(claimant)
    if key:
        conditions.append(entries.c.claimant_key.contains(key, autoescape=True))
    if date_from:
        conditions.append(entries.c.published_on >= date_from)
    if date_to:
        conditions.append(entries.c.published_on <= date_to)
    return conditions


def _ranked_matches(session: Session, terms: tuple[str, ...], conditions: list[Any]) -> list:
    """The newest MAX_RANKED + 1 matches with their rank (lower is better) and sort keys.

    Read newest first and cut off, so the cost stays bounded however many claims match;
    the rank is computed only for the rows read.
    """
    keys = (entries.c.id, entries.c.published_on, entries.c.article_id, entries.c.claim_number)
    if is_postgres(session):
        tsquery = sa.func.plainto_tsquery(SIMPLE, " ".join(terms))
        document = entries.c.document
        query = (sa.select(*keys, (-sa.func.ts_rank_cd(document, tsquery)).label("rank"))
                 .where(document.op("@@", return_type=sa.Boolean)(tsquery), *conditions)
                 .order_by(entries.c.id.desc()))
    else:
        # Each word quoted as an FTS5 string: nothing in it is read as query syntax.
        match = " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
        rank = sa.func.bm25(sa.literal_column(FTS), *[sa.literal(w) for _c, w in FTS_COLUMNS])
        # Ordered by the FTS table's rowid, FTS5 walks its matches newest first and stops.
        query = (sa.select(*keys, rank.label("rank"))
                 .select_from(entries.join(fts, fts.c.rowid == entries.c.id))
                 .where(sa.text(f"{FTS} MATCH :match").bindparams(match=match), *conditions)
                 .order_by(fts.c.rowid.desc()))
    return list(session.execute(query.limit(MAX_RANKED + 1)).all())


def _best_first(match: Any) -> tuple:
    """Best rank first; equal ranks newest first, then in article order."""
    published = match.published_on.toordinal() if match.published_on else 0
    return (match.rank, -published, -match.article_id, match.claim_number)


def search_checks(
    session: Session, *, query: str | None, rating: str | None = None,
    outlet: str | None = None, claimant: str | None = None, date_from: date | None = None,
    date_to: date | None = None, page: int = 1, per_page: int = 20,
) -> SearchResult:
    """Published claims whose text, claimant, verdict, conclusion or article match all the
    words of `query`, within the filters; best matches first, then the newest. An empty
    query (or one without words) lists everything the filters let through. Two queries;
    with words, only the newest MAX_RANKED matches are ranked (`capped` says if there were
    more)."""
    terms = tuple(dict.fromkeys(words(query)))[:MAX_TERMS]
    conditions = _filters(rating=rating, outlet=outlet, claimant=claimant,
                          date_from=date_from, date_to=date_to)
    columns = [entries.c[name] for name in (
        "slug", "title", "outlet", "claim_number", "claim_text", "claimant", "verdict",
        "verdict_symbol", "decided", "summary", "published_on")]
    per_page = max(1, per_page)
    capped = False
    if terms:
        candidates = _ranked_matches(session, terms, conditions)
        capped = len(candidates) > MAX_RANKED
        candidates = sorted(candidates[:MAX_RANKED], key=_best_first)
        total = len(candidates)
        page = last_page(total, page, per_page)
        ids = [c.id for c in candidates[(page - 1) * per_page:page * per_page]]
        found = {row.id: row for row in session.execute(
            sa.select(entries.c.id, *columns).where(entries.c.id.in_(ids)))} if ids else {}
        rows = [found[i] for i in ids]
    else:
        total = session.execute(sa.select(sa.func.count()).select_from(entries)
                                .where(*conditions)).scalar_one()
        page = last_page(total, page, per_page)
        rows = session.execute(
            sa.select(*columns).where(*conditions)
            .order_by(entries.c.published_on.desc(), entries.c.article_id.desc(),
                      entries.c.claim_number)
            .limit(per_page).offset((page - 1) * per_page)).all() if total else []
    items = [SearchHit(
        slug=row.slug, title=row.title, outlet=row.outlet, claim_number=row.claim_number,
        claim_text=row.claim_text, claimant=row.claimant, verdict=row.verdict,
        verdict_symbol=row.verdict_symbol, decided=row.decided,
        published_on=row.published_on, summary=row.summary,
    ) for row in rows]
    return SearchResult(items=items, number=page, per_page=per_page, total=total, terms=terms,
                        capped=capped)


@dataclass(frozen=True)
class Facets:
    """The values the search filters offer: what the published claims actually carry."""

    verdicts: list[str]
    outlets: list[str]


def _distinct(kind: str, column: sa.Column) -> sa.Select:
    """(kind, value) for each distinct non-empty value of `column`.

    A recursive query whose every step asks the column's index for the next value up: one
    index lookup per distinct value, however many entries share it (DISTINCT reads them all).
    """
    values = (sa.select(sa.func.min(column).label("value")).where(column > "")
              .cte(f"{column.name}_values", recursive=True))
    following = sa.select(sa.func.min(column)).where(column > values.c.value).scalar_subquery()
    values = values.union_all(sa.select(following).where(values.c.value.is_not(None)))
    return sa.select(sa.literal_column(f"'{kind}'"), values.c.value).where(
        values.c.value.is_not(None))


def search_facets(session: Session) -> Facets:
    """Verdict names and outlets present in the index, sorted (one query)."""
    found: dict[str, list[str]] = {"v": [], "o": []}
    query = sa.union_all(_distinct("v", entries.c.verdict), _distinct("o", entries.c.outlet))
    for kind, value in session.execute(query).all():
        found[kind].append(value)
    return Facets(verdicts=sorted(found["v"], key=str.casefold),
                  outlets=sorted(found["o"], key=str.casefold))


@dataclass(frozen=True)
class CheckSummary:
    """A published check on the public index, with its verdict distribution."""

    slug: str
    title: str
    outlet: str | None
    published_at: datetime
    counts: list[tuple[str | None, int]]  # verdict name (None: no label) and claims
    checked: int
    open: int

    @property
    def decided(self) -> int:
        return sum(n for _name, n in self.counts)


def latest_checks(session: Session, *, limit: int = 20) -> list[CheckSummary]:
    """The newest published checks with the counts of their live snapshots (one query;
    only the counts are read out of each snapshot, not the article or evidence)."""
    snapshot = col(Publication.snapshot)
    query = (sa.select(Article.slug, Article.title, Article.outlet, Article.published_at,
                       snapshot["counts"], snapshot["checked"], snapshot["open"])
             .outerjoin(Publication, (col(Publication.article_id) == col(Article.id))
                   & col(Publication.withdrawn_at).is_(None))
             .where(Article.status == ArticleStatus.PUBLISHED)
             .order_by(col(Article.published_at).desc(), col(Article.id).desc())
             .limit(limit))
    return [CheckSummary(slug=slug, title=title, outlet=outlet, published_at=published_at,
                         counts=[(name, int(n)) for name, n in counts or []],
                         checked=int(checked or 0), open=int(open_ or 0))
            for slug, title, outlet, published_at, counts, checked, open_
            in session.execute(query).all()]


def verdict_colours(session: Session, names: Iterable[str | None]) -> dict[str, str]:
    """The colour of each verdict name among `names`, from the rating labels (one query)."""
    wanted = {name for name in names if name}
    if not wanted:
        return {}
    query = (sa.select(RatingLabel.name, RatingLabel.colour)
             .where(col(RatingLabel.name).in_(sorted(wanted)))
             .order_by(col(RatingLabel.id)))
    colours: dict[str, str] = {}
    for name, colour in session.execute(query).all():
        if is_hex_colour(colour):
            colours.setdefault(name, colour)
    return colours
