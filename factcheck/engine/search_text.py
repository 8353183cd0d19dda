"""The words of search: one normalisation for the index, the queries and the highlighting.

Both database engines see the same words: text is normalised and split into words here
(case, diacritics, Arabic/Persian letter and digit variants, zero-width non-joiner), and the
engines index and match those words only.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby

_FOLD = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc",  # Arabic yeh, alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0640": None,  # tatweel (kashida) only stretches a word
    "\u200c": " ",  # zero-width non-joiner separates the parts of a Persian word
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
})
# Diacritics we fold away: Latin/Greek/Cyrillic combining accents, Arabic harakat.
_DIACRITIC = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")


def normalise(text: str) -> str:
    """`text` folded for matching: case, diacritics, Arabic/Persian variants, digits."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return unicodedata.normalize("NFC", _DIACRITIC.sub("", decomposed)).casefold()


def is_word_char(char: str) -> bool:
    """True for a character that belongs to a word (letters, digits, combining marks)."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def words(text: str | None) -> list[str]:
    """The normalised words of `text`: what the index stores and a query looks for."""
    return ["".join(run) for is_word, run in groupby(normalise(text or ""), is_word_char)
            if is_word]


def word_string(text: str | None) -> str:
    """The normalised words of `text` joined by spaces, as the index stores a column."""
    return " ".join(words(text))
