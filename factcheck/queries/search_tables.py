"""The search index's tables, for building statements: queries read them, workflow writes.

The search index holds only what readers can see: one row per claim of every *live*
publication snapshot (claim text, claimant, verdict name, the decision's conclusion, the
article's title and outlet), so nothing unpublished can leak through a search. It is
derived data, kept in step with publishing by `factcheck.workflow.search_index`.

Storage (created by migration 0005, deliberately not on `SQLModel.metadata`):

- `search_entries`, a plain table with what a result shows and what the filters need, on
  both engines; its rows cascade away with their article or publication.
- SQLite: `search_fts`, an FTS5 table whose rowid is `search_entries.id` (a trigger deletes
  its rows together with the entries).
- PostgreSQL: a weighted `tsvector` column `search_entries.document` with a GIN index, built
  with the 'simple' configuration (no stemming, no stop words: any language works).

Both engines index and match only the words of `factcheck.engine.search_text`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Session

from ..models import SEARCH_ENTRIES, SEARCH_FTS

# Only for building statements: migration 0005 creates these with dialect-specific DDL.
_metadata = sa.MetaData()
entries = sa.Table(
    SEARCH_ENTRIES, _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, nullable=False),
    sa.Column("publication_id", sa.Integer, nullable=False),
    sa.Column("slug", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("claim_number", sa.Integer, nullable=False),
    sa.Column("claim_id", sa.Integer),  # the published claim (None: indexed before 0032)
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
# FTS5 columns, in order, with their bm25 weights (PostgreSQL: weights A-D when written).
FTS_COLUMNS = (("claim_text", 4.0), ("claimant", 1.0), ("verdict", 1.0),
               ("summary", 2.0), ("title", 3.0), ("outlet", 1.0))
FTS = SEARCH_FTS
fts = sa.table(FTS, sa.column("rowid"), *(sa.column(name) for name, _w in FTS_COLUMNS))
SIMPLE = sa.literal_column("'simple'::regconfig")  # PostgreSQL's language-free configuration


def is_postgres(session: Session) -> bool:
    """True when `session` talks to PostgreSQL (tsvector), False for SQLite (FTS5)."""
    return session.get_bind().dialect.name == "postgresql"
