"""The database index's arithmetic gives the in-memory index's scores (`MatchIndex`)."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from factcheck.engine.match_terms import (
    GramScorer,
    blend,
    cosine,
    counts_of,
    distinct,
    gram_counts,
    grams_of,
    idf,
    norm,
    query_vector,
    stored_terms,
    word_grams,
    word_tokens,
)
from factcheck.engine.matching import MatchIndex, with_coverage, with_meaning
from factcheck.engine.sentence_vectors import WordSets, words_vector

ARCHIVE = [
    "Unemployment fell to 3.5 percent in October",
    "The minister said unemployment rose in the north",
    "Vaccines cause autism, a viral post claims",
    "The moon landing was staged in a studio",
    "بیکاری در کابل کاهش یافت",
    "Prices of bread doubled in Kabul last year (see https://example.org/x) @someone",
    "A a I o",
]
QUERIES = ["unemployment dropped to 3.5% in October, the minister says",
           "the moon landings were staged", "بیکاری در کابل", "vaccine autism link",
           "nothing in common here zzz"]


def _stored_scores(query: str) -> list[float]:
    """Scores from what the database stores: frequencies, norms, and the texts' words."""
    stored = [stored_terms(text) for text in ARCHIVE]
    word_df, gram_df = distinct(stored)
    total = len(ARCHIVE)
    word_idf = {term: idf(df, total) for term, df in word_df.items()}
    gram_idf = {gram: idf(df, total) for gram, df in gram_df.items()}
    counted = [counts_of(*terms) for terms in stored]
    words_query = query_vector(dict(_count(word_tokens(query))), word_idf)
    chars = GramScorer(query_vector(gram_counts(query), gram_idf), gram_idf).cosines(
        [(cut, norm(grams_of(cut), gram_idf.get)) for _words, cut in counted])
    lexical = np.array([blend(cosine(words_query, words, word_idf, norm(words, word_idf.get)),
                              float(c)) for (words, _cut), c in zip(counted, chars, strict=True)])
    meaning_query = words_vector(word_tokens(query))
    meaning = np.array([float(np.clip(words_vector(words) @ meaning_query, 0, 1))
                        for words, _cut in counted])
    scores = with_meaning(lexical, meaning, bool(meaning_query.any()))
    coverage = WordSets([words for words, _cut in counted]).coverage(
        {word: word_idf.get(word, idf(0, total)) for word in word_tokens(query)})
    return list(with_coverage(scores, coverage, bool(meaning_query.any())))


def _count(tokens):
    out: dict[str, int] = {}
    for token in tokens:
        out[token] = out.get(token, 0) + 1
    return out.items()


def test_stored_figures_give_the_in_memory_scores():
    index = MatchIndex(ARCHIVE)
    for query in QUERIES:
        expected = index.scores(query)
        assert np.allclose(_stored_scores(query), expected, atol=1e-5), query
    # Not all zero: the comparison compares something.
    assert max(index.scores(QUERIES[0])) > 0.3


def test_words_are_cut_as_scikit_learn_cuts_them():
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                               lowercase=False).build_analyzer()
    for word in ("a", "ab", "abc", "abcd", "unemployment", "کابل", "3"):
        assert list(word_grams(word)) == analyzer(word), word


def test_the_index_weighs_as_scikit_learn_does():
    """`MatchIndex` is written on numpy and scipy; scikit-learn's vectorizers (a test
    dependency only) give the same scores."""
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

    from factcheck.engine.match_terms import gram_words
    from factcheck.engine.matching import WORD_WEIGHT, clean_text
    from factcheck.engine.search_text import normalise

    words = TfidfVectorizer(lowercase=False, token_pattern=r"(?u)\b\w+\b",
                            sublinear_tf=True, preprocessor=lambda t: normalise(clean_text(t)))
    word_matrix = words.fit_transform(ARCHIVE)
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False)
    weigh = TfidfTransformer(sublinear_tf=True)
    char_matrix = weigh.fit_transform(chars.fit_transform([" ".join(gram_words(t))
                                                           for t in ARCHIVE]))
    index = MatchIndex(ARCHIVE, meaning_weight=0)
    for query in QUERIES:
        w = (words.transform([query]) @ word_matrix.T).toarray().ravel()
        c = (weigh.transform(chars.transform([" ".join(gram_words(query))]))
             @ char_matrix.T).toarray().ravel()
        expected = np.where(w > 0, WORD_WEIGHT * w + (1 - WORD_WEIGHT) * c, 0)
        assert np.allclose(index.scores(query), expected, atol=1e-5), query


