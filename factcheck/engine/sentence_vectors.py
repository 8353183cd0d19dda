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
two. The vocabulary is English: only words in Latin script get a vector, so a text in
Persian script has none (all zeros) and is matched on its words and characters alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

import numpy as np

from .wordpiece import token_ids

__all__ = ["dimensions", "words_vector"]

VECTORS_RESOURCE = "sentence_vectors.npz"
_BEYOND_LATIN = re.compile(r"[^\u0000-\u024f]")  # past Latin Extended-B


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


@lru_cache(maxsize=20_000)  # 1 KiB a word: at most 20 MB
def _word_sum(word: str) -> np.ndarray:
    table = _table()
    pieces = [] if _BEYOND_LATIN.search(word) else token_ids(word)
    if not pieces:
        return np.zeros(table.shape[1], np.float32)
    return table[pieces].sum(axis=0, dtype=np.float32)


def words_vector(counts: Mapping[str, int] | Iterable[str]) -> np.ndarray:
    """The unit vector of a text given as its words (with counts, or repeated)."""
    items = counts.items() if isinstance(counts, Mapping) else ((w, 1) for w in counts)
    total = np.zeros(dimensions(), dtype=np.float32)
    for word, count in items:
        total += count * _word_sum(word)
    return _unit(total)

