"""The published reasoning is the editor's: decisions.public_reasoning.

Until now the verdict page published every submitted reviewer's rationale word for word.
Existing decisions get the text those rationales gave (blank lines between them), so a
check republished after this change shows what it showed before; frozen publications
are not touched.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 23:15:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("public_reasoning", sa.Text(), nullable=False,
                                   server_default=""))
    connection = op.get_bind()
    decisions = sa.table("decisions", sa.column("id"), sa.column("claim_id"),
                         sa.column("public_reasoning"))
    reviews = sa.table("reviews", sa.column("id"), sa.column("claim_id"),
                       sa.column("rationale"), sa.column("status"))
    rationales: dict[int, list[str]] = {}
    for claim_id, rationale in connection.execute(
            sa.select(reviews.c.claim_id, reviews.c.rationale)
            .where(reviews.c.status == "submitted").order_by(reviews.c.id)):
        if rationale:
            rationales.setdefault(claim_id, []).append(rationale)
    for decision_id, claim_id in connection.execute(
            sa.select(decisions.c.id, decisions.c.claim_id)).all():
        if claim_id in rationales:
            connection.execute(decisions.update().where(decisions.c.id == decision_id)
                               .values(public_reasoning="\n\n".join(rationales[claim_id])))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("public_reasoning")
