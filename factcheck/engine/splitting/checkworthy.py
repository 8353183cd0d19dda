"""Check-worthiness of an English sentence: a small logistic-regression model, plain Python.

The model is trained by `train/checkworthy.py` on debate sentences labelled "check-worthy
factual claim" or not: the ClaimBuster training split (Arslan, Hassan, Li & Tremayne, ICWSM
2020) and the CheckThat! 2024 English training file, without any sentence of the evaluation
sets. It ships as `checkworthy_model.json` next to this module: a bias, one weight per
feature and the training metadata, loaded once, on first use.

Features (all computed by `extract_features`, shared with the training script):

- word unigrams and bigrams, lower-cased, with numbers normalised to `<num>`, years to
  `<year>`, money amounts to `<money>`, and capitalised words in mid-sentence (names,
  organisations, places) to `<cap>`, so that no debate-specific names are learnt. The n-gram
  block is L2-normalised so that long sentences do not score high just for being long;
- character 3- and 4-grams of those words (not of the placeholders), counted and scaled by
  one over the square root of their total, so that word forms generalise ("reduced",
  "reductions");
- the meaning of the words: the mean of the sentence's WordPiece token vectors, distilled
  from the sentence encoder all-MiniLM-L6-v2 and fitted to its sentence embeddings
  (`train/word_vectors.py`), so that words the
  training data never had in this role still count by what they mean ("slumped" like
  "fell"). The model is linear in that mean, so its weights fold into one weight per token
  (`t:` features, each the token's count over the sentence's token count): the vectors
  themselves are not needed to score;
- a few general linguistic cues, counted: quantities and number words, dates, named entities,
  comparisons and changes ("more than", "-est", "increased", "doubled"), past tense, and the
  signals of non-claims: opinion verbs, first/second person, normative modals ("should",
  "must", "need to"), predictions ("will", "going to"), hedges and questions; and quantities
  combined with what makes them checkable or not (a past event, a change, a date; a
  hypothetical, a first or second person).

`score_sentence` returns the probability (0..1) that the sentence is a check-worthy factual
claim, under an equal prior of claims and non-claims; `CHECKWORTHY_THRESHOLD` is the cut-off
chosen by cross-validation on the training data only. `explain_sentence` gives the few
features that moved the score most, as log-odds contributions, for showing editors "why".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib.resources import files

from ..wordpiece import bert_words, token_strings, word_pieces

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "MODEL_RESOURCE",
    "assess_sentence",
    "explain_sentence",
    "extract_features",
    "score_sentence",
]

# Chosen by train/checkworthy.py (cross-validation on train.json only); the training script
# rewrites this line, and a test checks that it matches the threshold in the model file.
CHECKWORTHY_THRESHOLD = 0.35

MODEL_RESOURCE = "checkworthy_model.json"
_EXPLAIN_TOP = 5
_LOG_TYPICAL_LENGTH = math.log1p(15)  # words in the median ClaimBuster training sentence
_MAX_LENGTH = 60  # words; longer is not more check-worthy
_CHAR_SIZES = (3, 4)  # 5-grams added nothing in cross-validation
_CHAR_WEIGHT = 0.7  # scale of the character block against the word block (norm 1)
_CHAR_CACHE_SIZE = 50_000  # words



def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NORMALISE = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u00a0": " ",
})
_TOKEN = re.compile(
    r"[$£€]\s?\d[\d,.]*\d|[$£€]\s?\d"  # money
    r"|\d[\d,.]*\d(?:%|st|nd|rd|th|s)?|\d(?:%|st|nd|rd|th|s)?"  # numbers, ordinals, decades
    r"|[A-Za-z]+(?:'[A-Za-z]+)?"  # words, with contractions
    r"|[?%]"
)
_YEAR = re.compile(r"(?:1[6-9]|20)\d\d(?:s)?")
_I_FORMS = frozenset({"I", "I'm", "I've", "I'll", "I'd"})

_MONTHS = _set(
    "january february april june july august september october november december "
    "jan feb apr jun jul aug sep sept oct nov dec"
)  # "may" and "march" are too often verbs
_WEEKDAYS = _set("monday tuesday wednesday thursday friday saturday sunday")
_NUMBER_WORDS = _set(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands million millions billion billions trillion trillions "
    "half quarter third thirds twice dozen dozens percent per cent majority minority"
)
_COMPARISON = _set(
    "than more less fewer most least increase increased increases increasing decrease "
    "decreased decreases doubled tripled quadrupled halved rose risen fell fallen grew grown "
    "declined dropped soared surged plunged jumped slumped climbed shrank shrunk reduced "
    "lowered raised gained record higher lower larger smaller bigger"
)
_NOT_SUPERLATIVE = _set(
    "interest honest modest request protest suggest forest harvest arrest invest contest "
    "digest conquest manifest attest priest southwest northwest midwest earnest "
    "rest test west guest quest chest nest"
)
_IRREGULAR_PAST = _set(
    "was were had did went came took gave made got became began brought built bought caught "
    "chose fell felt found fought grew held kept knew led left lost meant met paid ran rose "
    "saw sent shot sold spent spoke stood struck taught thought threw understood won wrote "
    "broke drove flew forgot hid rode sang sank stole swore tore wore ago"
)
_NOT_PAST = _set(
    "need indeed speed seed feed proceed succeed exceed bleed breed greed deed weed hundred "
    "kindred sacred naked wicked beloved embed shred"
)
_OPINION = _set(
    "think thinks believe believes feel feels guess suppose hope hopes wish opinion view "
    "frankly honestly obviously clearly surely certainly seems seem deserve deserves "
    "wrong shameful unacceptable disgrace terrible wonderful"
)
_NORMATIVE = _set("should shouldn't must mustn't ought need needs")
_NORMATIVE_BIGRAMS = frozenset({("have", "to"), ("has", "to"), ("got", "to")})
_FUTURE = _set("will won't shall gonna tomorrow future soon")
_HEDGE = _set("would could might perhaps maybe possibly probably if unless")
_FIRST_PERSON = _set("i me my mine we us our ours let's")
_SECOND_PERSON = frozenset({"you", "your", "yours"})
_PRESENT_BE = _set("is are am be being")

# Display names for `explain_sentence`: words, placeholders inside phrases, cues.
_WORD_NAMES = {"<num>": "numbers", "<year>": "dates", "<money>": "money amount",
               "%": "percentage", "<cap>": "named entities"}
_PHRASE_NAMES = {"<num>": "N", "<year>": "YEAR", "<money>": "$N", "<cap>": "Name",
                 "<s>": "(start)", "</s>": "(end)"}
_CUE_NAMES = {
    "numbers": "numbers", "number_words": "number words", "dates": "dates",
    "names": "named entities", "comparison": "comparison", "superlative": "superlative",
    "past": "past tense", "opinion": "opinion", "normative": "should/must",
    "future": "prediction", "hedge": "hedging", "first_person": "first person",
    "second_person": "second person", "question": "question", "length": "length",
}

_COMBINATION_NAMES = {
    "quantity_past": "numbers with past tense", "quantity_change": "numbers with a change",
    "quantity_date": "numbers with a date", "quantity_irrealis": "numbers in a hypothetical",
    "quantity_person": "numbers with I/we/you", "quantity_bare": "numbers without an event",
}


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Lower-cased tokens with normalised numbers, and the same with names as `<cap>`."""
    words: list[str] = []
    shapes: list[str] = []
    for match in _TOKEN.finditer(text.translate(_NORMALISE)):
        piece = match.group()
        first = piece[0]
        if first.isdigit() or first in "$£€":
            if first in "$£€":
                piece = "<money>"
            elif piece.endswith("%"):
                words.append("<num>")
                shapes.append("<num>")
                piece = "%"
            elif _YEAR.fullmatch(piece):
                piece = "<year>"
            else:
                piece = "<num>"
            words.append(piece)
            shapes.append(piece)
            continue
        lower = piece.lower()
        words.append(lower)
        if len(words) > 1 and first.isupper() and piece not in _I_FORMS \
                and lower not in _MONTHS and lower not in _WEEKDAYS:
            shapes.append("<cap>")
        else:
            shapes.append(lower)
    return words, shapes


