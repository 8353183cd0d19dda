"""The terms of claim matching, for an index kept in the database (pure functions).

`MatchIndex` (factcheck/engine/matching.py) scores with scikit-learn's TF-IDF over a whole
archive held in memory. The database index (factcheck/workflow/match_index.py writes it,
factcheck/queries/match_index.py reads it) stores the same ingredients instead: each
text's words and its words' character 3-5-grams, their document frequencies, and each
text's two vector norms. These functions cut a text exactly as the vectorizers do, and
compute the same blended cosine from those stored figures, so that the two give the same
scores when the stored frequencies are current (a test compares them).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from .matching import CHAR_NGRAMS, WORD_WEIGHT, clean_text
from .search_text import normalise, word_string

_TOKEN = re.compile(r"(?u)\b\w+\b")  # TfidfVectorizer's token_pattern in make_vectorizer


def word_tokens(text: str) -> list[str]:
    """The words of `text` as the word model counts them (with repeats)."""
    return _TOKEN.findall(normalise(clean_text(text)))


def gram_words(text: str) -> list[str]:
    """The words the character model cuts into n-grams (with repeats)."""
    return word_string(clean_text(text)).split()


@lru_cache(maxsize=200_000)
def word_grams(word: str) -> tuple[str, ...]:
    """One word's character n-grams, as scikit-learn's `char_wb` analyzer makes them."""
    # The same loop as sklearn's `_char_wb_ngrams`, quirks included: a word shorter than
    # the largest n is counted once more whole (padded), which the vectors then hold.
    padded = f" {word} "
    grams = []
    low, high = CHAR_NGRAMS
    for n in range(low, high + 1):
        offset = 0
        grams.append(padded[offset:offset + n])
        while offset + n < len(padded):
            offset += 1
            grams.append(padded[offset:offset + n])
        if offset == 0:
            break
    return tuple(grams)


def gram_counts(text: str) -> Counter[str]:
    """The character n-grams of `text` and how often each occurs."""
    counts: Counter[str] = Counter()
    for word in gram_words(text):
        counts.update(word_grams(word))
    return counts


def idf(df: int, documents: int) -> float:
    """Inverse document frequency as scikit-learn smooths it."""
    return math.log((1 + documents) / (1 + df)) + 1


def tf(count: int) -> float:
    """Sublinear term frequency."""
    return 1 + math.log(count)


def norm(counts: Mapping[str, int], weight: Callable[[str], float | None]) -> float:
    """The L2 norm of a TF-IDF vector; `weight(term)` is its idf, None for an unknown term."""
    total = 0.0
    for term, count in counts.items():
        w = weight(term)
        if w is not None:
            total += (tf(count) * w) ** 2
    return math.sqrt(total)


def query_vector(counts: Mapping[str, int], idfs: Mapping[str, float]) -> dict[str, float]:
    """A query's unit TF-IDF vector over the terms the archive knows (the others dropped)."""
    raw = {term: tf(count) * idfs[term] for term, count in counts.items() if term in idfs}
    length = math.sqrt(sum(v * v for v in raw.values()))
    return {term: v / length for term, v in raw.items()} if length else {}


def cosine(query: Mapping[str, float], counts: Mapping[str, int], idfs: Mapping[str, float],
           doc_norm: float) -> float:
    """The cosine of a unit query vector and a document given its term counts and norm."""
    if not doc_norm:
        return 0.0
    total = 0.0
    for term, count in counts.items():
        q = query.get(term)
        if q is not None:
            total += q * tf(count) * idfs[term]
    return total / doc_norm


def blend(words: float, chars: float, *, word_weight: float = WORD_WEIGHT) -> float:
    """The engine's score from the two cosines (0 when no word is shared)."""
    if words <= 0:
        return 0.0
    return word_weight * words + (1 - word_weight) * chars


def distinct(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """Document frequencies among `texts`: of their words, and of their n-grams."""
    words: Counter[str] = Counter()
    grams: Counter[str] = Counter()
    for text in texts:
        words.update(set(word_tokens(text)))
        grams.update(gram_counts(text).keys())
    return words, grams
