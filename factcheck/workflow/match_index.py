"""Keeping the claim-matching index in step (flush only; the caller commits).

The index (tables: factcheck/queries/match_tables.py; reads: factcheck/queries/match_index.py)
holds every own decided claim of a live publication and every imported ClaimReview. It is
written in the same transaction as what it reflects: `reindex_publication` and
`remove_article` (factcheck/workflow/search_index.py) call `index_entries` and
`unindex_documents`, `save_imported_checks` calls `index_imported`; `rebuild_match_index`
recreates it whole (`factcheck search reindex`, `factcheck db upgrade`).

Document frequencies and the document count are kept incrementally (added on index,
subtracted on removal), so IDF stays current. A document's stored norms and posting
weights use the frequencies of the moment it was indexed: as the archive grows they drift
slightly from what a rebuild would compute (the candidates' final scores use current
IDF for every shared term; only the norms are as of indexing), until the next `reindex`.
Rows that go by a cascade outside these functions (an article deleted outright) leave
their frequencies counted until then too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from ..engine.match_terms import counts_of, distinct, grams_of, idf, norm, stored_terms, tf
from ..models import ImportedCheck
from ..queries.match_tables import (
    DOCUMENT_COUNT,
    IMPORTED,
    OWN,
    documents,
    grams,
    postings,
    stats,
    terms,
)
from ..queries.search_tables import entries, is_postgres

_CHUNK = 1000  # values per IN (...) list and per executemany


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def imported_text(claim_reviewed: str, headline: str | None) -> str:
    """What an imported check is matched on: its claim and its headline."""
    # The headline often words the claim differently: tuned on CheckThat! train, claim +
    # title scored 0.80 MAP@5 against 0.76 for the claim alone.
    return f"{claim_reviewed} {headline}" if headline else claim_reviewed


def _insert_statement(session: Session, table: sa.Table):
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _add_frequencies(session: Session, table: sa.Table, key: str, counts: Counter[str],
                     sign: int) -> None:
    """Add (sign 1) or subtract (-1) document frequencies, creating missing terms."""
    if not counts:
        return
    # Sorted: two transactions touching the same terms lock them in the same order, so
    # PostgreSQL cannot deadlock on them.
    items = sorted(counts.items())
    if sign > 0:
        statement = _insert_statement(session, table)
        statement = statement.on_conflict_do_update(
            index_elements=[key], set_={"df": table.c.df + statement.excluded.df})
        for chunk in _chunks(items):
            session.execute(statement, [{key: term, "df": n} for term, n in chunk])
    else:
        statement = (table.update().where(table.c[key] == sa.bindparam("k"))
                     .values(df=table.c.df - sa.bindparam("n")))
        for chunk in _chunks(items):
            session.execute(statement, [{"k": term, "n": n} for term, n in chunk])


def _add_documents(session: Session, delta: int) -> int:
    """Change the stored document count by `delta`; returns the new count."""
    statement = _insert_statement(session, stats)
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": stats.c.value + statement.excluded.value}),
        [{"key": DOCUMENT_COUNT, "value": delta}])
    return int(session.execute(sa.select(stats.c.value)
                               .where(stats.c.key == DOCUMENT_COUNT)).scalar_one())


def _frequencies(session: Session, key: sa.Column, wanted: Iterable[str],
                 *extra: sa.Column) -> dict[str, tuple]:
    values = sorted(set(wanted))
    found: dict[str, tuple] = {}
    for chunk in _chunks(values):
        for row in session.execute(sa.select(key, key.table.c.df, *extra)
                                   .where(key.in_(chunk))):
            found[row[0]] = tuple(row[1:])
    return found


def index_documents(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Add documents (`source`, `text`, and `entry_id` + `article_id` or
    `imported_check_id`) to the index; returns how many."""
    if not rows:
        return 0
    stored = [stored_terms(row["text"]) for row in rows]
    word_df, gram_df = distinct(stored)
    _add_frequencies(session, terms, "term", word_df, 1)
    _add_frequencies(session, grams, "gram", gram_df, 1)
    total = _add_documents(session, len(rows))
    known_words = _frequencies(session, terms.c.term, word_df, terms.c.id)
    known_grams = _frequencies(session, grams.c.gram, gram_df)
    word_idf = {term: idf(df, total) for term, (df, _id) in known_words.items()}
    gram_idf = {gram: idf(df, total) for gram, (df,) in known_grams.items()}
    counted = [counts_of(*terms_) for terms_ in stored]
    values = [{
        "source": row["source"], "entry_id": row.get("entry_id"),
        "imported_check_id": row.get("imported_check_id"),
        "article_id": row.get("article_id"), "words": words_, "gram_words": for_grams,
        "word_norm": norm(words, word_idf.get),
        "char_norm": norm(grams_of(cut), gram_idf.get),
    } for row, (words_, for_grams), (words, cut) in zip(rows, stored, counted, strict=True)]
    ids = session.execute(
        documents.insert().returning(documents.c.id, sort_by_parameter_order=True), values
    ).scalars().all()
    weights = []
    for doc_id, value, (words, _cut) in zip(ids, values, counted, strict=True):
        if not value["word_norm"]:
            continue
        for term, count in words.items():
            weights.append({"term_id": known_words[term][1], "doc_id": doc_id,
                            "weight": tf(count) * word_idf[term] / value["word_norm"]})
    for chunk in _chunks(weights, 5000):
        session.execute(postings.insert(), list(chunk))
    return len(rows)


