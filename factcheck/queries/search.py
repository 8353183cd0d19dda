"""Finding published checks: the public index and full-text search across them.

One interface over two engines. The search index holds only what readers can see: one row
per claim of every *live* publication snapshot (claim text, claimant, verdict name, the
decision's conclusion, the article's title and outlet), so nothing unpublished can leak
through a search. It is derived data: `reindex_publication` and `remove_article` keep it in
step with publishing, and `rebuild_index` recreates it from the live publications.

Storage (created by migration 0005, deliberately not on `SQLModel.metadata`):

- `search_entries`, a plain table with what a result shows and what the filters need, on
  both engines; its rows cascade away with their article or publication.
- SQLite: `search_fts`, an FTS5 table whose rowid is `search_entries.id` (a trigger deletes
  its rows together with the entries).
- PostgreSQL: a weighted `tsvector` column `search_entries.document` with a GIN index, built
  with the 'simple' configuration (no stemming, no stop words: any language works).

Both engines see the same words: text is normalised and split into words here, in Python
(case, diacritics, Arabic/Persian letter and digit variants, zero-width non-joiner), and the
engines index and match those words only. A user's query is treated as plain words, all of
which must match, so no operator or punctuation in it can ever make the engine fail.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Session, col

from ..engine.snapshot import Snapshot
from ..markdown import render_markdown
from ..models import SEARCH_ENTRIES as ENTRIES
from ..models import SEARCH_FTS as FTS
from ..models import Article, Publication, RatingLabel
from ..states import ArticleStatus
from .paging import Page, last_page

MAX_TERMS = 32  # words of a query that count; the rest are ignored
# A word found in every check would otherwise rank (and count) every claim ever published:
# a search ranks at most the newest MAX_RANKED matches, so its cost stays bounded.
MAX_RANKED = 500
_SNIPPET_WIDTH = 220  # characters of a conclusion shown around the first match
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# Only for building queries: migration 0005 creates these with dialect-specific DDL.
_metadata = sa.MetaData()
entries = sa.Table(
    ENTRIES, _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, nullable=False),
    sa.Column("publication_id", sa.Integer, nullable=False),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("claim_number", sa.Integer, nullable=False),
    sa.Column("claim_text", sa.Text, nullable=False),
    sa.Column("claimant", sa.Text),
    sa.Column("claimant_key", sa.Text, nullable=False),  # normalised words, for the filter
    sa.Column("verdict", sa.Text),
    sa.Column("verdict_symbol", sa.Text),
    sa.Column("decided", sa.Boolean, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),  # the conclusion as plain text
    sa.Column("published_on", sa.Date, nullable=False),  # the check's first publication
    sa.Column("document", TSVECTOR),  # PostgreSQL only
)
# FTS5 columns, in order, with their bm25 weights (PostgreSQL: weights A-D in _insert).
_FTS_COLUMNS = (("claim_text", 4.0), ("claimant", 1.0), ("verdict", 1.0),
                ("summary", 2.0), ("title", 3.0), ("outlet", 1.0))
_fts = sa.table(FTS, sa.column("rowid"), *(sa.column(name) for name, _w in _FTS_COLUMNS))
_SIMPLE = sa.literal_column("'simple'::regconfig")


# --- Words -------------------------------------------------------------------------------

_FOLD = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc",  # Arabic yeh, alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0640": None,  # tatweel (kashida) only stretches a word
    "\u200c": " ",  # zero-width non-joiner separates the parts of a Persian word
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
})
# Diacritics we fold away: Latin/Greek/Cyrillic combining accents, Arabic harakat.
_DIACRITIC = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")


def normalise(text: str) -> str:
    """`text` folded for matching: case, diacritics, Arabic/Persian variants, digits."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return unicodedata.normalize("NFC", _DIACRITIC.sub("", decomposed)).casefold()


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def words(text: str | None) -> list[str]:
    """The normalised words of `text`: what the index stores and a query looks for."""
    return ["".join(run) for is_word, run in groupby(normalise(text or ""), _is_word_char)
            if is_word]