def _word_block(shapes: list[str]) -> dict[str, float]:
    """Word unigrams and bigrams of the shapes, L2-normalised."""
    features: dict[str, float] = {}
    for shape in shapes:
        features["w:" + shape] = 1.0  # names are generalised to <cap>: no debate-specific names
    previous = "<s>"
    for shape in shapes:
        features["b:" + previous + " " + shape] = 1.0
        previous = shape
    features["b:" + previous + " </s>"] = 1.0
    norm = 1.0 / math.sqrt(len(features))
    for key in features:
        features[key] = norm
    return features


def _char_grams(shape: str) -> list[str]:
    """The character 3- and 4-grams of one word, padded with a space on each side."""
    padded = " " + shape + " "
    return [padded[i:i + n] for n in _CHAR_SIZES for i in range(len(padded) - n + 1)]


def _char_block(shapes: list[str]) -> dict[str, float]:
    """Counted character n-grams of the words (not of placeholders), scaled by 1/sqrt(total).

    Word forms generalise where whole words are too rare to learn ("reduced", "reduction";
    "unemployment", "employment"). The scaling by the total count, rather than by the norm
    of the distinct n-grams, lets `score_sentence` add up cached per-word sums.
    """
    counts: dict[str, int] = {}
    total = 0
    for shape in shapes:
        if shape[0] == "<":
            continue
        for gram in _char_grams(shape):
            counts["c:" + gram] = counts.get("c:" + gram, 0) + 1
            total += 1
    if not total:
        return {}
    scale = _CHAR_WEIGHT / math.sqrt(total)
    return {key: count * scale for key, count in counts.items()}


