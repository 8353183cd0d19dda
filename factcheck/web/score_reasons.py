"""The reasons behind a check-worthiness score, in the reader's language.

The engine stores each claim's strongest features under English display names
(`factcheck/engine/splitting/checkworthy.py`, `claims.py`): fixed names ("past tense"),
a word or phrase of the sentence ("word: fell", "phrase: N percent"), or the claim's kind
("kind: demand"). The names stay as stored (claims scored years ago keep theirs); they
are translated when shown.
"""

from __future__ import annotations

from ..i18n import _, _l, status_label

_NAMES = {
    # Placeholders and cues of the n-gram model.
    "numbers": _l("numbers"),
    "number": _l("numbers"),  # Persian-script sentences' own signal
    "number words": _l("number words"),
    "dates": _l("dates"),
    "money amount": _l("money amount"),
    "percentage": _l("percentage"),
    "named entities": _l("named entities"),
    "comparison": _l("comparison"),
    "superlative": _l("superlative"),
    "past tense": _l("past tense"),
    "opinion": _l("opinion"),
    "should/must": _l("should/must"),
    "prediction": _l("prediction"),
    "hedging": _l("hedging"),
    "first person": _l("first person"),
    "second person": _l("second person"),
    "question": _l("question"),
    "length": _l("length"),
    "punctuation": _l("punctuation"),
    # Combinations of cues.
    "numbers with past tense": _l("numbers with past tense"),
    "numbers with a change": _l("numbers with a change"),
    "numbers with a date": _l("numbers with a date"),
    "numbers in a hypothetical": _l("numbers in a hypothetical"),
    "numbers with I/we/you": _l("numbers with I/we/you"),
    "numbers without an event": _l("numbers without an event"),
}


def reason_label(name: str) -> str:
    """The display name of one stored reason, translated (unknown names as stored)."""
    fixed = _NAMES.get(name)
    if fixed is not None:
        return str(fixed)
    kind, separator, rest = name.partition(": ")
    if not separator:
        return name
    if kind == "word":
        return _("word: {word}", word=rest)
    if kind == "phrase":
        return _("phrase: {phrase}", phrase=rest)
    if kind == "kind":
        return _("claim kind: {kind}", kind=status_label(rest))
    return name
