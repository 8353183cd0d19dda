"""The frozen snapshot of a published check: reading its values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def numeric_rating(rating: dict[str, Any] | None) -> tuple[int | None, int | None, int | None]:
    """(value, worst, best) of an ordinal verdict; all None for a non-ordinal one
    ("Unverifiable"), which carries only its name, as in the ClaimReview markup."""
    if not rating or rating["value"] is None:
        return None, None, None
    return rating["value"], rating["worst"], rating["best"]


def parse_time(value: str) -> datetime:
    """A timestamp stored as ISO 8601 text in a snapshot, as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