def _cue_features(words: list[str], shapes: list[str]) -> dict[str, float]:
    """The counted linguistic cues, their combinations with quantities, and the length."""
    counts = dict.fromkeys(_CUE_NAMES, 0)
    previous = ""
    for word, shape in zip(words, shapes, strict=True):
        if word == "<year>":
            counts["dates"] += 1
        elif word[0] == "<" or word == "%":
            counts["numbers"] += 1
        elif shape == "<cap>":
            counts["names"] += 1
        if word in _NUMBER_WORDS:
            counts["number_words"] += 1
        if word in _MONTHS or word in _WEEKDAYS:
            counts["dates"] += 1
        if word in _COMPARISON:
            counts["comparison"] += 1
        if len(word) > 5 and word.endswith("est") and word not in _NOT_SUPERLATIVE:
            counts["superlative"] += 1
        if word in _IRREGULAR_PAST or (
            len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST
            and previous not in _PRESENT_BE  # "is urged", "are expected": not past
        ):
            counts["past"] += 1
        if word in _OPINION:
            counts["opinion"] += 1
        if word in _NORMATIVE or (previous, word) in _NORMATIVE_BIGRAMS:
            counts["normative"] += 1
        if word in _FUTURE or word.endswith("'ll") or (previous == "going" and word == "to"):
            counts["future"] += 1
        if word in _HEDGE:
            counts["hedge"] += 1
        if word in _FIRST_PERSON or word.startswith(("i'", "we'")):
            counts["first_person"] += 1
        if word in _SECOND_PERSON or word.startswith("you'"):
            counts["second_person"] += 1
        previous = word
    if "?" in words:
        counts["question"] = 1
    features: dict[str, float] = {}
    for name, count in counts.items():
        if count:
            features["x:" + name] = min(count, 3) / 2
    # A quantity is evidence of a claim only next to something checkable: an event in the
    # past, a change or comparison, a date. "Our 25 volunteers are the heart of it" and "if
    # prices rise 5 percent, families will struggle" have numbers but nothing to check.
    if counts["numbers"] or counts["number_words"]:
        irrealis = counts["future"] or counts["normative"] or counts["opinion"] \
            or counts["hedge"]
        if counts["past"]:
            features["x:quantity_past"] = 1.0
        if counts["comparison"] or counts["superlative"]:
            features["x:quantity_change"] = 1.0
        if counts["dates"]:
            features["x:quantity_date"] = 1.0
        if irrealis:
            features["x:quantity_irrealis"] = 1.0
        if counts["first_person"] or counts["second_person"]:
            features["x:quantity_person"] = 1.0
        # "Millions of families" in a prediction or a wish is no more checkable than
        # without the number: bare quantities are only those stated as they are.
        if not (counts["past"] or counts["comparison"] or counts["superlative"] or irrealis):
            features["x:quantity_bare"] = 1.0
    # Centred on the median training sentence, so that "length" in an explanation says how
    # much longer or shorter than usual the sentence is; capped, for run-on text.
    features["x:length"] = (math.log1p(min(len(words), _MAX_LENGTH)) - _LOG_TYPICAL_LENGTH) / 3
    return features


