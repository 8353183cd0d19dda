"""Claim matching: how close a new claim is to each check already made (pure scoring).

Each checked claim (the desk's own or an imported ClaimReview) is a TF-IDF vector of its
words and one of its words' character 3-5-grams (blended, see `MatchIndex`); a new
claim is scored against all of them at once by cosine similarity, two sparse products
(scipy). The weighting is scikit-learn's TF-IDF (its smoothed idf and sublinear term
frequency, cut as its `char_wb` analyzer cuts), written here on numpy and scipy so that
no machine-learning library runs in the product; a test compares the two. rapidfuzz was
the other candidate (not measured): it compares characters string by string and has no
notion of rare words mattering more, which paraphrases need.

The score blends two cosines, 0..1: 1 when the two claims use the same words in the same
proportions, 0 when they share none; then that score is blended with the cosine of the
two texts' meaning vectors (`sentence_vectors`: static word vectors distilled from a
sentence encoder), so that a paraphrase in other words ranks above a text that merely
shares them; and last with how much of the claim the candidate covers, each of the
claim's words by the candidate's closest word (`sentence_vectors.WordSets`). Around 0.37
and above, claims are usually about the same thing.

Parameters (single words including one-character ones, sublinear term frequency, an
imported check's headline added to its claim, URLs and @handles removed, text folded by
`search_text.normalise` so Persian-script variants match, the meaning's and the
coverage's weights) were chosen on the CheckThat! 2020 task 2 training queries only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The score blends the word model with character 3-5-grams of the words (a misspelling,
# a plural or a compound still shares most of its n-grams): word weight 0.3, chosen on
# CheckThat! train (0.831 against 0.803 for words alone; 2-4-grams scored 0.838 before
# the shared-word rule but cost more per query: their postings are longer).
WORD_WEIGHT = 0.3
CHAR_NGRAMS = (3, 5)
# The blend with the meaning of the words (static sentence vectors, `sentence_vectors`),
# chosen on CheckThat! 2020 train with the database index (bench/claim_matching_eval.py
# --database --meaning-weights): MAP@5 0.853 without, 0.861 / 0.864 / 0.863 / 0.862 /
# 0.850 at 0.1 / 0.2 / 0.25 / 0.3 / 0.4.
MEANING_WEIGHT = 0.2
# Then blended with how much of the claim's meaning the candidate covers, word by word
# (`sentence_vectors.WordSets.coverage`): a mean over words sees "went to Iran for talks"
# in "held talks" as much as in "travelled to Iran for consultations"; the closest word
# for each of the claim's words does not. Chosen by 5-fold CV on CheckThat! 2020 train
# (vectors fitted on the other folds, train/README.md): MAP@5 0.878 without, 0.885 /
# 0.886 / 0.888 / 0.890 / 0.889 at 0.1 / 0.15 / 0.2 / 0.25 / 0.3.
COVERAGE_WEIGHT = 0.25
MIN_SCORE = 0.1  # below this a "match" shares at most a common word or two: not shown
# From this score an earlier check is often the same claim (on train): 0.33 before the
# meaning blend, which scores wrong and right candidates alike about 0.035 higher; 0.37
# lets as many of train's best wrong candidates through as 0.33 did (24%).
SAME_CLAIM = 0.37
_NOISE = re.compile(r"https?://\S+|www\.\S+|pic\.twitter\.com/\S+|@\w+", re.IGNORECASE)


def clean_text(text: str) -> str:
    """The words of a claim that matter for matching: links and @handles removed."""
    return _NOISE.sub(" ", text or "")


@dataclass(frozen=True)
class Scored:
    """A candidate's position in the index and its score (0..1, higher is closer)."""

    index: int
    score: float


def count_matrix(documents: Sequence[Sequence[str]],
                 vocabulary: dict[str, int] | None = None):
    """Term counts of token lists as a sparse matrix (documents x terms), and the
    vocabulary (term -> column): built from the documents unless one is given, whose
    unknown terms are then left out."""
    from scipy import sparse  # loaded on first use: most processes never match

    grow = vocabulary is None
    terms: dict[str, int] = {} if vocabulary is None else vocabulary
    indices: list[int] = []
    indptr = [0]
    for tokens in documents:
        for token in tokens:
            column = terms.get(token)
            if column is None:
                if not grow:
                    continue
                column = terms[token] = len(terms)
            indices.append(column)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(documents), len(terms)))
    matrix.sum_duplicates()
    return matrix, terms