def _doc(text: str | None) -> str:
    return " ".join(words(text))


# --- Keeping the index in step with publishing ---------------------------------------------

def _plain(markdown_text: str) -> str:
    """A conclusion (Markdown) as the plain text readers read."""
    return render_markdown(markdown_text).striptags() if markdown_text else ""


def _rows(publication_id: int, article_id: int, snapshot: dict[str, Any],
          published_on: date) -> list[dict[str, Any]]:
    typed = Snapshot.from_json(snapshot)
    article = typed.article
    rows = []
    for claim in typed.claims:
        decided = claim.decided
        rating = claim.rating if decided else None
        rows.append({
            "article_id": article_id, "publication_id": publication_id,
            "slug": article.slug, "title": article.title, "outlet": article.outlet,
            "claim_number": claim.number, "claim_text": claim.text,
            "claimant": claim.claimant, "claimant_key": _doc(claim.claimant),
            "verdict": rating.name if rating else None,
            "verdict_symbol": rating.symbol if rating else None,
            "decided": decided, "summary": _plain(claim.summary) if decided else "",
            "published_on": published_on,
        })
    return rows


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _weighted(name: str, weight: str) -> Any:
    return sa.func.setweight(sa.func.to_tsvector(_SIMPLE, sa.bindparam(name, type_=sa.Text)),
                             sa.literal_column(f"'{weight}'"))


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    docs = [{column: _doc(row[column]) for column, _weight in _FTS_COLUMNS} for row in rows]
    if _postgres(session):
        document = _weighted("d_claim", "A")
        for name, weight in (("d_title", "B"), ("d_summary", "C"), ("d_other", "D")):
            document = document.op("||")(_weighted(name, weight))
        connection.execute(entries.insert().values(document=document), [
            {**row, "d_claim": doc["claim_text"], "d_title": doc["title"],
             "d_summary": doc["summary"],
             "d_other": " ".join((doc["claimant"], doc["verdict"], doc["outlet"]))}
            for row, doc in zip(rows, docs, strict=True)])
        return
    ids = connection.execute(
        entries.insert().returning(entries.c.id, sort_by_parameter_order=True), rows
    ).scalars().all()
    connection.execute(_fts.insert(), [{"rowid": row_id, **doc}
                                       for row_id, doc in zip(ids, docs, strict=True)])


def remove_article(session: Session, article_id: int) -> None:
    """Take every claim of the article out of the search index."""
    session.connection().execute(entries.delete().where(entries.c.article_id == article_id))


def reindex_publication(session: Session, publication: Publication) -> None:
    """Make the index show exactly this publication's snapshot for its article.

    Call it after the publication is flushed; a withdrawn publication only removes the
    article's entries.
    """
    remove_article(session, publication.article_id)
    if publication.withdrawn_at is not None:
        return
    article = session.get(Article, publication.article_id)
    first = (article.published_at if article else None) or publication.published_at
    _insert(session, _rows(publication.id, publication.article_id, publication.snapshot,
                           first.date()))


def rebuild_index(session: Session) -> int:
    """Recreate the whole index from the live publications; returns the entries written."""
    session.connection().execute(entries.delete())
    query = (sa.select(Publication.id, Publication.article_id, Publication.snapshot,
                       Publication.published_at, Article.published_at)
             .join(Article, col(Article.id) == col(Publication.article_id))
             .where(col(Publication.withdrawn_at).is_(None),
                    Article.status == ArticleStatus.PUBLISHED))
    rows: list[dict[str, Any]] = []
    for pub_id, article_id, snapshot, pub_at, first_at in session.execute(query).all():
        rows.extend(_rows(pub_id, article_id, snapshot, (first_at or pub_at).date()))
    _insert(session, rows)
    return len(rows)


# --- Reading -------------------------------------------------------------------------------

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
    claim_html: Markup  # the claim text, escaped, with the matched words in <mark>
    snippet: Markup  # part of the conclusion, escaped, with the matched words in <mark>


