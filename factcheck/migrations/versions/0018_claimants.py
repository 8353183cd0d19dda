"""Claimants become records: a `claimants` table, `claims.claimant_id`, and a backfill that
gives every existing claimant its record (short mentions resolved within each article).

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-05 22:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import factcheck.dbtypes
from factcheck.engine.claimants import name_key, resolve_mentions
from factcheck.engine.slugs import make_slug, with_suffix

revision: str = "0018"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claimants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("same_as", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", factcheck.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["merged_into_id"], ["claimants.id"], ondelete="SET NULL",
                                name=op.f("fk_claimants_merged_into_id_claimants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claimants")),
    )
    with op.batch_alter_table("claimants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claimants_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_claimants_slug"), ["slug"], unique=True)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimant_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_claimant_id"), ["claimant_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_claims_claimant_id_claimants"),
                                    "claimants", ["claimant_id"], ["id"], ondelete="SET NULL")
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """A record per claimant name (the same rules as a new article's split), claims linked."""
    claims = sa.table("claims", sa.column("id"), sa.column("article_id"),
                      sa.column("claimant"), sa.column("claimant_id"))
    articles = sa.table("articles", sa.column("id"), sa.column("body"))
    claimants = sa.table("claimants", sa.column("id"), sa.column("name"), sa.column("key"),
                         sa.column("description"), sa.column("slug"),
                         sa.column("created_at"), sa.column("updated_at"),
                         sa.column("version"))
    rows = conn.execute(sa.select(claims.c.id, claims.c.article_id, claims.c.claimant)
                        .where(claims.c.claimant.is_not(None))
                        .order_by(claims.c.article_id, claims.c.id)).all()
    by_article: dict[int, list] = {}
    for row in rows:
        by_article.setdefault(row.article_id, []).append(row)
    records: dict[str, tuple[int, str]] = {}  # key -> (id, the record's name)
    slugs: set[str] = set()
    now = factcheck.dbtypes.utcnow()
    for article_id, article_rows in by_article.items():
        body = conn.execute(sa.select(articles.c.body).where(articles.c.id == article_id)
                            ).scalar() or ""
        names = resolve_mentions([r.claimant for r in article_rows], body)
        for row in article_rows:
            name = names.get(row.claimant, row.claimant).strip()[:200]
            key = name_key(name)[:200]
            if not key:
                continue
            if key not in records:
                slug = with_suffix(make_slug(name, fallback="claimant"), slugs)
                slugs.add(slug)
                record_id = conn.execute(claimants.insert().values(
                    name=name, key=key, description="", slug=slug, created_at=now,
                    updated_at=now, version=1).returning(claimants.c.id)).scalar_one()
                records[key] = (record_id, name)
            record_id, record_name = records[key]
            conn.execute(claims.update().where(claims.c.id == row.id).values(
                claimant_id=record_id, claimant=record_name))


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claims_claimant_id_claimants"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_claims_claimant_id"))
        batch_op.drop_column("claimant_id")
    with op.batch_alter_table("claimants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claimants_slug"))
        batch_op.drop_index(batch_op.f("ix_claimants_key"))
    op.drop_table("claimants")
