"""Fact-checks imported from ClaimReview feeds, matched against new claims: `imported_checks`.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 03:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imported_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("rating", sa.Text(), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("rating_best", sa.Float(), nullable=True),
        sa.Column("rating_worst", sa.Float(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("claimant", sa.Text(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
        sa.Column("imported_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_checks")),
        sa.UniqueConstraint("url", name=op.f("uq_imported_checks_url")),
    )
    op.create_index(op.f("ix_imported_checks_updated_at"), "imported_checks", ["updated_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_imported_checks_updated_at"), table_name="imported_checks")
    op.drop_table("imported_checks")
