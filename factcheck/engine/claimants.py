"""Claimant names: the key that says two mentions name the same claimant, and the
resolution of a short mention ("Okafor", "Mayor Okafor") to the full name an article
gives elsewhere ("Mayor Helen Okafor" is "Helen Okafor")."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Honorifics and titles left out of a claimant's name: "Mayor Helen Okafor" is "Helen Okafor".
TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "rev", "sen", "senator", "rep", "gov", "governor", "mayor", "president", "minister",
    "premier", "chancellor", "secretary", "general", "gen", "col", "capt", "judge", "justice",
    "sheikh", "mullah", "mawlawi", "haji", "engineer", "eng",
))
# Capitalised words that precede a surname in a sentence without being part of a name.
_NOT_NAMES = frozenset((
    "the", "a", "an", "on", "in", "at", "by", "of", "and", "but", "or", "so", "as", "after",
    "before", "when", "while", "since", "if", "then", "also", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "according",
    "meanwhile", "however",
))


def _bare(word: str) -> str:
    return word.strip(".,;:'\"\u201c\u201d\u2019()").casefold()


def is_title(word: str) -> bool:
    """Whether `word` is an honorific or title ("Dr.", "Mayor")."""
    return _bare(word) in TITLES


def strip_titles(name: str) -> str:
    """`name` without leading honorifics and titles, whitespace collapsed."""
    words = name.split()
    while len(words) > 1 and _bare(words[0]) in TITLES:
        words = words[1:]
    return " ".join(words)


def name_key(name: str | None) -> str:
    """The key under which two names are the same claimant: case, spacing and titles aside."""
    return " ".join(_bare(w) for w in strip_titles(name or "").split() if _bare(w))


def _full_names_in(text: str, surname: str) -> set[str]:
    """Full names ending in `surname` written in `text` ("Mayor Helen Okafor" → Helen Okafor)."""
    found = set()
    pattern = re.compile(rf"((?:[A-Z][\w\u2019'.-]*\s+){{1,3}}){re.escape(surname)}\b")
    for match in pattern.finditer(text):
        words = match.group(1).split()
        while words and (_bare(words[0]) in _NOT_NAMES or _bare(words[0]) in TITLES):
            words = words[1:]
        if words and not any(_bare(w) in _NOT_NAMES for w in words):
            found.add(" ".join([*words, surname]))
    return found


def resolve_mentions(mentions: Iterable[str], text: str = "") -> dict[str, str]:
    """Each mention of one article mapped to its claimant's name within that article.

    Titles are dropped; a one-word mention (a surname) becomes the one full name ending in
    it among the article's mentions, or else written in its text; when two different full
    names share the surname, the short mention stays as it is.
    """
    mentions = [m for m in mentions if m and m.strip()]
    names = {m: strip_titles(m.strip()) for m in mentions}
    full_by_surname: dict[str, set[str]] = {}
    for name in names.values():
        words = name.split()
        if len(words) >= 2 and words[-1][:1].isupper():
            full_by_surname.setdefault(_bare(words[-1]), set()).add(name)
    resolved = {}
    for mention, name in names.items():
        words = name.split()
        if len(words) == 1 and words[0][:1].isupper():
            candidates = full_by_surname.get(_bare(words[0])) or _full_names_in(text, words[0])
            keys = {name_key(c) for c in candidates}
            if len(keys) == 1:
                name = sorted(candidates, key=len)[-1]
        resolved[mention] = name
    return resolved
