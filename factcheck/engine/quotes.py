"""Finding an evidence quote in a page's text, whatever its spacing, quote marks or case.

A reviewer copies a sentence from a page; the extracted text may break lines elsewhere,
use typographic quote marks where the quote has straight ones, or the other way round.
Both are compared in a normalised form (runs of whitespace as one space, every quote
mark as its ASCII counterpart, lower case), and the match is mapped back to character
offsets in the original text.
"""

from __future__ import annotations

_DOUBLE = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"
_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u2039\u203a\u0060\u00b4"
_MARKS = str.maketrans({**dict.fromkeys(_DOUBLE, '"'), **dict.fromkeys(_SINGLE, "'")})
_STRIPPED = " \t\r\n\"'" + _DOUBLE + _SINGLE


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

    Surrounding quote marks and spaces of the quote are ignored.
    """
    wanted, _offsets = _normalised(quote.strip(_STRIPPED))
    wanted = wanted.strip()
    if not wanted:
        return None
    haystack, offsets = _normalised(text)
    position = haystack.find(wanted)
    if position < 0:
        return None
    return offsets[position], offsets[position + len(wanted) - 1] + 1
