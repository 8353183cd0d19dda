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
_ELISION = re.compile(r"\[\s*(?:\u2026|\.\.\.)\s*\]|\u2026|\.\.\.")
MAX_GAP = 1000  # characters an elision may stand for (a phrase or a few sentences)
_TRIES = 50  # places of the first part tried before giving up


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


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text` (offsets into `text`), or None when it is not there.

    Surrounding quote marks and spaces of the quote are ignored; an elision ("…") in it
    stands for words left out.
    """
    parts = [part for part in (_normalised(piece)[0].strip(_STRIPPED).strip()
                               for piece in _ELISION.split(quote.strip(_STRIPPED))) if part]
    if not parts:
        return None
    haystack, offsets = _normalised(text)
    position = haystack.find(parts[0])
    for _try in range(_TRIES):
        if position < 0:
            return None
        end = _rest_found(haystack, parts[1:], position + len(parts[0]))
        if end is not None:
            return offsets[position], offsets[end - 1] + 1
        position = haystack.find(parts[0], position + 1)
    return None


def _rest_found(haystack: str, parts: list[str], after: int) -> int | None:
    """Where the last of `parts` ends when each follows the one before within MAX_GAP."""
    for part in parts:
        found = haystack.find(part, after, after + MAX_GAP + len(part))
        if found < 0:
            return None
        after = found + len(part)
    return after
