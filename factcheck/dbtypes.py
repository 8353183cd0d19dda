"""Column types shared by the models: UTC timestamps and enums stored as plain strings."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, TypeDecorator

# Ids are INTEGER columns (32-bit on PostgreSQL): a larger number names no record, and
# must not reach a query, where it overflows.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always aware and in UTC on the Python side.

    SQLite has no time zones and PostgreSQL returns them in the session zone;
    storing naive UTC and re-attaching UTC on load gives one behaviour on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_type(enum_cls: type[enum.Enum]) -> Enum:
    """A portable enum column type storing the members' values as VARCHAR.

    Native PostgreSQL enums make every new state a migration of its own type;
    a string column keeps migrations plain and behaves the same on SQLite.
    """
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
