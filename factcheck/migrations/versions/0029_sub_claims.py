"""Sub-claims: claims.parent_id (the sentence's claim) and claims.origin.

A sentence holding several independent checkable statements gets them as sub-claims
(origin "atomic"), and the facts a condemnation or accusation takes as given as well
(origin "presupposed"); every other claim has origin "sentence". Existing articles keep
their claims as they are, all of origin "sentence", without sub-claims (this migration
does not run the engine; a re-split of an article's text adds them for new sentences).

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-06 16:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN with the reference inline on SQLite: it cannot add a constraint
    # later, and rebuilding `claims` would cascade-delete every row that refers to it.
    # No ON DELETE: SQLite does not reflect it from an inline reference (the no-drift
    # check would fail); the workflow moves sub-claims before it deletes a claim.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE claims ADD COLUMN parent_id INTEGER CONSTRAINT "
                   "fk_claims_parent_id_claims REFERENCES claims (id)")
    else:
        op.add_column("claims", sa.Column("parent_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_claims_parent_id_claims"), "claims", "claims",
                              ["parent_id"], ["id"])
    with op.batch_alter_table("claims", recreate="never") as batch:
        batch.add_column(sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=20),
                                   nullable=False, server_default="sentence"))
        batch.create_index(batch.f("ix_claims_parent_id"), ["parent_id"], unique=False)


def downgrade() -> None:
    # Sub-claims stay, as plain claims: one may be under review already, and deleting it
    # would delete its reviews and evidence with it.
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops the column with its reference
        op.drop_constraint(op.f("fk_claims_parent_id_claims"), "claims", type_="foreignkey")
    # Never recreated: on SQLite a copied table drops its children's rows by cascade.
    with op.batch_alter_table("claims", recreate="never") as batch:
        batch.drop_index(batch.f("ix_claims_parent_id"))
        batch.drop_column("origin")
        batch.drop_column("parent_id")
