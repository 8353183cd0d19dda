"""Claimants become records: a `claimants` table, `claims.claimant_id`, and a backfill that
gives every existing claimant its record (short mentions resolved within each article).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 22:40:00
"""
import re
import unicodedata
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from slugify import slugify

import factcheck.dbtypes

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The rules of factcheck/engine/claimants.py and engine/slugs.py as they were when this
# revision was written, frozen here: a migration must do the same thing whatever the code
# of later versions does.
_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "rev", "sen", "senator", "rep", "gov", "governor", "mayor", "president", "minister",
    "premier", "chancellor", "secretary", "general", "gen", "col", "capt", "judge", "justice",
    "sheikh", "mullah", "mawlawi", "haji", "engineer", "eng",
))
_NOT_NAMES = frozenset((
    "the", "a", "an", "on", "in", "at", "by", "of", "and", "but", "or", "so", "as", "after",
    "before", "when", "while", "since", "if", "then", "also", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "according",
    "meanwhile", "however",
))


def _bare(word: str) -> str:
    return word.strip(".,;:'\"\u201c\u201d\u2019()").casefold()


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and _bare(words[0]) in _TITLES:
        words = words[1:]
    return " ".join(words)


def _name_key(name: str | None) -> str:
    return " ".join(_bare(w) for w in _strip_titles(name or "").split() if _bare(w))


def _full_names_in(text: str, surname: str) -> set[str]:
    found = set()
    pattern = re.compile(rf"((?:[A-Z][\w\u2019'.-]*\s+){{1,3}}){re.escape(surname)}\b")
    for match in pattern.finditer(text):
        words = match.group(1).split()
        while words and (_bare(words[0]) in _NOT_NAMES or _bare(words[0]) in _TITLES):
            words = words[1:]
        if words and not any(_bare(w) in _NOT_NAMES for w in words):
            found.add(" ".join([*words, surname]))
    return found


def _resolve_mentions(mentions: Iterable[str], text: str) -> dict[str, str]:
    mentions = [m for m in mentions if m and m.strip()]
    names = {m: _strip_titles(m.strip()) for m in mentions}
    full_by_surname: dict[str, set[str]] = {}
    for name in names.values():
        words = name.split()
        if len(words) >= 2 and words[-1][:1].isupper():
            full_by_surname.setdefault(_bare(words[-1]), set()).add(name)
    resolved = {}
    for mention, name in names.items():
        words = name.split()
        if len(words) == 1 and words[0][:1].isupper():
            candidates = full_by_surname.get(_bare(words[0])) or _full_names_in(text, words[0])
            if len({_name_key(c) for c in candidates}) == 1:
                name = sorted(candidates, key=len)[-1]
        resolved[mention] = name
    return resolved


def _make_slug(text: str) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.category(char) == "Mn" and out and out[-1].isascii():
            continue
        out.append(char)
    latin = unicodedata.normalize("NFC", "".join(out))
    slug = slugify(latin, allow_unicode=True, max_length=80,
                   replacements=[("'", "-"), ("\u2019", "-")])
    return slug.strip("-") or "claimant"


def _with_suffix(base: str, taken: set[str]) -> str:
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


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
        names = _resolve_mentions([r.claimant for r in article_rows], body)
        for row in article_rows:
            name = names.get(row.claimant, row.claimant).strip()[:200]
            key = _name_key(name)[:200]
            if not key:
                continue
            if key not in records:
                slug = _with_suffix(_make_slug(name), slugs)
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
