"""The search index names each published claim by its id, and a stored match its check's.

A published claim was known to the search index, and to the matches stored by the matching
job, only by its article and its number on the verdict page; numbers change when a claim
is taken out or added on republishing, and wording changes with a correction, so a stored
match could no longer tell which claim it named. `search_entries.claim_id` comes from the
snapshot of each live publication (derived data, as the rest of the index); a match of the
desk's own check gets `matched_claim_id`: the claim its key's number names in the live
snapshot when the wording is the one matched, else the claim of the snapshot with that
wording (left empty when neither is found: the match is not shown until matched again).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 13:40:00
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRIES = sa.table("search_entries", sa.column("publication_id", sa.Integer),
                   sa.column("claim_number", sa.Integer), sa.column("claim_id", sa.Integer))
PUBLICATIONS = sa.table("publications", sa.column("id", sa.Integer),
                        sa.column("article_id", sa.Integer), sa.column("snapshot", sa.JSON),
                        sa.column("withdrawn_at", sa.DateTime))
MATCHES = sa.table("claim_matches", sa.column("id", sa.Integer), sa.column("key", sa.String),
                   sa.column("source", sa.String), sa.column("text", sa.Text),
                   sa.column("matched_claim_id", sa.Integer))


def _claims(snapshot) -> list[dict]:
    data = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    return [c for c in (data or {}).get("claims", []) if isinstance(c, dict)]


def upgrade() -> None:
    op.add_column("search_entries", sa.Column("claim_id", sa.Integer(), nullable=True))
    op.create_index("ix_search_entries_claim_id", "search_entries", ["claim_id"])
    bind = op.get_bind()
    live: dict[int, list[dict]] = {}
    for publication_id, article_id, snapshot in bind.execute(
            sa.select(PUBLICATIONS.c.id, PUBLICATIONS.c.article_id, PUBLICATIONS.c.snapshot)
            .where(PUBLICATIONS.c.withdrawn_at.is_(None))):
        claims = _claims(snapshot)
        live[article_id] = claims
        rows = [{"p": publication_id, "n": c["number"], "c": c["id"]} for c in claims
                if "number" in c and "id" in c]
        if rows:
            bind.execute(ENTRIES.update().where(
                ENTRIES.c.publication_id == sa.bindparam("p"),
                ENTRIES.c.claim_number == sa.bindparam("n")).values(claim_id=sa.bindparam("c")),
                rows)
    found = []
    for match_id, key, text in bind.execute(
            sa.select(MATCHES.c.id, MATCHES.c.key, MATCHES.c.text)
            .where(MATCHES.c.source == "own", MATCHES.c.matched_claim_id.is_(None))):
        _own, _colon, rest = key.partition(":")
        article, _colon, number = rest.partition(":")
        if not (article.isdigit() and number.isdigit()):
            continue
        claims = live.get(int(article), [])
        same = [c for c in claims if c.get("text") == text]
        chosen = next((c for c in same if c.get("number") == int(number)),
                      same[0] if same else None)
        if chosen is not None and "id" in chosen:
            found.append({"m": match_id, "c": chosen["id"]})
    if found:
        bind.execute(MATCHES.update().where(MATCHES.c.id == sa.bindparam("m"))
                     .values(matched_claim_id=sa.bindparam("c")), found)


def downgrade() -> None:
    op.execute(MATCHES.update().where(MATCHES.c.source == "own").values(matched_claim_id=None))
    op.drop_index("ix_search_entries_claim_id", table_name="search_entries")
    op.drop_column("search_entries", "claim_id")
