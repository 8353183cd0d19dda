"""Searching the claim-matching index kept in the database (tables: `match_tables`).

Why this design (measured with bench/matching.py, figures in bench/README.md): an
inverted index of words in plain tables, the same SQL on SQLite and PostgreSQL, with
bounded work per query whatever the archive's size:

1. the query's words are looked up with their document frequency; the `TERMS` rarest
   known ones are the candidates' sources (a rare word says most about which check it is;
   a word found in most of the archive says nothing and would cost most to read);
2. for each, at most `PER_TERM` postings are read, best weight first (the postings' key
   is term, weight, document, so this is one range of one index), and the candidates'
   partial cosines are summed in SQL: `SUM(weight * query weight) GROUP BY document
   ORDER BY score DESC LIMIT POOL`;
3. the `POOL` candidates are scored exactly as `MatchIndex` scores (the word cosine over
   all shared words and the character 3-5-gram cosine, blended, then blended with the
   cosine of the texts' meaning vectors, made from their stored words, and with how much
   of the query's meaning each covers word by word; the n-grams' frequencies are read for
   the query's n-grams only), in Python: n-grams and vectors of a hundred short texts
   cost a few milliseconds.

Full-text engines (FTS5's bm25, PostgreSQL's ts_rank) were the other candidates: both
read every posting of every query word, so a query holding "the" or "said" reads a large
share of a 400,000-check archive, and neither ranks by the blended score that the
CheckThat! figures were tuned on; they would only have replaced step 2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from ..engine.claim_text import clean_claim
from ..engine.match_terms import (
    GramScorer,
    blend,
    cosine,
    counts_of,
    gram_counts,
    idf,
    query_vector,
    word_tokens,
)
from ..engine.matching import (
    COVERAGE_WEIGHT,
    MEANING_WEIGHT,
    MIN_SCORE,
    with_coverage,
    with_meaning,
)
from ..engine.sentence_vectors import WordSets, words_vector
from .match_tables import DOCUMENT_COUNT, OWN, documents, grams, stats, terms

# Chosen on CheckThat! 2020 train (bench/claim_matching_eval.py --database): the rarest
# 24 words, 500 postings each, 100 candidates (train MAP@5 0.853 after a rebuild; 1,000
# postings and 200 candidates score the same and cost about 8 ms more per query on
# PostgreSQL at 400,000 checks; 16 words score 0.835 without the post cleaning).
TERMS = 24
PER_TERM = 500
POOL = 100


@dataclass(frozen=True)
class IndexHit:
    """A document of the index and its score against the query (0..1)."""

    doc_id: int
    source: str
    entry_id: int | None
    imported_check_id: int | None
    score: float


def _document_count(session: Session) -> int:
    found = session.execute(sa.select(stats.c.value)
                            .where(stats.c.key == DOCUMENT_COUNT)).scalar()
    return int(found or 0)


def _one_of(session: Session, column: sa.Column, values: Iterable[str]):
    """`column IN values`; on PostgreSQL one array parameter (`= ANY`), which it binds and
    plans in less time than hundreds of parameters (a query's n-grams, 292 at the median,
    at 400,000 checks: 3.4 -> 2.0 ms, measured)."""
    if session.get_bind().dialect.name == "postgresql":
        array = ARRAY(sa.Text)
        return column == sa.any_(sa.cast(sa.literal(list(values), array), array))
    return column.in_(list(values))


def search_index(session: Session, text: str, *, limit: int, include_imported: bool = True,
                 exclude_article: int | None = None, min_score: float = MIN_SCORE,
                 pool: int = POOL, per_term: int = PER_TERM,
                 rarest: int = TERMS,
                 meaning_weight: float = MEANING_WEIGHT,
                 coverage_weight: float = COVERAGE_WEIGHT) -> list[IndexHit]:
    """The `limit` documents closest to `text` scoring at least `min_score`, best first."""
    # A pasted post is matched on its claim and its author's name, not on its links, its
    # signature's handle and date, or run-together hashtags (CheckThat! 2020 tweets, index
    # rebuilt, MAP@5 train 0.828 -> 0.853; the text without the author: 0.836).
    cleaned = clean_claim(text)
    text = f"{cleaned.text} {cleaned.author}".strip() or text
    words = Counter(word_tokens(text))
    if limit <= 0 or not words:
        return []
    total = _document_count(session)
    if not total:
        return []
    known = session.execute(sa.select(terms.c.id, terms.c.term, terms.c.df).where(
        _one_of(session, terms.c.term, words), terms.c.df > 0)).all()
    word_idf = {row.term: idf(row.df, total) for row in known}
    query = query_vector(words, word_idf)
    if not query:
        return []
    # Plain SQL, the same on both engines; built as text because its shape (one arm per
    # term) changes with every query, which SQLAlchemy's statement cache cannot reuse.
    # Only placeholders and our own names go into the string: S608 does not apply.
    joins, params = "", {"pool": pool, "per_term": per_term}
    if not include_imported or exclude_article is not None:
        joins = " JOIN match_documents d ON d.id = p.doc_id"
        joins += " WHERE d.source = :own AND" if not include_imported else " WHERE"
        params["own"] = OWN
        if exclude_article is not None:
            joins += " (d.article_id IS NULL OR d.article_id <> :article) AND"
            params["article"] = exclude_article
    else:
        joins = " WHERE"
    arms = []
    for n, row in enumerate(sorted(known, key=lambda r: (r.df, r.term))[:rarest]):
        # Filtered before the limit, so that the postings kept are all allowed.
        arms.append(f"SELECT * FROM (SELECT p.doc_id, p.weight * :w{n} AS s "  # noqa: S608  # nosec B608
                    f"FROM match_postings p{joins} p.term_id = :t{n} "
                    f"ORDER BY p.weight DESC LIMIT :per_term) a{n}")
        params[f"w{n}"], params[f"t{n}"] = query[row.term], row.id
    statement = (
        "SELECT d.id, d.source, d.entry_id, d.imported_check_id, d.words, d.gram_words, "  # noqa: S608  # nosec B608
        "d.word_norm, d.char_norm FROM (SELECT u.doc_id, SUM(u.s) AS score FROM ("
        + " UNION ALL ".join(arms) + ") u GROUP BY u.doc_id ORDER BY score DESC, u.doc_id "
        "LIMIT :pool) b JOIN match_documents d ON d.id = b.doc_id")
    candidates = session.execute(sa.text(statement), params).all()
    if not candidates:
        return []
    query_grams = gram_counts(text)
    gram_idf = {row.gram: idf(row.df, total) for row in session.execute(
        sa.select(grams.c.gram, grams.c.df).where(_one_of(session, grams.c.gram, query_grams),
                                                 grams.c.df > 0))}
    counted = [counts_of(doc.words, doc.gram_words) for doc in candidates]
    char_scores = GramScorer(query_vector(query_grams, gram_idf), gram_idf).cosines(
        [(cut, doc.char_norm) for doc, (_words, cut) in zip(candidates, counted, strict=True)])
    lexical = np.array([blend(cosine(query, words_, word_idf, doc.word_norm), float(chars))
                        for doc, (words_, _cut), chars in zip(candidates, counted, char_scores,
                                                               strict=True)])
    query_meaning = words_vector(words)
    word_sets = WordSets([words_ for words_, _cut in counted])
    meaning = np.clip(word_sets.meanings() @ query_meaning, 0.0, 1.0)
    scores = with_meaning(lexical, meaning, bool(query_meaning.any()), weight=meaning_weight)
    if coverage_weight > 0 and meaning_weight > 0 and query_meaning.any():  # as MatchIndex
        unseen = idf(0, total)
        coverage = word_sets.coverage({word: word_idf.get(word, unseen) for word in words})
        scores = with_coverage(scores, coverage, True, weight=coverage_weight)
    hits = [(float(score_), doc) for score_, doc in zip(scores, candidates, strict=True)]
    hits.sort(key=lambda hit: (-hit[0], hit[1].id))
    return [IndexHit(doc.id, doc.source, doc.entry_id, doc.imported_check_id,
                     round(min(score_, 1.0), 3))
            for score_, doc in hits[:limit] if score_ >= min_score]


def index_size(session: Session) -> int:
    """How many documents the matching index holds."""
    return int(session.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one())
