"""The text engine: sentences, candidate claims, check-worthiness. Plain Python only.

Public API:
- `split_sentences(text, lang=None) -> list[Span]`
- `split_claims(text, lang=None) -> list[CandidateClaim]`
- `classify_span(text, start, end, lang=None) -> CandidateClaim`
- `short_claim_of(text, lang=None) -> str`: the proposed summary of a claim's words
  (`SHORT_CLAIM_MAX` characters at most, `SHORT_CLAIM_AIM` where it can)
- `score_sentence(text) -> float` and `CHECKWORTHY_THRESHOLD`
- `detect_language`, `script_of`, `is_rtl`, `text_direction` (see `language`)
"""

from .checkworthy import CHECKWORTHY_THRESHOLD, explain_sentence, score_sentence
from .claims import classify_span, short_claim_of, split_claims
from .language import detect_language, is_rtl, script_of, text_direction
from .sentences import split_sentences
from .summary import SHORT_CLAIM_AIM, SHORT_CLAIM_MAX
from .types import CandidateClaim, Span

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "SHORT_CLAIM_AIM",
    "SHORT_CLAIM_MAX",
    "CandidateClaim",
    "Span",
    "classify_span",
    "detect_language",
    "explain_sentence",
    "is_rtl",
    "score_sentence",
    "script_of",
    "short_claim_of",
    "split_claims",
    "split_sentences",
    "text_direction",
]
