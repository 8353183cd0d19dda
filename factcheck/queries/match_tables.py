"""The claim-matching index's tables, for building statements (created by migration 0030).

Derived data like the search index (not on `SQLModel.metadata`; `factcheck search
reindex` rebuilds it), kept in step by factcheck/workflow/match_index.py:

- `match_documents`: one row per matchable check: an own decided claim of a live
  publication (`entry_id`, the search index row; `article_id` for the "not this article"
  filter) or an imported ClaimReview (`imported_check_id`); the words of the text matched
  (an imported check's claim and headline; `factcheck.engine.match_terms.stored_terms`)
  and the norms of its word and n-gram TF-IDF vectors;
- `match_terms`: each word with an id and its document frequency;
- `match_grams`: each character n-gram and its document frequency (no postings: n-grams
  only score the candidates the words found);
- `match_postings`: (word, document, weight), the word's share of the document's unit
  vector, keyed by (term_id, weight, doc_id) so that a term's best documents are read first;
- `match_stats`: the number of documents (`documents`), for the IDF.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..models import MATCH_INDEX_TABLES

DOCUMENTS, TERMS, GRAMS, POSTINGS, STATS = MATCH_INDEX_TABLES
OWN, IMPORTED = "own", "imported"
DOCUMENT_COUNT = "documents"  # match_stats key

_metadata = sa.MetaData()
documents = sa.Table(
    DOCUMENTS, _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(8), nullable=False),
    sa.Column("entry_id", sa.Integer),
    sa.Column("imported_check_id", sa.Integer),
    sa.Column("article_id", sa.Integer),
    sa.Column("words", sa.Text, nullable=False),  # its words, normalised, with repeats
    sa.Column("gram_words", sa.Text),  # the words n-grams are cut from, when not the same
    sa.Column("word_norm", sa.Float, nullable=False),
    sa.Column("char_norm", sa.Float, nullable=False),
)
terms = sa.Table(
    TERMS, _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("term", sa.Text, nullable=False, unique=True),
    sa.Column("df", sa.Integer, nullable=False),
)
grams = sa.Table(
    GRAMS, _metadata,
    sa.Column("gram", sa.Text, primary_key=True),
    sa.Column("df", sa.Integer, nullable=False),
)
postings = sa.Table(
    POSTINGS, _metadata,
    sa.Column("term_id", sa.Integer, primary_key=True),
    sa.Column("weight", sa.Float, primary_key=True),
    sa.Column("doc_id", sa.Integer, primary_key=True),
)
stats = sa.Table(
    STATS, _metadata,
    sa.Column("key", sa.String(20), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
