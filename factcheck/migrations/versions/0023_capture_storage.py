"""Where a preserved copy is stored: `evidence_captures.storage_key`.

Empty: the WARC file is in the row's `warc` column (the database storage, and every copy
made before this revision). Otherwise the full address of the copy in a directory or an
S3 bucket (factcheck/infra/archive_storage.py), so copies open after the setting changes.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 09:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_captures") as batch:
        batch.add_column(sa.Column("storage_key", sa.Text(), nullable=True))


def downgrade() -> None:
    # Never recreated: on SQLite a copied table drops its children's rows by cascade.
    with op.batch_alter_table("evidence_captures", recreate="never") as batch:
        batch.drop_column("storage_key")
