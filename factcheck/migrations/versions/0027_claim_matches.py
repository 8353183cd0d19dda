"""Matches of the desk's claims with earlier checks and other open work: `claim_matches`.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 09:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE = sa.Enum("own", "imported", "open", name="matchsource", native_enum=False,
                  create_constraint=False, length=16)
_STATUS = sa.Enum("suggested", "same", "dismissed", name="matchstatus", native_enum=False,
                  create_constraint=False, length=17)


def upgrade() -> None:
    op.create_table(
        "claim_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("source", _SOURCE, nullable=False),
        sa.Column("matched_article_id", sa.Integer(), nullable=True),
        sa.Column("matched_claim_id", sa.Integer(), nullable=True),
        sa.Column("imported_check_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rating", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("claim_number", sa.Integer(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", factcheck.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("matched_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], ondelete="CASCADE",
                                name=op.f("fk_claim_matches_claim_id_claims")),
        sa.ForeignKeyConstraint(["matched_article_id"], ["articles.id"], ondelete="CASCADE",
                                name=op.f("fk_claim_matches_matched_article_id_articles")),
        sa.ForeignKeyConstraint(["matched_claim_id"], ["claims.id"], ondelete="CASCADE",
                                name=op.f("fk_claim_matches_matched_claim_id_claims")),
        sa.ForeignKeyConstraint(["imported_check_id"], ["imported_checks.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_claim_matches_imported_check_id_imported_checks")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_claim_matches_decided_by_id_users")),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], ondelete="SET NULL",
                                name=op.f("fk_claim_matches_evidence_id_evidence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_matches")),
        sa.UniqueConstraint("claim_id", "key", name=op.f("uq_claim_matches_claim_id")),
    )
    with op.batch_alter_table("claim_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_matches_claim_id"), ["claim_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_claim_matches_matched_article_id"),
                              ["matched_article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_matches_matched_claim_id"),
                              ["matched_claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_matches_imported_check_id"),
                              ["imported_check_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_matches_imported_check_id"))
        batch_op.drop_index(batch_op.f("ix_claim_matches_matched_claim_id"))
        batch_op.drop_index(batch_op.f("ix_claim_matches_matched_article_id"))
        batch_op.drop_index(batch_op.f("ix_claim_matches_claim_id"))
    op.drop_table("claim_matches")
