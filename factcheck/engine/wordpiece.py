"""WordPiece tokens of a text, as BERT's uncased tokenizer cuts them (plain Python).

The static word vectors of `sentence_vectors` and the check-worthiness model's token
weights are indexed by the tokens of the uncased BERT vocabulary that all-MiniLM-L6-v2
uses (`wordpiece_vocab.txt`, 30,522 entries, Apache-2.0, from the model's distribution).
This is the reference algorithm (BertNormalizer with lower-casing and accent stripping,
BertPreTokenizer, greedy longest-match-first WordPiece), written out so that no tokenizer
library runs in the product; a test compares it with Hugging Face's `tokenizers` on the
sample articles.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

__all__ = ["bert_words", "token_ids", "token_strings", "vocabulary", "word_pieces"]

VOCAB_RESOURCE = "wordpiece_vocab.txt"
_MAX_WORD_CHARS = 100  # longer words are one unknown token, as in BERT
_PREFIX = "##"
# ASCII text (most of it) takes a shortcut with the same result: every printable ASCII
# character that is not a letter or digit is punctuation to BERT, controls are dropped.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASCII_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_SPLIT_BUT_DROPPED = re.compile("[\x0b\x0c\x1c-\x1f\x85]")


@cache
def vocabulary() -> dict[str, int]:
    """Token string -> id, in the vocabulary file's order."""
    text = files(__package__).joinpath(VOCAB_RESOURCE).read_text(encoding="utf-8")
    return {token: n for n, token in enumerate(text.split("\n")) if token}


@cache
def token_strings() -> tuple[str, ...]:
    """Token id -> token string."""
    return tuple(vocabulary())


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    # BERT counts every non-alphanumeric ASCII symbol as punctuation ("$", "^", "`").
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F
            or 0x2B820 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F)


def _normalise(text: str) -> str:
    """BertNormalizer: control characters dropped, whitespace made spaces, CJK spaced,
    lower-cased, accents stripped."""
    out = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD:
            continue
        category = unicodedata.category(char)
        if char in "\t\n\r" or category == "Zs":
            out.append(" ")
        elif category.startswith("C"):
            continue
        elif _is_cjk(code):
            out.append(f" {char} ")
        else:
            out.append(char)
    lowered = "".join(out).lower()
    return "".join(c for c in unicodedata.normalize("NFD", lowered)
                   if unicodedata.category(c) != "Mn")


def _words(text: str) -> list[str]:
    """BertPreTokenizer: split on whitespace, every punctuation character a word alone."""
    words = []
    for chunk in text.split():
        start = 0
        for n, char in enumerate(chunk):
            if _is_punctuation(char):
                if n > start:
                    words.append(chunk[start:n])
                words.append(char)
                start = n + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words


@lru_cache(maxsize=100_000)
def word_pieces(word: str) -> tuple[int, ...]:
    """The token ids of one normalised word: greedy longest match, or the unknown token."""
    vocab = vocabulary()
    unknown = (vocab["[UNK]"],)
    if len(word) > _MAX_WORD_CHARS:
        return unknown
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else _PREFIX + word[start:end]
            found = vocab.get(piece)
            if found is not None:
                pieces.append(found)
                break
            end -= 1
        else:
            return unknown
        start = end
    return tuple(pieces)


@lru_cache(maxsize=100_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(_words(_normalise(chunk)))


def bert_words(text: str) -> list[str]:
    """The normalised words of `text` that WordPiece then cuts (punctuation marks alone)."""
    if text.isascii():
        return _ASCII_WORD.findall(_ASCII_CONTROL.sub("", text).lower())
    # Character by character only once per distinct whitespace-separated chunk (news
    # repeats its words): the result is the same, as every step but the split is
    # per character, once the controls Python would split on but BERT drops are gone.
    words: list[str] = []
    for chunk in _SPLIT_BUT_DROPPED.sub("", text).split():
        words.extend(_chunk_words(chunk))
    return words


def token_ids(text: str) -> list[int]:
    """The WordPiece token ids of `text`, without the [CLS] and [SEP] markers."""
    ids: list[int] = []
    for word in bert_words(text):
        ids.extend(word_pieces(word))
    return ids
