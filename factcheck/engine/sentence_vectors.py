"""Static sentence vectors: what a text means, as the mean of its tokens' vectors (numpy).

The vectors are distilled by `train/word_vectors.py` from the sentence encoder
all-MiniLM-L6-v2 (Apache-2.0): each WordPiece token's vector is the encoder's output for
that token alone (Model2Vec's method), reduced to 256 dimensions and weighted by how rare
the token is in the training text (rare tokens say more); `train/match_vectors.py` then
fine-tunes them so that posts rank the checks of their claims first (CheckThat! 2020
train pairs). A text's vector is then a look-up and a mean: no neural network runs in
the product. They ship as
`sentence_vectors.npz` next to this module (int8 rows with one scale each), loaded once,
on first use. (Vectors fitted to the encoder's sentence embeddings reproduce it better
but added nothing to matching on CheckThat! 2020 train; check-worthiness uses those.)

Two texts that say the same thing in other words get close vectors ("jobless rate" and
"unemployment"), which word and character overlap cannot see; claim matching blends the
two, and also asks how much of a claim a candidate covers word by word (`WordSets`:
each of the claim's words against the candidate's closest word). The vocabulary is
English: only words in Latin script get a vector, so a text in Persian script has none
(all zeros) and is matched on its words and characters alone.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache

import numpy as np

from .wordpiece import token_ids

__all__ = ["WordSets", "dimensions", "words_vector"]

VECTORS_RESOURCE = "sentence_vectors.npz"
_BEYOND_LATIN = re.compile(r"[^\u0000-\u024f]")  # past Latin Extended-B
# OpenBLAS multiplies on one thread up to m x n x k = 65,536 x GEMM_MULTITHREAD_THRESHOLD (4).
_ONE_THREAD_PRODUCT = 262_144
_MIN_SLICE = 16  # rows: fewer per product (a query of over 64 words) cost more in calls


@cache
def _table() -> np.ndarray:
    """Token id -> vector (float16, 16 MB per process; zero for tokens without one)."""
    from importlib.resources import files

    with files(__package__).joinpath(VECTORS_RESOURCE).open("rb") as handle:
        stored = np.load(handle)
        rows = stored["rows"].astype(np.float32) * stored["scale"][:, None]
        table = np.zeros((int(stored["vocabulary_size"]), rows.shape[1]), dtype=np.float16)
        table[stored["ids"]] = rows.astype(np.float16)
    return table


def dimensions() -> int:
    """How many numbers a vector holds."""
    return int(_table().shape[1])


def _unit(vector: np.ndarray) -> np.ndarray:
    length = float(np.linalg.norm(vector))
    return vector / length if length else vector


def _word_sum(word: str) -> np.ndarray:
    table = _table()
    pieces = [] if _BEYOND_LATIN.search(word) else token_ids(word)
    if not pieces:
        return np.zeros(table.shape[1], np.float32)
    return table[pieces].sum(axis=0, dtype=np.float32)


class _WordVectors:
    """Each word's vector (its tokens' vectors summed), kept in one matrix so that the
    vectors of a thousand words are one look-up (stacking them one by one cost 0.75 ms a
    query): at most `capacity` words, 1 KiB each, all forgotten when it is full."""

    def __init__(self, capacity: int):
        self._capacity = capacity
        self._rows: dict[str, int] = {}
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()  # rows are reused when full: read them under it

    def of(self, words: Sequence[str]) -> np.ndarray:
        """The vectors of `words`, a row each, in order (float32, not normalised)."""
        distinct = list(dict.fromkeys(words))
        if not distinct:
            return np.zeros((0, dimensions()), np.float32)
        if len(distinct) > self._capacity:  # more words than it holds: not kept
            return np.stack([_word_sum(word) for word in words])
        with self._lock:  # copied out, since another thread may reuse the rows
            rows = [self._rows.get(word) for word in words]
            if None not in rows:  # all kept: the usual case
                return self._matrix[rows]
            kept = [word for word in distinct if word in self._rows]
            block = self._matrix[[self._rows[word] for word in kept]] if kept else None
        cached = set(kept)
        missing = [word for word in distinct if word not in cached]
        if missing:  # computed outside the lock, which other requests wait for
            fresh = np.stack([_word_sum(word) for word in missing])
            block = fresh if block is None else np.concatenate([block, fresh])
        position = {word: n for n, word in enumerate(kept + missing)}
        if missing:
            self._keep(distinct, block, position)
        return block[[position[word] for word in words]]

    def _keep(self, distinct: list[str], block: np.ndarray, position: dict[str, int]) -> None:
        with self._lock:
            new = [word for word in distinct if word not in self._rows]
            if len(self._rows) + len(new) > self._capacity:
                self._rows.clear()
                new = distinct
            if self._matrix is None:
                self._matrix = np.zeros((self._capacity, dimensions()), np.float32)
            for word in new:
                row = self._rows[word] = len(self._rows)
                self._matrix[row] = block[position[word]]


_WORDS = _WordVectors(20_000)  # at most 20 MB


def words_vector(counts: Mapping[str, int] | Iterable[str]) -> np.ndarray:
    """The unit vector of a text given as its words (with counts, or repeated)."""
    if not isinstance(counts, Mapping):
        counts = Counter(counts)
    if not counts:
        return np.zeros(dimensions(), dtype=np.float32)
    weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    return _unit(weights @ _WORDS.of(list(counts)))


_QUERY_BLOCK = 64  # query words per step of `WordSets.coverage` (a claim is one step)


def _products(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """rows @ columns; for a claim's few dozen words in slices small enough for OpenBLAS
    to run on this thread: above its threshold it wakes its threads for each product,
    which cost 1-2 ms a query (measured), more than the product itself (0.2 ms for 1,000
    words x 30). A long text's larger product is worth its threads: done whole."""
    step = _ONE_THREAD_PRODUCT // columns.size
    if step < _MIN_SLICE:
        return rows @ columns
    out = np.empty((len(rows), columns.shape[1]), dtype=np.float32)
    for start in range(0, len(rows), step):
        np.matmul(rows[start:start + step], columns, out=out[start:start + step])
    return out


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    lengths = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, lengths, out=np.zeros_like(rows), where=lengths > 0)