def _meaning_block(text: str) -> dict[str, float]:
    """Each WordPiece token's share of the sentence's tokens (`t:` features)."""
    names = token_strings()
    counts: dict[str, int] = {}
    total = 0
    for word in bert_words(text):
        for piece in word_pieces(word):
            key = "t:" + names[piece]
            counts[key] = counts.get(key, 0) + 1
            total += 1
    return {key: count / total for key, count in counts.items()}


def extract_features(text: str) -> dict[str, float]:
    """The feature vector of one sentence, as a sparse dict (name -> value)."""
    words, shapes = _tokens(text)
    features = _word_block(shapes)
    features.update(_char_block(shapes))
    features.update(_cue_features(words, shapes))
    features.update(_meaning_block(text))
    return features


class _Model:
    """The weights, plus a bounded cache of each word's summed character n-gram weights."""

    __slots__ = ("bias", "char_sums", "meaning_sums", "weights")

    def __init__(self, bias: float, weights: dict[str, float]) -> None:
        self.bias = bias
        self.weights = weights
        self.char_sums: dict[str, tuple[float, int]] = {}
        self.meaning_sums: dict[str, tuple[float, int]] = {}

    def meaning_sum(self, word: str) -> tuple[float, int]:
        """The sum of the token weights of one normalised word, and how many tokens it has."""
        found = self.meaning_sums.get(word)
        if found is None:
            names = token_strings()
            pieces = word_pieces(word)
            get = self.weights.get
            found = (math.fsum(get("t:" + names[piece], 0.0) for piece in pieces), len(pieces))
            if len(self.meaning_sums) >= _CHAR_CACHE_SIZE:
                self.meaning_sums.clear()
            self.meaning_sums[word] = found
        return found

    def char_sum(self, shape: str) -> tuple[float, int]:
        """The sum of the weights of `shape`'s character n-grams, and how many there are."""
        found = self.char_sums.get(shape)
        if found is None:
            grams = _char_grams(shape)
            get = self.weights.get
            found = (math.fsum(get("c:" + gram, 0.0) for gram in grams), len(grams))
            if len(self.char_sums) >= _CHAR_CACHE_SIZE:
                self.char_sums.clear()  # unbounded input must not grow memory without end
            self.char_sums[shape] = found
        return found