def test_meaning_lifts_a_paraphrase_and_leaves_persian_to_its_words():
    """The meaning blend: an English paraphrase in other words gains on a text sharing
    only words; Persian script has no vectors and keeps its word-and-character score."""
    archive = ["The jobless rate went down to a record low last year",
               "Last year the record shop went down the road"]
    plain = MatchIndex(archive, meaning_weight=0)
    meant = MatchIndex(archive)
    query = "Unemployment fell to its lowest level ever last year"
    gain = meant.scores(query) - plain.scores(query)
    assert gain[0] > gain[1]
    assert meant.scores(query)[0] > meant.scores(query)[1]
    persian = MatchIndex(ARCHIVE)
    assert np.allclose(persian.scores("بیکاری در کابل"),
                       MatchIndex(ARCHIVE, meaning_weight=0).scores("بیکاری در کابل"))
    assert not words_vector(["بیکاری", "کابل"]).any()


def test_coverage_finds_each_query_word_its_closest_word():
    """`WordSets.coverage`: the claim's words, weighted, each by the candidate's closest
    word: whole for the same word (Persian script too, which has no vectors), partly for a
    word of like meaning, nothing from a text without words."""
    sets = WordSets([["opposition", "leaders", "travelled", "to", "iran", "consultations"],
                     ["opposition", "leaders", "discussed", "the", "weather"],
                     [], ["بیکاری", "کابل"]])
    covered = sets.coverage({"opposition": 1.0, "went": 1.0, "iran": 2.0, "talks": 2.0})
    assert covered[0] > covered[1] > 0
    assert covered[2] == 0
    assert sets.coverage({"بیکاری": 1.0, "کابل": 1.0})[3] == 1.0
    assert sets.coverage({"opposition": 1.0})[0] == 1.0
    assert not sets.coverage({}).any()


def test_a_long_query_is_covered_block_by_block_as_it_would_be_whole(monkeypatch):
    """A query longer than a block (a pasted paragraph) is scored a block of words at a
    time, so its matrices stay small; the figures are those of the query taken whole."""
    from factcheck.engine import sentence_vectors

    texts = [["unemployment", "fell", "october", "percent"], ["prices", "rose", "wages"],
             [], ["بیکاری", "کابل", "prices"], ["talks", "iran", "opposition", "leaders"]]
    paragraph = ("the jobless rate dropped sharply in october while food prices and wages "
                 "climbed as opposition leaders went to iran for talks about کابل")
    query = {word: 1.0 + index / 10 for index, word in enumerate(paragraph.split())}
    assert len(query) > 20
    monkeypatch.setattr(sentence_vectors, "_QUERY_BLOCK", 10_000)
    whole = WordSets(texts).coverage(query)
    monkeypatch.setattr(sentence_vectors, "_QUERY_BLOCK", 3)
    in_blocks = WordSets(texts).coverage(query)
    assert whole[2] == in_blocks[2] == 0 and whole.min() >= 0 and (whole[[0, 1, 3, 4]] > 0).all()
    np.testing.assert_allclose(in_blocks, whole, rtol=1e-5, atol=1e-6)


def test_word_vectors_kept_in_a_bounded_matrix_stay_each_words_own():
    """The word-vector cache reuses its rows when full: every look-up still gives each
    word its own vector, in order, whether the words fit, overflow it or exceed it."""
    from factcheck.engine.sentence_vectors import _word_sum, _WordVectors

    store = _WordVectors(3)
    for words in (["jobs", "rate"], ["rate", "fell", "sharply"], ["jobs"],
                  ["a", "b", "c", "d", "a"], ["کابل", "jobs", "jobs"], ["a", "b"],
                  ["a", "b", "c", "d"], ["d"]):
        expected = np.stack([_word_sum(word) for word in words])
        assert np.array_equal(store.of(words), expected), words
    assert store.of([]).shape == (0, expected.shape[1])
    store.of(["a", "b"])
    kept = dict(store._rows)
    store.of(["w", "x", "y", "z"])  # more than it holds: served, and what it kept stays
    assert store._rows == kept and {"a", "b"} <= set(kept)


def test_word_vectors_stay_each_words_own_under_threads():
    """Requests on threads share the cache: none gets another word's vector."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    from factcheck.engine.sentence_vectors import _word_sum, _WordVectors

    vocabulary = [f"word{n}" for n in range(120)] + ["jobs", "rate", "کابل"]
    store = _WordVectors(50)

    def look_up(seed: int) -> bool:
        chosen = random.Random(seed)  # noqa: S311 - test data
        for _ in range(200):
            words = chosen.sample(vocabulary, chosen.randint(1, 40))
            if not np.array_equal(store.of(words), np.stack([_word_sum(w) for w in words])):
                return False
        return True

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(look_up, range(6)))


def test_meanings_of_word_sets_are_each_texts_words_vector():
    """`WordSets.meanings` (all candidates at once) gives what `words_vector` gives per
    text: counts weigh, a text without words or without vectors has none."""
    texts = [{"jobless": 2, "rate": 1}, ["unemployment", "fell", "fell"], [],
             ["بیکاری", "کابل"], {"rate": 3}]
    meanings = WordSets(texts).meanings()
    for text, meaning in zip(texts, meanings, strict=True):
        assert np.allclose(meaning, words_vector(text), atol=1e-6), text
    assert not meanings[2].any() and not meanings[3].any()
    assert WordSets([]).meanings().shape[0] == 0
