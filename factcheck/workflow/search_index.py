"""Keeping the search index in step with publishing (flush only; the caller commits).

`reindex_publication` and `remove_article` follow each publish and unpublish;
`rebuild_index` recreates the whole index from the live publications. The claim-matching
index follows all three in the same transaction (factcheck/workflow/match_index.py). What
the search index holds and how each engine stores it: `factcheck.queries.search_tables`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from ..engine.search_text import word_string
from ..engine.snapshot import Snapshot
from ..markdown import render_markdown
from ..models import Article, Claim, Claimant, Publication
from ..queries.match_tables import documents
from ..queries.search_tables import FTS_COLUMNS, SIMPLE, entries, fts, is_postgres
from ..states import ArticleStatus
from .match_index import (
    clear_match_index,
    index_entries,
    rebuild_match_index,
    unindex_documents,
)


def _plain(markdown_text: str) -> str:
    """A conclusion (Markdown) as the plain text readers read."""
    return render_markdown(markdown_text).striptags() if markdown_text else ""


# Not a column: the claimant words the full-text index and the claimant filter match.
_CLAIMANT_WORDS = "claimant_words"


def _claimant_words(published: str | None, record_name: str | None) -> str | None:
    """The claimant as published, and their record's name when it says more: a check
    published as "Okafor" is found by "Helen Okafor" once the record has the full name."""
    if record_name and word_string(record_name) not in word_string(published):
        return f"{published or ''} {record_name}".strip()
    return published


def _record_names(session: Session, *where: Any) -> dict[int, str]:
    """Claim id -> the name of its claimant record, for the claims matching `where`."""
    query = (sa.select(Claim.id, Claimant.name)
             .join(Claimant, col(Claimant.id) == col(Claim.claimant_id)).where(*where))
    return dict(session.execute(query).all())


def _rows(publication_id: int, article_id: int, snapshot: dict[str, Any],
          published_on: date, names: dict[int, str] | None = None) -> list[dict[str, Any]]:
    typed = Snapshot.from_json(snapshot)
    article = typed.article
    rows = []
    for claim in typed.claims:
        decided = claim.decided
        rating = claim.rating if decided else None
        claimant_words = _claimant_words(claim.claimant, (names or {}).get(claim.id))
        rows.append({
            "article_id": article_id, "publication_id": publication_id,
            "slug": article.slug, "title": article.title, "outlet": article.outlet,
            "claim_number": claim.number, "claim_id": claim.id, "claim_text": claim.text,
            "claimant": claim.claimant, "claimant_key": word_string(claimant_words),
            _CLAIMANT_WORDS: claimant_words,
            "verdict": rating.name if rating else None,
            "verdict_symbol": rating.symbol if rating else None,
            "decided": decided, "summary": _plain(claim.summary) if decided else "",
            "published_on": published_on,
        })
    return rows


def _weighted(name: str, weight: str) -> Any:
    return sa.func.setweight(sa.func.to_tsvector(SIMPLE, sa.bindparam(name, type_=sa.Text)),
                             sa.literal_column(f"'{weight}'"))


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    docs = [{column: word_string(row[_CLAIMANT_WORDS if column == "claimant" else column])
             for column, _weight in FTS_COLUMNS} for row in rows]
    rows = [{k: v for k, v in row.items() if k != _CLAIMANT_WORDS} for row in rows]
    if is_postgres(session):
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
    connection.execute(fts.insert(), [{"rowid": row_id, **doc}
                                      for row_id, doc in zip(ids, docs, strict=True)])


def remove_article(session: Session, *, article_id: int) -> None:
    """Take every claim of the article out of the search and matching indexes."""
    unindex_documents(session, documents.c.article_id == article_id)
    session.connection().execute(entries.delete().where(entries.c.article_id == article_id))


def reindex_publication(session: Session, *, publication: Publication) -> None:
    """Make the index show exactly this publication's snapshot for its article.

    Call it after the publication is flushed; a withdrawn publication only removes the
    article's entries.
    """
    remove_article(session, article_id=publication.article_id)
    if publication.withdrawn_at is not None:
        return
    article = session.get(Article, publication.article_id)
    first = (article.published_at if article else None) or publication.published_at
    names = _record_names(session, Claim.article_id == publication.article_id)
    _insert(session, _rows(publication.id, publication.article_id, publication.snapshot,
                           first.date(), names))
    index_entries(session, article_id=publication.article_id)


def rebuild_index(session: Session) -> int:
    """Recreate the whole index from the live publications; returns the entries written.

    The matching index is rebuilt with it (its own documents are these entries).
    """
    clear_match_index(session)  # first: the entries' deletion would cascade row by row
    session.connection().execute(entries.delete())
    query = (sa.select(Publication.id, Publication.article_id, Publication.snapshot,
                       Publication.published_at, Article.published_at)
             .join(Article, col(Article.id) == col(Publication.article_id))
             .where(col(Publication.withdrawn_at).is_(None),
                    Article.status == ArticleStatus.PUBLISHED))
    names = _record_names(session, col(Claim.article_id).in_(
        sa.select(Article.id).where(Article.status == ArticleStatus.PUBLISHED)))
    rows: list[dict[str, Any]] = []
    for pub_id, article_id, snapshot, pub_at, first_at in session.execute(query).all():
        rows.extend(_rows(pub_id, article_id, snapshot, (first_at or pub_at).date(), names))
    _insert(session, rows)
    rebuild_match_index(session)
    return len(rows)
