"""Figures in matched claims: "fell to 3.5%" and "fell to 4.5%" are not the same claim.

TF-IDF ignores one-digit tokens and weighs a number like any other word, so two sentences
that differ only in a figure score as near-identical. The desk's matches are re-ranked
with this rule: when both texts state figures of one kind (years; other digits; number
words such as "two million"; days and months) and neither's figures of that kind contain
the other's, the candidate's score is multiplied by `NUMBER_PENALTY`, and kept below the
best candidate among the same matches that shares a figure with the claim, contradicts
none, and is close enough to be shown (`FAITHFUL_FLOOR` or the caller's threshold;
`adjusted_scores`). A faithful paraphrase (same figures, other words) thus ranks above a
near-duplicate with a changed number, date or quantity, which still shows, lower, as a
related check: a check often corrects the very figure a claim got wrong.

Chosen on CheckThat! 2020 train, where a post often states a figure its check does not
(a post's "3 weeks" against its check's "in August 2019", a wrong year the check
corrects): the first rule (one kind for all digits, a factor of 0.6, kept under any
candidate without another figure scoring 0.37) cost MAP@5 0.865 -> 0.836 in memory; years
apart from other numbers, 0.8, and kept under a candidate stating the same figures: 0.865.
"""

from __future__ import annotations

import re

from .claim_text import clean_claim
from .search_text import normalise, words

NUMBER_PENALTY = 0.8
# A candidate stating the query's figures keeps a changed figure under it from this score
# (the readers' "similar claims" floor): a faithful paraphrase sharing few words scores
# about 0.3 ("a 40-year high" for "the highest in four decades").
FAITHFUL_FLOOR = 0.265
_BELOW = 0.001  # how far under the best same-figure candidate a changed figure is kept
# Digits with decimal or thousands separators (Persian digits are folded to ASCII first;
# the Arabic decimal separator U+066B and thousands separator U+066C count too).
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")
# Years are compared with years only: "3 weeks" and "in August 2019" state no conflicting
# figure. A year is four digits written plainly, 1900-2099 (or 1300-1499, the solar years
# of Afghanistan), after a word that introduces a date: "killed 1500 people" against
# "killed 150 people" is a changed quantity.
_YEAR = re.compile(r"(?:19|20|13|14)\d\d")
_YEAR_CUES = frozenset([
    "in", "since", "until", "till", "before", "after", "during", "between", "and", "year",
    "early", "late", "mid", "circa", "در", "از", "تا", "سال",
])
_PREVIOUS_WORD = re.compile(r"(\w+)\W*$")
# Quantities in words (English; "one" is left out: "one of the" states no figure). Compared
# only between texts that both use some: "two million" and "2 million" do not conflict.
_NUMBER_WORDS = frozenset([
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
    "million", "billion", "trillion", "dozen",
])
# Days and months, English and Dari/Pashto, leaving out names that are common words too:
# "may", "march"; حمل (transport), میزان (level), جدی (serious), اسد (a name), and
# سه‌شنبه, whose first word is "three".
_CALENDAR_NAMES = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "april", "june", "july", "august", "september", "october", "november", "december",
    "شنبه", "یکشنبه", "دوشنبه", "چهارشنبه", "پنجشنبه", "جمعه", "ثور", "جوزا", "سنبله", "عقرب",
    "دلو", "حوت", "جنوری", "فبروری", "اپریل", "جون", "جولای", "اگست", "سپتامبر", "اکتوبر", "نومبر",
    "دسامبر",
]
_CALENDAR = frozenset(word for name in _CALENDAR_NAMES for word in words(name))


def _written_alike(raw: str) -> str:
    whole, _sep, fraction = re.sub(r"[,\u066c]", "", raw).replace("\u066b", ".").partition(".")
    fraction = fraction.rstrip("0")
    return (whole.lstrip("0") or "0") + (f".{fraction}" if fraction else "")


def _digits(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The years and the other figures `text` states in digits (see `_YEAR`)."""
    folded = normalise(text or "")
    years, others = set(), set()
    for match in _NUMBER.finditer(folded):
        raw = match.group()
        # The few characters before it hold the previous word (a bounded search: a long
        # text must not cost a scan from its start for every number).
        before = _PREVIOUS_WORD.search(folded[max(0, match.start() - 40):match.start()])
        cue = before.group(1) if before else ""
        dated = cue in _YEAR_CUES or cue in _CALENDAR or (cue.isdigit() and len(cue) <= 2)
        (years if dated and _YEAR.fullmatch(raw) else others).add(_written_alike(raw))
    return frozenset(years), frozenset(others)


def numbers_in(text: str) -> frozenset[str]:
    """The figures stated in `text` in digits, written alike (separators dropped, no
    leading zeros)."""
    years, others = _digits(text)
    return years | others


Figures = tuple[frozenset[str], ...]


def _figures(text: str) -> Figures:
    """The figures of `text` by kind: years, other digits, number words, days and months."""
    said = words(text)
    years, others = _digits(text)
    return (years, others, frozenset(w for w in said if w in _NUMBER_WORDS),
            frozenset(w for w in said if w in _CALENDAR))


def _differ(mine: Figures, theirs: Figures) -> bool:
    return any(a and b and not (a <= b or b <= a) for a, b in zip(mine, theirs, strict=True))


def numbers_differ(query: str, candidate: str) -> bool:
    """Whether the two texts state different figures of one kind (neither's include the
    other's)."""
    return _differ(_figures(query), _figures(candidate))


def _agree(mine: Figures, theirs: Figures) -> bool:
    """Whether the figures share one and state no different one."""
    return not _differ(mine, theirs) and any(a & b for a, b in zip(mine, theirs, strict=True))


def adjusted_scores(query: str, hits: list[tuple[float, str]], *,
                    shown_from: float = 0.0) -> list[float]:
    """The scores of `hits` (score, candidate text) against `query`, in their order, with
    changed figures lowered and kept under the best candidate stating the same figures.

    `shown_from` is the caller's threshold: only a candidate it shows holds a changed
    figure down (a desk must still see a check of the claim with another figure when the
    same-figure one is too weak to be shown).
    """
    # A pasted post's date and links are not figures of its claim.
    mine = _figures(clean_claim(query).text)
    theirs = [_figures(text) for _score, text in hits]
    floor = max(FAITHFUL_FLOOR, shown_from)
    best_same = max((score for (score, _text), figures in zip(hits, theirs, strict=True)
                     if score >= floor and _agree(mine, figures)), default=None)
    scores = []
    for (score, _text), figures in zip(hits, theirs, strict=True):
        if _differ(mine, figures):
            score = round(score * NUMBER_PENALTY, 3)
            if best_same is not None:
                score = max(0.0, min(score, round(best_same - _BELOW, 3)))
        scores.append(score)
    return scores
