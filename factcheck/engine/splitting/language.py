"""Languages and scripts in one place: detection, script, writing direction. Plain Python only.

Public API:
- `detect_language(text) -> str | None`: an ISO 639-1 code, or None when unsure
- `script_of(text, lang=None) -> "arabic" | "latin"`: from the code when known, else the text
- `is_rtl(lang) -> bool` and `text_direction(lang) -> "rtl" | "auto"` (the `text_dir` filter)
- `ARABIC_SCRIPT`, `ARABIC_LETTERS`, `LATIN_LETTERS`: the character classes all of them use
"""

# This module is about Arabic script: its strings and comments name those characters.

from __future__ import annotations

import re

__all__ = [
    "ARABIC",
    "ARABIC_LETTERS",
    "ARABIC_SCRIPT",
    "LATIN",
    "LATIN_LETTERS",
    "detect_language",
    "is_rtl",
    "script_of",
    "text_direction",
]

LATIN = "latin"
ARABIC = "arabic"

# The Unicode blocks of Arabic script: Arabic, Arabic Supplement, Arabic Extended-A and
# the presentation forms (old fonts and PDFs still produce those). FEFF, the byte order
# mark at the end of Presentation Forms-B, is not Arabic: the class stops at FEFC.
_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                  (0xFE70, 0xFEFC))


def _class_body(codes: list[int]) -> str:
    """The body of a regex character class (`\\u0621-\\u063a...`) matching exactly `codes`."""
    parts: list[str] = []
    index = 0
    while index < len(codes):
        end = index
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        first, last = codes[index], codes[end]
        parts.append(f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}")
        index = end + 1
    return "".join(parts)


_ARABIC_CODES = [code for low, high in _ARABIC_BLOCKS for code in range(low, high + 1)]
# Any Arabic-script character: letters, marks, digits (۱۲۳) and punctuation (؟ ، ۔).
_ARABIC_SCRIPT_CLASS = _class_body(_ARABIC_CODES)
ARABIC_SCRIPT = re.compile(f"[{_ARABIC_SCRIPT_CLASS}]")
# Only its letters (a character class body): what words and one-letter abbreviations
# (`ه.ش.`) are made of. Digits and punctuation must not count as words.
ARABIC_LETTERS = _class_body([code for code in _ARABIC_CODES if chr(code).isalpha()])
# Latin letters with the accented ones of Western and Central European languages.
LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_LETTER = re.compile(f"[{LATIN_LETTERS}]")
_LATIN_WORD = re.compile(f"[{LATIN_LETTERS}]+")

# ISO 639-1/2/3 codes of languages written in Arabic script (Dari is `prs`, Pashto `ps`).
_ARABIC_SCRIPT_LANGS = frozenset([
    "fa", "prs", "pes", "per", "fas",  # Persian and Dari
    "ps", "pbt", "pbu", "pst", "pus",  # Pashto
    "ar", "arb", "ur", "ckb", "sd", "ug", "bal", "glk", "haz",
])
# Written right to left: the Arabic-script languages, Hebrew, Yiddish and Dhivehi.
_RTL_LANGS = _ARABIC_SCRIPT_LANGS | {"he", "yi", "dv"}
# Letters only Pashto uses among the Arabic-script languages of Afghanistan.
_PASHTO_LETTERS = frozenset("ټډړښږګڼۍېځڅ")
# Enough text to decide on: a long article is not read to its end.
_SAMPLE = 20_000

_FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "was", "with", "has", "said"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "que", "dans", "pour", "qui", "du"},
    "es": {"el", "la", "los", "las", "y", "que", "del", "en", "una", "por", "con", "para"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "eine", "zu", "von"},
    "pt": {"o", "os", "as", "e", "que", "do", "da", "em", "uma", "para", "com", "não"},
    "it": {"il", "di", "che", "e", "la", "per", "una", "sono", "del", "della", "con", "non"},
    "nl": {"de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "met", "voor"},
}


def _primary_subtag(lang: str | None) -> str:
    """The language part of a code: "fa-AF", "FA_af" and " fa " all give "fa"."""
    return (lang or "").strip().lower().replace("_", "-").split("-", 1)[0]


def script_of(text: str | None, lang: str | None = None) -> str:
    """The script ("arabic" or "latin") of language `lang`, or else of the text itself."""
    code = _primary_subtag(lang)
    if code:
        return ARABIC if code in _ARABIC_SCRIPT_LANGS else LATIN
    sample = (text or "")[:_SAMPLE]
    if sample.isascii():
        return LATIN  # most English text: no need to count
    arabic = len(ARABIC_SCRIPT.findall(sample))
    return ARABIC if arabic > len(_LATIN_LETTER.findall(sample)) else LATIN


def is_rtl(lang: str | None) -> bool:
    """Whether text in language `lang` ("fa", "ps-AF", "en_GB", None) is written right to left."""
    return _primary_subtag(lang) in _RTL_LANGS


def text_direction(lang: str | None) -> str:
    """The `dir` attribute for text in `lang`: "rtl", or "auto" to let the text decide."""
    return "rtl" if is_rtl(lang) else "auto"


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code ("en", "fa", "ps", ...) for `text`, or None when unsure."""
    sample = text[:_SAMPLE]
    if script_of(sample) == ARABIC:
        return "ps" if sum(ch in _PASHTO_LETTERS for ch in sample) >= 3 else "fa"
    words = [w.lower() for w in _LATIN_WORD.findall(sample)]
    if len(words) < 3:
        return None
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= max(2, len(words) // 50) else None
