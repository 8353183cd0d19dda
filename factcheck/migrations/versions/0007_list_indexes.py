"""Indexes for the lists that grow with the archive.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 18:30:00

Measured with bench/scale.py (10,000 articles, 300,000 claims): without them the
editors' lists, the public lists, the publishing state of the feeds and the API, a
claim's history and the reports inbox read and sort whole tables.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, columns)
_INDEXES = (
    ("ix_articles_created_at", "articles", ["created_at"]),
    ("ix_articles_status_published_at", "articles", ["status", "published_at"]),
    ("ix_articles_status_last_corrected_at", "articles", ["status", "last_corrected_at"]),
    ("ix_assignments_queue", "assignments", ["reviewer_id", "due_on", "assigned_at"]),
    ("ix_audit_events_object", "audit_events", ["object_type", "object_id"]),
    ("ix_conflict_declarations_article_id", "conflict_declarations", ["article_id"]),
    ("ix_conflict_declarations_claim_id", "conflict_declarations", ["claim_id"]),
    ("ix_corrections_created_at", "corrections", ["created_at"]),
    ("ix_publications_published_at", "publications", ["published_at"]),
    ("ix_publications_withdrawn_at", "publications", ["withdrawn_at"]),
    ("ix_reader_reports_status_created_at", "reader_reports", ["status", "created_at"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(op.f(name), table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(op.f(name), table_name=table)
