"""Empty the PostgreSQL test database between tests, quickly.

TRUNCATE of every table costs about 0.1 s a test (a new file per table); most tests
touch a handful of small tables, so only the tables holding rows are emptied, with
DELETE, and their id sequences restarted. The reference data every installation has
(rating scales) is kept in a `seed` schema once and copied back.
"""

# Names in these statements come from PostgreSQL's own catalogue, quoted: S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

SEED_SCHEMA = "seed"
_KEEP = {"alembic_version"}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresReset:
    """Remembers the seeded state of a migrated database and brings it back."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url)
        with self.engine.begin() as conn:
            tables = [row[0] for row in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
            tables = [name for name in tables if name not in _KEEP]
            # Children before parents, so DELETE meets no foreign key; tables the models do
            # not know (filled by triggers) hang off the others, so they go first.
            known = [t.name for t in SQLModel.metadata.sorted_tables]
            self.tables = ([name for name in tables if name not in known]
                           + [name for name in reversed(known) if name in tables])
            # table -> (its id sequence, the column it numbers)
            self.sequences = {table: (sequence, column) for table, column, sequence in conn.execute(
                text("SELECT table_name, column_name, pg_get_serial_sequence("
                     "quote_ident(table_name), column_name) FROM information_schema.columns "
                     "WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' "
                     "OR is_identity = 'YES')"))}
            self.seeded = self._holding_rows(conn)
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SEED_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SEED_SCHEMA}"))
            for name in self.seeded:
                conn.execute(text(f"CREATE TABLE {SEED_SCHEMA}.{_quoted(name)} AS "
                                  f"SELECT * FROM public.{_quoted(name)}"))

    def _holding_rows(self, conn: Connection) -> list[str]:
        probe = " UNION ALL ".join(
            f"SELECT {i} WHERE EXISTS (SELECT 1 FROM public.{_quoted(name)})"
            for i, name in enumerate(self.tables))
        return [self.tables[row[0]] for row in conn.execute(text(probe))]

    def reset(self) -> None:
        """Empty every table, then put the seeded rows back as they were."""
        with self.engine.begin() as conn:
            full = self._holding_rows(conn)
            try:
                with conn.begin_nested():
                    for name in full:
                        conn.execute(text(f"DELETE FROM public.{_quoted(name)}"))
            except DBAPIError:  # a cycle of foreign keys: let PostgreSQL find the order
                conn.execute(text("TRUNCATE " + ", ".join(
                    f"public.{_quoted(name)}" for name in full) + " CASCADE"))
            for name in full:
                if name in self.sequences:
                    conn.execute(text("SELECT setval(:s, 1, false)"),
                                 {"s": self.sequences[name][0]})
            for name in reversed(self.seeded):  # parents first
                conn.execute(text(f"INSERT INTO public.{_quoted(name)} "
                                  f"SELECT * FROM {SEED_SCHEMA}.{_quoted(name)}"))
                if name in self.sequences:
                    sequence, column = self.sequences[name]
                    conn.execute(text(
                        f"SELECT setval(:s, (SELECT coalesce(max({_quoted(column)}), 0) + 1 "
                        f"FROM public.{_quoted(name)}), false)"), {"s": sequence})

    def dispose(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()