@cache
def _model() -> _Model:
    resource = files("factcheck.engine.splitting") / MODEL_RESOURCE
    data = json.loads(resource.read_text(encoding="utf-8"))
    return _Model(float(data["bias"]),
                  {key: float(value) for key, value in data["weights"].items()})


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _contributions(text: str) -> Iterator[tuple[str, float]]:
    """The log-odds each feature of `text` adds to the score: (feature key, amount)."""
    model = _model()
    get = model.weights.get
    words, shapes = _tokens(text)
    for block in (_word_block(shapes), _cue_features(words, shapes)):
        for key, value in block.items():
            weight = get(key)
            if weight:
                yield key, weight * value
    # The character block is linear in the counts: the same sum as in extract_features,
    # from cached per-word sums instead of hundreds of look-ups per sentence, credited to
    # the word the n-grams come from.
    sums = [(shape, *model.char_sum(shape)) for shape in shapes if shape[0] != "<"]
    grams = sum(count for _shape, _sum, count in sums)
    if grams:
        scale = _CHAR_WEIGHT / math.sqrt(grams)
        for shape, weight_sum, _count in sums:
            if weight_sum:
                yield "w:" + shape, weight_sum * scale
    # The meaning block, credited to the word whose tokens carry it (numbers to "numbers",
    # punctuation marks, words of their own to WordPiece, together).
    meanings = [(word, *model.meaning_sum(word)) for word in bert_words(text)]
    tokens = sum(count for _word, _sum, count in meanings)
    for word, weight_sum, _count in meanings:
        if weight_sum:
            key = "x:numbers" if word.isdigit() else (
                "w:" + word if word[0].isalnum() else "x:punctuation")
            yield key, weight_sum / tokens


def score_sentence(text: str) -> float:
    """Probability (0..1) that `text` is a check-worthy factual claim."""
    # The sum of `_contributions` without a generator or per-word credit: the fast path
    # (a fifth faster, measured) for callers that need no reasons.
    model = _model()
    get = model.weights.get
    words, shapes = _tokens(text)
    z = model.bias
    for block in (_word_block(shapes), _cue_features(words, shapes)):
        for key, value in block.items():
            weight = get(key)
            if weight is not None:
                z += weight * value
    char_total = 0.0
    grams = 0
    for shape in shapes:
        if shape[0] != "<":
            weight_sum, count = model.char_sum(shape)
            char_total += weight_sum
            grams += count
    if grams:
        z += char_total * _CHAR_WEIGHT / math.sqrt(grams)
    meaning_total = 0.0
    tokens = 0
    for word in bert_words(text):
        weight_sum, count = model.meaning_sum(word)
        meaning_total += weight_sum
        tokens += count
    if tokens:
        z += meaning_total / tokens
    return _sigmoid(z)


@lru_cache(maxsize=65_536)  # the same words and phrases recur in every article
def _display_name(key: str) -> str:
    kind, _, rest = key.partition(":")
    if kind == "x":
        return _CUE_NAMES.get(rest) or _COMBINATION_NAMES.get(rest, rest)
    if kind == "w":
        return _WORD_NAMES.get(rest) or f"word: {rest}"
    return "phrase: " + " ".join(_PHRASE_NAMES.get(part, part) for part in rest.split(" "))


def assess_sentence(text: str) -> tuple[float, dict[str, float]]:
    """`score_sentence` and `explain_sentence` of `text` at once (one pass over it)."""
    total = _model().bias
    contributions: dict[str, float] = {}
    for key, amount in _contributions(text):
        total += amount
        name = _display_name(key)
        contributions[name] = contributions.get(name, 0.0) + amount
    top = sorted(contributions.items(), key=lambda item: (-abs(item[1]), item[0]))
    return _sigmoid(total), {name: round(value, 3) for name, value in top[:_EXPLAIN_TOP]
                             if round(value, 3)}


def explain_sentence(text: str) -> dict[str, float]:
    """The features that moved the score most: display name -> log-odds contribution.

    At most five entries, strongest first; positive values push towards "check-worthy",
    negative ones away from it. Features sharing a display name (the word `<num>` and the
    count of quantities, say; a word and its character n-grams) are added up.
    """
    return assess_sentence(text)[1]
