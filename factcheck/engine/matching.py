"""Claim matching: how close a new claim is to each check already made (pure scoring).

Each checked claim (the desk's own or an imported ClaimReview) is a TF-IDF vector of its
words and one of its words' character 3-5-grams (blended, see `MatchIndex`); a new
claim is scored against all of them at once by cosine similarity, two sparse products.
scikit-learn's `TfidfVectorizer` does the
tokenising, weighting and normalising (a maintained, well-tested implementation rather
than hand-written math), and scipy's sparse product keeps a query over 100,000 checks
in milliseconds. rapidfuzz was the other candidate (not measured): it compares
characters string by string and has no notion of rare words mattering more, which
paraphrases need.

The score is a blend of two cosines, 0..1: 1 when the two claims use the same words in
the same proportions, 0 when they share none; around 0.33 and above, claims are usually
about the same thing. Parameters (single words including one-character ones, sublinear
term frequency, an imported check's headline added to its claim, URLs and @handles
removed, text folded by `search_text.normalise` so Persian-script variants match) were
chosen on the CheckThat! 2020 task 2 training queries only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .search_text import normalise, word_string

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# The score blends the word model with character 3-5-grams of the words (a misspelling,
# a plural or a compound still shares most of its n-grams): word weight 0.3, chosen on
# CheckThat! train (0.831 against 0.803 for words alone; 2-4-grams scored 0.838 before
# the shared-word rule but cost more per query: their postings are longer).
WORD_WEIGHT = 0.3
CHAR_NGRAMS = (3, 5)
MIN_SCORE = 0.1  # below this a "match" shares at most a common word or two: not shown
SAME_CLAIM = 0.33  # from this score an earlier check is often the same claim (on train)
_NOISE = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+|@\w+", re.IGNORECASE)


def clean_text(text: str) -> str:
    """The words of a claim that matter for matching: links and @handles removed."""
    return _NOISE.sub(" ", text or "")


@dataclass(frozen=True)
class Scored:
    """A candidate's position in the index and its score (0..1, higher is closer)."""

    index: int
    score: float


def make_vectorizer(*, ngram_max: int = 1, sublinear: bool = True) -> TfidfVectorizer:
    """The TF-IDF vectorizer the index uses (parameters tuned on CheckThat! train)."""
    # Imported on first use: scikit-learn is heavy, and most processes never match.
    from sklearn.feature_extraction.text import TfidfVectorizer

    # One form per word in English and Persian script: `normalise` folds case, diacritics
    # (Arabic harakat too), Arabic/Persian letter variants (ي/ی, ك/ک), the zero-width
    # non-joiner and Persian/Arabic-Indic digits, as the search index does. One-character
    # words are kept: the digits of "3.5" and the Persian "و" would otherwise vanish
    # (CheckThat! train 0.803 with them, 0.800 without).
    return TfidfVectorizer(lowercase=False, ngram_range=(1, ngram_max),
                           token_pattern=r"(?u)\b\w+\b",  # noqa: S106 (a regex, not a secret)
                           sublinear_tf=sublinear, min_df=1, dtype=np.float32,
                           preprocessor=_prepare)


def _prepare(text: str) -> str:
    return normalise(clean_text(text))


def _prepare_chars(text: str) -> str:
    # Words only, punctuation dropped: two checks that differ only in their quote marks
    # stay equal, as they are for the word model.
    return word_string(clean_text(text))


class _CharModel:
    """TF-IDF of the words' character n-grams (as `char_wb` makes them), built word by word.

    `char_wb` n-grams never cross a word, so a text's n-gram counts are the sum of its
    words' counts: each distinct word is cut into n-grams once (a words x n-grams matrix)
    and the texts' word counts times it give their n-gram counts. The same vectors as
    `TfidfVectorizer(analyzer="char_wb")`, built several times faster on a large archive.
    """

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import (
            CountVectorizer,
            TfidfTransformer,
        )

        self._words = CountVectorizer(analyzer=_split_words, dtype=np.float32)
        self._grams = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS,
                                      lowercase=False, dtype=np.float32)
        self._weights = TfidfTransformer(sublinear_tf=True)

    def fit_transform(self, texts: Sequence[str]):
        """The texts' n-gram vectors (one row each), the model fitted on them."""
        counts = self._words.fit_transform(texts)
        grams = self._grams.fit_transform(list(self._words.get_feature_names_out()))
        return self._weights.fit_transform(counts @ grams).astype(np.float32)

    def transform(self, texts: Sequence[str]):
        """The vectors of new texts (n-grams the archive never had are left out)."""
        return self._weights.transform(self._grams.transform(
            [_prepare_chars(text) for text in texts])).astype(np.float32)


def _split_words(text: str) -> list[str]:
    return _prepare_chars(text).split()


def _fit(vectorizer, texts: Sequence[str]):
    try:
        return vectorizer.fit_transform(texts).T.tocsr()
    except ValueError:  # no word at all in any text
        return None


class MatchIndex:
    """TF-IDF vectors of the candidates' texts; `search` ranks them against a claim.

    The score is `word_weight` times the words' cosine + the rest times the character
    n-grams' cosine, both 0..1; a candidate sharing no word with the claim scores 0 (character
    n-grams alone match "the" in "theory").
    """

    def __init__(self, texts: Sequence[str], *, ngram_max: int = 1, sublinear: bool = True,
                 word_weight: float = WORD_WEIGHT):
        self.size = len(texts)
        self._word_weight = word_weight
        self._vectorizer = make_vectorizer(ngram_max=ngram_max, sublinear=sublinear)
        self._chars = _CharModel()
        self._matrix = self._char_matrix = None
        if any(t.strip() for t in texts):
            self._matrix = _fit(self._vectorizer, texts)
            if self._matrix is not None and word_weight < 1:
                self._char_matrix = _fit(self._chars, texts)

    def scores(self, text: str) -> np.ndarray:
        """The score of every candidate against `text`, in index order."""
        if self._matrix is None or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        words = (self._vectorizer.transform([text]) @ self._matrix).toarray().ravel()
        if self._char_matrix is None:
            return words
        chars = (self._chars.transform([text]) @ self._char_matrix).toarray().ravel()
        blended = self._word_weight * words + (1 - self._word_weight) * chars
        return np.where(words > 0, blended, 0).astype(np.float32)

    def search(self, text: str, *, limit: int, allowed: np.ndarray | None = None,
               min_score: float = MIN_SCORE) -> list[Scored]:
        """The `limit` best candidates (best first) scoring at least `min_score`.

        `allowed`, a boolean mask in index order, leaves out the candidates it marks False.
        """
        scores = self.scores(text)
        if allowed is not None:
            scores = np.where(allowed, scores, -1.0)
        if limit <= 0 or not self.size:
            return []
        limit = min(limit, self.size)
        top = np.argpartition(-scores, limit - 1)[:limit]
        ranked = sorted(top, key=lambda i: (-scores[i], i))
        return [Scored(int(i), round(float(min(scores[i], 1.0)), 3)) for i in ranked
                if scores[i] >= min_score]
