"""Claims carry their parts: the claimant's span and an attributed claim's content.

`claimant_start`/`claimant_end` locate the words that name the claim's source in the
article text (for a pronoun, the name it stands for, where it was written);
`content_start`/`content_end` the reported content of an attributed claim, with its own
kind (`content_kind`: factual, opinion, prediction, question) and score (`content_score`).

All nullable: rows made before this revision keep nulls (migrations do not import the
engine, tests/architecture.json) and are shown as before; claims made from then on (an
import, a new text revision's sentences, a split, a merge, an added claim) get them.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 16:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPANS = ("claimant_start", "claimant_end", "content_start", "content_end")


def upgrade() -> None:
    with op.batch_alter_table("claims", recreate="never") as batch:
        for name in _SPANS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch.add_column(sa.Column("content_kind", sqlmodel.sql.sqltypes.AutoString(length=16),
                                   nullable=True))
        batch.add_column(sa.Column("content_score", sa.Float(), nullable=True))


def downgrade() -> None:
    # Never recreated: on SQLite a copied table drops its children's rows by cascade.
    with op.batch_alter_table("claims", recreate="never") as batch:
        for name in ("content_score", "content_kind", *reversed(_SPANS)):
            batch.drop_column(name)
