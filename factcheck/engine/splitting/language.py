"""Language detection small enough to ship: the script first, then common function words."""

from __future__ import annotations

import re

# Letters only Pashto uses among the Arabic-script languages of Afghanistan.
_PASHTO_LETTERS = set("ټډړښږګڼۍېځڅ")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_WORD = re.compile(r"[a-zA-ZÀ-ÿ]+")

_FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "was", "with", "has", "said"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "que", "dans", "pour", "qui", "du"},
    "es": {"el", "la", "los", "las", "y", "que", "del", "en", "una", "por", "con", "para"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "eine", "zu", "von"},
    "pt": {"o", "os", "as", "e", "que", "do", "da", "em", "uma", "para", "com", "não"},
    "it": {"il", "di", "che", "e", "la", "per", "una", "sono", "del", "della", "con", "non"},
    "nl": {"de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "met", "voor"},
}


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code ("en", "fa", "ps", ...) for `text`, or None when unsure."""
    sample = text[:20_000]
    arabic = len(_ARABIC_SCRIPT.findall(sample))
    words = [w.lower() for w in _LATIN_WORD.findall(sample)]
    if arabic > len("".join(words)):
        return "ps" if sum(ch in _PASHTO_LETTERS for ch in sample) >= 3 else "fa"
    if len(words) < 3:
        return None
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= max(2, len(words) // 50) else None
