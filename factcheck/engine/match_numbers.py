"""Numbers in matched claims: "fell to 3.5%" and "fell to 4.5%" are not the same claim.

TF-IDF ignores one-digit tokens and weighs a number like any other word, so two sentences
that differ only in a figure score as near-identical. The desk's matches are re-ranked
with this rule: when both texts state figures and neither set of figures contains the
other, the candidate's score is multiplied by `NUMBER_PENALTY`, which puts a faithful
paraphrase (same figures, other words) above a near-duplicate with a changed number.
"""

from __future__ import annotations

import re

from .search_text import normalise

NUMBER_PENALTY = 0.6
# Digits with decimal or thousands separators (Persian digits are folded to ASCII first;
# the Arabic decimal separator U+066B and thousands separator U+066C count too).
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")


def numbers_in(text: str) -> frozenset[str]:
    """The figures stated in `text`, written alike (separators dropped, no leading zeros)."""
    found = set()
    for raw in _NUMBER.findall(normalise(text or "")):
        whole, _sep, fraction = re.sub(r"[,\u066c]", "", raw).replace("\u066b", ".") \
            .partition(".")
        fraction = fraction.rstrip("0")
        found.add((whole.lstrip("0") or "0") + (f".{fraction}" if fraction else ""))
    return frozenset(found)


def numbers_differ(query: str, candidate: str) -> bool:
    """Whether the two texts state different figures (neither's include the other's)."""
    mine, theirs = numbers_in(query), numbers_in(candidate)
    return bool(mine and theirs) and not (mine <= theirs or theirs <= mine)


def adjusted_score(score: float, query: str, candidate: str) -> float:
    """`score` lowered when the candidate states other figures than the query."""
    return round(score * NUMBER_PENALTY, 3) if numbers_differ(query, candidate) else score
