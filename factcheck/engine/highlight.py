"""Cutting an article into plain and highlighted segments for claim spans, for templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class _Spanned(Protocol):
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    text: str
    claim: object | None = None  # the claim highlighted here, None for plain text
    number: int | None = None  # 1-based number of that claim in `claims`


def segments(body: str, claims: Sequence[_Spanned]) -> list[Segment]:
    """Plain and highlighted pieces of `body`, in order, concatenating back to `body`.

    A claim overlapping one already highlighted is not highlighted again (its card
    still lists it); spans outside the text are ignored.
    """
    numbered = sorted(
        ((c, n) for n, c in enumerate(claims, start=1) if 0 <= c.start < c.end <= len(body)),
        key=lambda item: (item[0].start, -item[0].end),
    )
    pieces: list[Segment] = []
    cursor = 0
    for claim, number in numbered:
        if claim.start < cursor:
            continue
        if claim.start > cursor:
            pieces.append(Segment(body[cursor:claim.start]))
        pieces.append(Segment(body[claim.start:claim.end], claim, number))
        cursor = claim.end
    if cursor < len(body):
        pieces.append(Segment(body[cursor:]))
    return pieces