class _Tfidf:
    """TF-IDF of token lists, rows of unit length, with scikit-learn's smoothed idf
    (log((1 + n) / (1 + df)) + 1) and, by default, sublinear term frequency (1 + log tf)."""

    def __init__(self, documents: Sequence[Sequence[str]], *, sublinear: bool = True):
        self._sublinear = sublinear
        counts, self.vocabulary = count_matrix(documents)
        df = np.bincount(counts.indices, minlength=len(self.vocabulary))
        self._idf = np.log((1 + len(documents)) / (1 + df)) + 1
        self._unseen_idf = float(np.log(1 + len(documents)) + 1)
        self.matrix = self._weigh(counts)

    def transform(self, documents: Sequence[Sequence[str]]):
        """The unit vectors of new token lists (terms the documents never had are left out)."""
        return self._weigh(count_matrix(documents, self.vocabulary)[0])

    def idf(self, term: str) -> float:
        """The term's idf (as for a term no document has, when it is unknown)."""
        column = self.vocabulary.get(term)
        return self._unseen_idf if column is None else float(self._idf[column])

    def _weigh(self, counts):
        from scipy import sparse

        weights = counts.astype(np.float64)
        if self._sublinear:
            weights.data = 1 + np.log(weights.data)
        weights.data *= self._idf[weights.indices]
        norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return (sparse.diags(scale) @ weights).tocsr()


def _word_terms(text: str, ngram_max: int) -> list[str]:
    # match_terms is built on this module's constants: imported here, not at the top.
    from .match_terms import word_tokens

    tokens = word_tokens(text)
    terms = list(tokens)
    for n in range(2, ngram_max + 1):  # word n-grams, as scikit-learn joins them
        terms += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return terms


def _gram_terms(text: str) -> list[str]:
    from .match_terms import gram_words, word_grams

    return [gram for word in gram_words(text) for gram in word_grams(word)]


def with_meaning(lexical: np.ndarray, meaning: np.ndarray, query_has_meaning: bool, *,
                 weight: float = MEANING_WEIGHT) -> np.ndarray:
    """The scores: the word-and-character score blended with the cosine of the texts'
    meaning vectors. A candidate sharing no word keeps 0; a query without a vector (no
    Latin-script word) keeps its word-and-character scores."""
    if not query_has_meaning or weight <= 0:
        return lexical
    return np.where(lexical > 0, (1 - weight) * lexical + weight * meaning, 0.0)


def with_coverage(scores: np.ndarray, coverage: np.ndarray, query_has_meaning: bool, *,
                  weight: float = COVERAGE_WEIGHT) -> np.ndarray:
    """The scores blended with how much of the query each candidate covers (0..1), under
    the same rule as `with_meaning`: a candidate at 0 stays there, a query without a
    vector keeps its scores."""
    if not query_has_meaning or weight <= 0:
        return scores
    return np.where(scores > 0, (1 - weight) * scores + weight * coverage, 0.0)


class MatchIndex:
    """TF-IDF vectors of the candidates' texts; `search` ranks them against a claim.

    The score is `word_weight` times the words' cosine + the rest times the character
    n-grams' cosine, both 0..1; a candidate sharing no word with the claim scores 0 (character
    n-grams alone match "the" in "theory").
    """

    def __init__(self, texts: Sequence[str], *, ngram_max: int = 1, sublinear: bool = True,
                 word_weight: float = WORD_WEIGHT, meaning_weight: float = MEANING_WEIGHT,
                 coverage_weight: float = COVERAGE_WEIGHT):
        self.size = len(texts)
        self._word_weight = word_weight
        self._meaning_weight = meaning_weight
        self._coverage_weight = coverage_weight
        self._meaning = self._word_sets = None
        self._ngram_max = ngram_max
        self._words = self._chars = None
        self._matrix = self._char_matrix = None
        documents = [_word_terms(text, ngram_max) for text in texts]
        if any(documents):
            self._words = _Tfidf(documents, sublinear=sublinear)
            self._matrix = self._words.matrix.T.tocsr()
            if word_weight < 1:
                self._chars = _Tfidf([_gram_terms(text) for text in texts])
                self._char_matrix = self._chars.matrix.T.tocsr()
            if meaning_weight > 0:
                from .match_terms import word_tokens
                from .sentence_vectors import WordSets

                word_sets = WordSets([word_tokens(t) for t in texts])
                self._meaning = word_sets.meanings()
                if coverage_weight > 0:
                    self._word_sets = word_sets

    def scores(self, text: str) -> np.ndarray:
        """The score of every candidate against `text`, in index order."""
        if self._words is None or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        words = (self._words.transform([_word_terms(text, self._ngram_max)])
                 @ self._matrix).toarray().ravel()
        if self._chars is None:
            return words.astype(np.float32)
        chars = (self._chars.transform([_gram_terms(text)]) @ self._char_matrix
                 ).toarray().ravel()
        blended = np.where(words > 0, self._word_weight * words
                           + (1 - self._word_weight) * chars, 0)
        if self._meaning is not None:
            from .match_terms import word_tokens
            from .sentence_vectors import words_vector

            tokens = word_tokens(text)
            query = words_vector(tokens)
            blended = with_meaning(blended, np.clip(self._meaning @ query, 0, 1),
                                   bool(query.any()), weight=self._meaning_weight)
            if self._word_sets is not None and query.any():
                coverage = self._word_sets.coverage({word: self._words.idf(word)
                                                     for word in tokens})
                blended = with_coverage(blended, coverage, True,
                                        weight=self._coverage_weight)
        return blended.astype(np.float32)

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