def unindex_documents(session: Session, *where: Any) -> int:
    """Take the documents matching `where` out of the index; returns how many."""
    found = session.execute(sa.select(documents.c.id, documents.c.words,
                                      documents.c.gram_words).where(*where)).all()
    if not found:
        return 0
    ids = [row.id for row in found]
    word_df, gram_df = distinct((row.words, row.gram_words) for row in found)
    _add_frequencies(session, terms, "term", word_df, -1)
    _add_frequencies(session, grams, "gram", gram_df, -1)
    _add_documents(session, -len(found))
    for chunk in _chunks(ids):
        session.execute(postings.delete().where(postings.c.doc_id.in_(chunk)))
        session.execute(documents.delete().where(documents.c.id.in_(chunk)))
    return len(found)


def index_entries(session: Session, *, article_id: int) -> int:
    """Index the decided claims of the article's search index entries."""
    rows = session.execute(sa.select(entries.c.id, entries.c.claim_text).where(
        entries.c.article_id == article_id, entries.c.decided.is_(True))
        .order_by(entries.c.id)).all()
    return index_documents(session, [
        {"source": OWN, "entry_id": row.id, "article_id": article_id,
         "text": row.claim_text} for row in rows])


def index_imported(session: Session, *, ids: Sequence[int]) -> int:
    """(Re)index the imported checks with these ids (an updated one replaces its row)."""
    for chunk in _chunks(list(ids)):
        unindex_documents(session, documents.c.imported_check_id.in_(chunk))
    rows = []
    for chunk in _chunks(sorted(ids)):
        rows += session.execute(
            sa.select(col(ImportedCheck.id), col(ImportedCheck.claim_reviewed),
                      col(ImportedCheck.headline))
            .where(col(ImportedCheck.id).in_(chunk)).order_by(col(ImportedCheck.id))).all()
    return index_documents(session, [
        {"source": IMPORTED, "imported_check_id": row.id,
         "text": imported_text(row.claim_reviewed, row.headline)} for row in rows])


def clear_match_index(session: Session) -> None:
    """Empty the index (postings first: they reference the documents)."""
    connection = session.connection()
    for table in (postings, documents, terms, grams, stats):
        connection.execute(table.delete())


