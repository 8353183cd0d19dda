"""Finding an evidence quote in a page's text, whatever its spacing, quote marks or case.

A reviewer copies a sentence from a page; the extracted text may break lines elsewhere,
use typographic quote marks where the quote has straight ones, or the other way round.
Both are compared in a normalised form (runs of whitespace as one space, every quote
mark as its ASCII counterpart, lower case), and the match is mapped back to character
offsets in the original text. A quote may leave words out, marked as quotations mark it
("…", "...", "[…]", "[...]"): its parts are found in order, each within `MAX_GAP`
characters of the one before, and the match runs from the first to the last.
"""

from __future__ import annotations

import re

_DOUBLE = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"
_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u2039\u203a\u0060\u00b4"
_MARKS = str.maketrans({**dict.fromkeys(_DOUBLE, '"'), **dict.fromkeys(_SINGLE, "'")})
_STRIPPED = " \t\r\n\"'" + _DOUBLE + _SINGLE
_ELISION = re.compile(r"\[\s*(?:\u2026|\.{3,})\s*\]|\u2026|\.{3,}")
_AT_ELISION = " .,;:"  # punctuation next to an elision belongs to neither side
MAX_GAP = 1000  # characters an elision may stand for (a phrase or a few sentences)
_BUDGET = 2000  # searches one quote may cost (a common word as a part, many parts)
_MAX_PARTS = 20  # more elisions than this: the quote is looked for as written


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` normalised, and for each of its characters the offset it came from."""
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char.isspace() or char in "\u200b\u00ad":
            if char in "\u200b\u00ad":
                continue  # zero-width space and soft hyphen: invisible, dropped
            if out and out[-1] != " ":
                out.append(" ")
                offsets.append(index)
            continue
        lower = char.lower()
        out.append((lower if len(lower) == 1 else char).translate(_MARKS))
        offsets.append(index)
    return "".join(out), offsets


def quote_parts(quote: str) -> list[str]:
    """The normalised pieces of `quote` between its elisions (none: nothing to look for)."""
    pieces = _ELISION.split(quote.strip(_STRIPPED))
    parts = []
    for index, piece in enumerate(pieces):
        part = _normalised(piece)[0]
        if index > 0:
            part = part.lstrip(_AT_ELISION)
        if index < len(pieces) - 1:
            part = part.rstrip(_AT_ELISION)
        part = part.strip(_STRIPPED).strip()
        if part:
            parts.append(part)
    if len(parts) > _MAX_PARTS:
        whole = _normalised(quote.strip(_STRIPPED))[0].strip()
        return [whole] if whole else []
    return parts


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text` (offsets into `text`), or None when it is not there.

    Surrounding quote marks and spaces of the quote are ignored; an elision ("…") in it
    stands for words left out.
    """
    parts = quote_parts(quote)
    if not parts:
        return None
    haystack, offsets = _normalised(text)
    found = _place(haystack, parts, 0, None, [_BUDGET])
    if found is None:
        return None
    return offsets[found[0]], offsets[found[1] - 1] + 1


def _place(haystack: str, parts: list[str], after: int, until: int | None,
           budget: list[int]) -> tuple[int, int] | None:
    """Where `parts` are, in order, the first from `after` (and before `until`), each next
    within MAX_GAP of the one before; earlier places first."""
    part, rest = parts[0], parts[1:]
    position = haystack.find(part, after, until)
    while position >= 0 and budget[0] > 0:
        budget[0] -= 1
        end = position + len(part)
        if not rest:
            return position, end
        following = _place(haystack, rest, end, end + MAX_GAP + len(rest[0]), budget)
        if following is not None:
            return position, following[1]
        position = haystack.find(part, position + 1, until)
    return None