@dataclass(frozen=True)
class SearchResult(Page[SearchHit]):
    """One page of hits (see `Page`) and the words searched for."""

    terms: tuple[str, ...] = ()  # the words searched for (normalised)
    capped: bool = False  # more than MAX_RANKED matched; only the newest are ranked


def _highlight(text: str, terms: frozenset[str], *, width: int | None = None) -> Markup:
    """`text` escaped, with words matching `terms` in <mark>; cut to about `width` chars."""
    spans: list[tuple[int, int, bool]] = []
    position = 0
    for is_word, run in groupby(text, _is_word_char):
        chunk = "".join(run)
        end = position + len(chunk)
        spans.append((position, end, is_word and bool(terms.intersection(words(chunk)))))
        position = end
    start, stop = 0, len(text)
    if width is not None and len(text) > width:
        hit = next((s for s, _e, marked in spans if marked), 0)
        start = max(0, hit - width // 3)
        start = next((s for s, _e, _m in spans if s >= start), start)
        stop = start + width
        stop = next((e for _s, e, _m in spans if e >= stop), stop)
    parts = [Markup("…") if start > 0 else Markup("")]
    for s, e, marked in spans:
        if e <= start or s >= stop:
            continue
        piece = escape(text[s:e])
        parts.append(Markup("<mark>{}</mark>").format(piece) if marked else piece)
    parts.append(Markup("…") if stop < len(text) else Markup(""))
    return Markup("").join(parts)


def _filters(*, rating: str | None, outlet: str | None, claimant: str | None,
             date_from: date | None, date_to: date | None) -> list[Any]:
    conditions: list[Any] = []
    if rating:
        conditions.append(entries.c.verdict == rating)
    if outlet:
        conditions.append(entries.c.outlet == outlet)
    key = _doc(claimant)
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
    if _postgres(session):
        tsquery = sa.func.plainto_tsquery(_SIMPLE, " ".join(terms))
        document = entries.c.document
        query = (sa.select(*keys, (-sa.func.ts_rank_cd(document, tsquery)).label("rank"))
                 .where(document.op("@@", return_type=sa.Boolean)(tsquery), *conditions)
                 .order_by(entries.c.id.desc()))
    else:
        # Each word quoted as an FTS5 string: nothing in it is read as query syntax.
        match = " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
        rank = sa.func.bm25(sa.literal_column(FTS), *[sa.literal(w) for _c, w in _FTS_COLUMNS])
        # Ordered by the FTS table's rowid, FTS5 walks its matches newest first and stops.
        query = (sa.select(*keys, rank.label("rank"))
                 .select_from(entries.join(_fts, _fts.c.rowid == entries.c.id))
                 .where(sa.text(f"{FTS} MATCH :match").bindparams(match=match), *conditions)
                 .order_by(_fts.c.rowid.desc()))
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
    wanted = frozenset(terms)
    items = [SearchHit(
        slug=row.slug, title=row.title, outlet=row.outlet, claim_number=row.claim_number,
        claim_text=row.claim_text, claimant=row.claimant, verdict=row.verdict,
        verdict_symbol=row.verdict_symbol, decided=row.decided,
        published_on=row.published_on, claim_html=_highlight(row.claim_text, wanted),
        snippet=_highlight(row.summary, wanted, width=_SNIPPET_WIDTH),
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
        if _COLOUR.fullmatch(colour or ""):
            colours.setdefault(name, colour)
    return colours


def verdict_bars(counts: Sequence[tuple[str | None, int]],
                 colours: dict[str, str]) -> list[dict[str, Any]]:
    """Segments of a stacked bar (x and width in percent) for a verdict distribution."""
    total = sum(n for _name, n in counts) or 1
    bars, x = [], 0.0
    for name, n in counts:
        width = round(100 * n / total, 2)
        bars.append({"name": name, "n": n, "x": round(x, 2), "width": width,
                     "colour": colours.get(name or "", "#5f6b7a")})
        x += width
    return bars