class WordSets:
    """The distinct words of several texts with their vectors: each text's meaning (as
    `words_vector`) and how much of a query each covers (`coverage`)."""

    def __init__(self, texts: Sequence[Mapping[str, int] | Iterable[str]], *,
                 vector: Callable[[str], np.ndarray] | None = None):
        # `vector` (word -> vector) lets training score with vectors being fitted.
        self._vector = vector
        self.size = len(texts)
        flat: list[str] = []
        counts: list[int] = []
        starts: list[int] = []
        for words in texts:
            starts.append(len(flat))
            counted = words if isinstance(words, Mapping) else Counter(words)
            flat.extend(counted)
            counts.extend(counted.values())
        self._columns: dict[str, int] = {}
        indices = [self._columns.setdefault(word, len(self._columns)) for word in flat]
        self._counts = np.array(counts, dtype=np.float32)
        self._indices = np.array(indices, dtype=np.int64)
        self._starts = np.array(starts, dtype=np.int64)
        self._lengths = np.diff(np.append(self._starts, len(indices)))
        sums = self._rows(self._columns)
        self._vectors = _unit_rows(sums)
        self._meanings = self._mean_rows(sums)

    def meanings(self) -> np.ndarray:
        """Each text's unit vector, a row per text: as `words_vector` makes it (from the
        `vector` given, if one was)."""
        return self._meanings

    def _mean_rows(self, sums: np.ndarray) -> np.ndarray:
        from scipy import sparse  # loaded on first use, as in `matching`

        weights = sparse.csr_matrix(
            (self._counts, self._indices, np.append(self._starts, len(self._indices))),
            shape=(self.size, len(self._columns)))
        return _unit_rows(np.asarray(weights @ sums, dtype=np.float32))

    def _rows(self, words: Iterable[str]) -> np.ndarray:
        words = list(words)
        if self._vector is None:
            return _WORDS.of(words)
        if not words:
            return np.zeros((0, dimensions()), np.float32)
        return np.stack([self._vector(word) for word in words]).astype(np.float32)

    def coverage(self, query: Mapping[str, float]) -> np.ndarray:
        """How much of the query each text covers, 0..1: for each query word (weighted by
        `query`, e.g. its idf) the cosine of the text's closest word (1 for the word
        itself), averaged by weight."""
        covered = np.zeros(self.size, dtype=np.float32)
        words = [word for word, weight in query.items() if weight > 0]
        present = self._lengths > 0
        if not words or not present.any():
            return covered
        weights = np.array([query[word] for word in words], dtype=np.float32)
        starts = self._starts[present]
        total = np.zeros(len(starts), dtype=np.float32)
        # A block of query words at a time: the matrices below are (the texts' words x the
        # block), so a 1,000-word query over thousands of texts stays tens of megabytes.
        for first in range(0, len(words), _QUERY_BLOCK):
            block = words[first:first + _QUERY_BLOCK]
            closeness = _products(self._vectors, _unit_rows(self._rows(block)).T)
            np.clip(closeness, 0.0, 1.0, out=closeness)
            for row, word in enumerate(block):  # the same word counts whole, vector or not
                column = self._columns.get(word)
                if column is not None:
                    closeness[column, row] = 1.0
            # Each text's rows are contiguous: the best per text is one reduction.
            best = np.maximum.reduceat(closeness[self._indices], starts, axis=0)
            total += best @ weights[first:first + len(block)]
        covered[present] = total / weights.sum()
        return covered
