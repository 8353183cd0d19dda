"""The terms of claim matching, for an index kept in the database (pure functions).

`MatchIndex` (factcheck/engine/matching.py) scores with TF-IDF (scikit-learn's weighting)
over a whole archive held in memory. The database index (factcheck/workflow/match_index.py
writes it, factcheck/queries/match_index.py reads it) stores the same ingredients: each
text's words and its words' character 3-5-grams, their document frequencies, and each
text's two vector norms. These functions cut a text exactly as the vectorizers do, and
compute the same blended cosine from those stored figures, so that the two give the same
scores when the stored frequencies are current (a test compares them).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np

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
    return grams_of(gram_words(text))


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


def stored_terms(text: str) -> tuple[str, str | None]:
    """What the index stores of a text: its words for the word model, and those for the
    n-grams when they differ (None when the same: the usual case)."""
    words = " ".join(word_tokens(text))
    for_grams = " ".join(gram_words(text))
    return words, (None if for_grams == words else for_grams)


def counts_of(words: str, for_grams: str | None) -> tuple[Counter[str], list[str]]:
    """A stored text's word counts, and the words its n-grams are cut from."""
    return Counter(words.split()), (words if for_grams is None else for_grams).split()


def grams_of(words: Iterable[str]) -> Counter[str]:
    """The n-grams of these words and how often each occurs."""
    counts: Counter[str] = Counter()
    for word in words:
        counts.update(word_grams(word))
    return counts


def distinct(stored: Iterable[tuple[str, str | None]]) -> tuple[Counter[str], Counter[str]]:
    """Document frequencies among stored texts: of their words, and of their n-grams."""
    words: Counter[str] = Counter()
    grams: Counter[str] = Counter()
    for word_string_, for_grams in stored:
        counted, cut = counts_of(word_string_, for_grams)
        words.update(counted.keys())
        grams.update(grams_of(cut).keys())
    return words, grams


@lru_cache(maxsize=200_000)
def _gram_keys(word: str) -> np.ndarray:
    # A word's n-grams as integers (their hashes: stable within a process, which is all a
    # query needs), so that documents' n-grams are compared as arrays.
    return np.array([hash(gram) for gram in word_grams(word)], dtype=np.int64)


class GramScorer:
    """The character n-gram cosines of many documents against one query, at once.

    Only the n-grams a document shares with the query count towards the dot product: the
    documents' n-grams (each word's cut once per process) are looked up among the query's
    as sorted integer arrays, then counted and weighed in a few array operations.
    """

    def __init__(self, query: Mapping[str, float], idfs: Mapping[str, float]):
        keys = np.array([hash(gram) for gram in query], dtype=np.int64)
        self._order = np.argsort(keys)
        self._keys = keys[self._order]
        # The query's weight times the idf: a shared n-gram's product bar its tf.
        self._weights = np.array([q * idfs[gram] for gram, q in query.items()])

    def cosines(self, documents: Sequence[tuple[Iterable[str], float]]) -> np.ndarray:
        """The cosine with each document, given the words its n-grams come from and its norm."""
        size = len(self._keys)
        norms = np.array([doc_norm for _words, doc_norm in documents], dtype=np.float64)
        parts = [[_gram_keys(word) for word in words] for words, _norm in documents]
        lengths = [sum(part.size for part in doc) for doc in parts]
        if not size or not sum(lengths):
            return np.zeros(len(documents))
        found = np.concatenate([part for doc in parts for part in doc])
        owners = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        at = np.minimum(np.searchsorted(self._keys, found), size - 1)
        shared = self._keys[at] == found
        keys, counts = np.unique(owners[shared] * size + self._order[at[shared]],
                                 return_counts=True)
        contributions = self._weights[keys % size] * (1 + np.log(counts))
        dots = np.bincount(keys // size, weights=contributions, minlength=len(documents))
        return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
