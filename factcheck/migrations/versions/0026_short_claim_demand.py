"""Claims get a short summary, claims.short_claim; the claim kind "demand" arrives.

`short_claim` (at most 140 characters) is what ClaimReview's claimReviewed and the verdict
page's heading show. New claims get the engine's proposal when they are made. Existing
rows keep "" here (migrations do not import the engine, tests/architecture.json): every
reader (the editor's form, the API, publishing, a snapshot published before this column)
falls back to the engine's proposal from the claim's words, the same one an import makes,
until an editor saves one.

The new kind "demand" needs no schema change: kinds are stored as plain strings (no enum
type, no check constraint) and the column is already wide enough for it.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 09:15:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("short_claim", sqlmodel.sql.sqltypes.AutoString(length=140),
                                   nullable=False, server_default=""))


def downgrade() -> None:
    # Never recreated: on SQLite a copied table drops its children's rows by cascade.
    with op.batch_alter_table("claims", recreate="never") as batch:
        batch.drop_column("short_claim")