def rebuild_match_index(session: Session) -> int:
    """Recreate the whole index from the search index and the imported checks.

    Returns the documents indexed. Built in memory with sparse matrices (the same
    counting as `index_documents`, vectorised), then written in bulk.
    """
    clear_match_index(session)
    own = session.execute(
        sa.select(entries.c.id, entries.c.article_id, entries.c.claim_text)
        .where(entries.c.decided.is_(True)).order_by(entries.c.id)).all()
    imported = session.execute(
        sa.select(col(ImportedCheck.id), col(ImportedCheck.claim_reviewed),
                  col(ImportedCheck.headline)).order_by(col(ImportedCheck.id))).all()
    rows = [{"source": OWN, "entry_id": row.id, "imported_check_id": None,
             "article_id": row.article_id, "text": row.claim_text} for row in own]
    rows += [{"source": IMPORTED, "entry_id": None, "imported_check_id": row.id,
              "article_id": None, "text": imported_text(row.claim_reviewed, row.headline)}
             for row in imported]
    if rows:
        _bulk_build(session, rows)
    return len(rows)


def _bulk_build(session: Session, rows: list[dict[str, Any]]) -> None:
    import numpy as np

    from ..engine.match_terms import word_grams
    from ..engine.matching import count_matrix

    stored = [stored_terms(row["text"]) for row in rows]
    total = len(stored)
    words, word_columns = count_matrix([words_.split() for words_, _g in stored])
    # n-gram counts: (texts x words) @ (words x n-grams), each distinct word cut once.
    by_word, cut_columns = count_matrix([(words_ if for_grams is None else for_grams).split()
                                         for words_, for_grams in stored])
    by_gram, gram_columns = count_matrix([word_grams(word) for word in cut_columns])
    gram_matrix = (by_word @ by_gram).tocsr()

    def weighted(matrix):
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])
        idfs = np.log((1 + total) / (1 + df)) + 1
        out = matrix.copy()
        out.data = (1 + np.log(out.data)) * idfs[out.indices]
        norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
        return out, df, norms

    word_weights, word_df, word_norms = weighted(words)
    _gram_weights, gram_df, gram_norms = weighted(gram_matrix)
    connection = session.connection()
    doc_rows = [(doc_id, row["source"], row["entry_id"], row["imported_check_id"],
                 row["article_id"], words_, for_grams, float(wn), float(gn))
                for doc_id, (row, (words_, for_grams), wn, gn) in enumerate(
                    zip(rows, stored, word_norms, gram_norms, strict=True), start=1)]
    _bulk(session, documents, ("id", "source", "entry_id", "imported_check_id", "article_id",
                               "words", "gram_words", "word_norm", "char_norm"), doc_rows)
    _bulk(session, terms, ("id", "term", "df"),
          [(i, term, int(df)) for i, (term, df) in
           enumerate(zip(word_columns, word_df, strict=True), start=1)])
    _bulk(session, grams, ("gram", "df"), sorted(
        (gram, int(df)) for gram, df in zip(gram_columns, gram_df, strict=True)))
    coo = word_weights.tocoo()
    safe = np.where(word_norms > 0, word_norms, 1.0)
    weight = coo.data / safe[coo.row]
    order = np.lexsort((coo.row, weight, coo.col))  # the key's order: term, weight, doc
    _bulk(session, postings, ("term_id", "weight", "doc_id"), zip(
        (coo.col[order] + 1).tolist(), weight[order].tolist(), (coo.row[order] + 1).tolist(),
        strict=True))
    connection.execute(stats.insert().values(key=DOCUMENT_COUNT, value=total))
    if is_postgres(session):
        for table in (documents, terms):  # explicit ids: move the identity past them
            connection.execute(sa.select(sa.func.setval(
                sa.func.pg_get_serial_sequence(table.name, "id"),
                sa.select(sa.func.max(table.c.id)).scalar_subquery())))


def _bulk(session: Session, table: sa.Table, columns: Sequence[str],
          rows: Iterable[tuple]) -> None:
    """Write many rows fast: COPY on PostgreSQL, executemany in chunks on SQLite."""
    connection = session.connection()
    if is_postgres(session):
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = (f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608  # nosec B608 (our names)
                 f"VALUES ({', '.join('?' * len(columns))})")
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= 50_000:
            connection.exec_driver_sql(statement, chunk)
            chunk = []
    if chunk:
        connection.exec_driver_sql(statement, chunk)
