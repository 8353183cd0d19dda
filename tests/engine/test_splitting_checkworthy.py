"""The check-worthiness model, through its public functions only.

The sentences here and in tests/data/checkworthy_news.json were written for these tests
(news style); nothing is read from the training or evaluation data sets.
"""

from __future__ import annotations

import json
import math
from importlib.resources import files
from pathlib import Path

import pytest

from factcheck.engine.splitting import split_claims
from factcheck.engine.splitting.checkworthy import (
    CHECKWORTHY_THRESHOLD,
    MODEL_RESOURCE,
    assess_sentence,
    explain_sentence,
    extract_features,
    score_sentence,
)

NEWS_FIXTURE = Path(__file__).resolve().parents[1] / "data" / "checkworthy_news.json"
DEMANDS_FIXTURE = Path(__file__).resolve().parents[1] / "data" / "demand_sentences.json"

FACTUAL = [
    "The national statistics office said the economy grew by 2.4 percent in 2022.",
    "Turnout in Sunday's election was 61 percent, down from 68 percent four years earlier.",
    "The European Commission fined the company 1.8 billion euros in March 2019.",
    "Between 2010 and 2020, the population of Lagos increased by more than five million people.",
    "The strike closed 300 schools across Ontario on Monday.",
    "The dam, completed in 1970, supplies water to about two million households.",
    "The ministry spent $750 million on the programme last year, twice its original budget.",
    "Nigeria is the largest oil producer in Africa, pumping about 1.5 million barrels a day.",
    "The senator voted against the infrastructure bill in August 2021.",
    "Prices of rice in Manila rose by 18 percent between January and June.",
]

NOT_CHECKWORTHY = [
    "I think we deserve better leaders.",  # opinion
    "In my view, the plan is simply unfair.",
    "I believe that our best days are still ahead of us.",
    "Should taxpayers really foot the bill for this?",  # questions
    "Who is going to pay for all of this?",
    "The new law will transform the lives of millions of families.",  # predictions
    "Next year is going to be a great year for our party.",
    "We need to stand together against hatred.",  # normative
    "Our government must act now before it is too late.",
    "Everybody should be treated with dignity and respect.",
]


def test_threshold_is_a_probability():
    assert 0.0 < CHECKWORTHY_THRESHOLD < 1.0


@pytest.mark.parametrize(
    "text",
    [*FACTUAL, *NOT_CHECKWORTHY, "", "   ", "?", "42", "word " * 5000, "Ça coûte 5 € — “vraiment”.",
     "شورای امنیت سازمان ملل متحد", "\u2019\u201c\u2013\u00a0"],
)
def test_scores_are_probabilities_and_deterministic(text):
    first = score_sentence(text)
    assert isinstance(first, float)
    assert 0.0 <= first <= 1.0
    assert score_sentence(text) == first
    assert explain_sentence(text) == explain_sentence(text)


@pytest.mark.parametrize("text", FACTUAL)
def test_factual_claims_score_above_the_threshold(text):
    assert score_sentence(text) >= CHECKWORTHY_THRESHOLD


@pytest.mark.parametrize("text", NOT_CHECKWORTHY)
def test_opinions_questions_predictions_score_below_the_threshold(text):
    # What editors see: the engine types the sentence and damps what is not a statement.
    (claim,) = split_claims(text)
    assert claim.score < CHECKWORTHY_THRESHOLD
    if text not in MODEL_ALONE_ABOVE:
        assert score_sentence(text) < CHECKWORTHY_THRESHOLD


# The model alone, trained on debates where some forecasts with figures were labelled
# check-worthy, scores this one 0.38; typed a prediction, the engine gives it 0.21.
MODEL_ALONE_ABOVE = {"The new law will transform the lives of millions of families."}


def test_cues_move_the_score_in_the_expected_direction():
    base = "The council approved the budget."
    assert score_sentence("The council approved the budget of $4 million in 2021.") > \
        score_sentence(base)
    assert score_sentence("I think the council should approve the budget.") < score_sentence(base)
    assert score_sentence("Did the council approve the budget?") < score_sentence(base)
    assert score_sentence("The council will approve the budget.") < score_sentence(base)


def test_explain_sentence_names_the_features_that_drove_the_score():
    factual = explain_sentence("Unemployment fell to 4.1 percent in 2023, the lowest since 1999.")
    assert 1 <= len(factual) <= 5
    assert all(isinstance(name, str) and name for name in factual)
    assert all(isinstance(value, float) and value != 0.0 for value in factual.values())
    strengths = [abs(value) for value in factual.values()]
    assert strengths == sorted(strengths, reverse=True)
    assert factual.get("numbers", 0.0) > 0.0

    opinion = explain_sentence("I think everyone should pay their fair share.")
    assert any(value < 0 for value in opinion.values())
    assert opinion.get("should/must", 0.0) < 0.0 or opinion.get("opinion", 0.0) < 0.0


def test_explanations_use_readable_names_not_internal_keys():
    names = set()
    for text in FACTUAL + NOT_CHECKWORTHY:
        names.update(explain_sentence(text))
    assert names
    for name in names:
        assert not name.startswith(("w:", "b:", "x:")), name
        assert "<" not in name, name


def test_model_file_ships_in_the_package_and_matches_the_constant():
    resource = files("factcheck.engine.splitting") / MODEL_RESOURCE
    assert resource.is_file()
    raw = resource.read_bytes()
    assert len(raw) < 3 * 1024 * 1024
    model = json.loads(raw)
    assert model["threshold"] == CHECKWORTHY_THRESHOLD
    assert isinstance(model["bias"], float)
    assert len(model["weights"]) > 1000
    assert all(isinstance(w, float) for w in model["weights"].values())


def test_held_out_news_sentences():
    cases = json.loads(NEWS_FIXTURE.read_text(encoding="utf-8"))["sentences"]
    assert len(cases) >= 40
    positives = [score_sentence(c["text"]) for c in cases if c["label"] == 1]
    negatives = [score_sentence(c["text"]) for c in cases if c["label"] == 0]
    assert len(positives) >= 20 and len(negatives) >= 20
    correct = sum(s >= CHECKWORTHY_THRESHOLD for s in positives) + \
        sum(s < CHECKWORTHY_THRESHOLD for s in negatives)
    # Measured 0.92 (46/50) when the model was trained; the bar leaves room for retraining.
    assert correct / len(cases) >= 0.85
    # Ranking: a random claim outscores a random non-claim in nearly all pairs (AUC).
    pairs = sum(p > n for p in positives for n in negatives)
    assert pairs / (len(positives) * len(negatives)) >= 0.9


def test_score_is_the_logistic_of_the_weighted_features():
    """The fast path (cached per-word character sums) scores exactly the features trained on."""
    model = json.loads((files("factcheck.engine.splitting") / MODEL_RESOURCE).read_bytes())
    weights = model["weights"]
    assert any(key.startswith("c:") for key in weights)  # the character block is in use
    texts = [*FACTUAL, *NOT_CHECKWORTHY, "Reductions reduced the reduced deficit.", "", "42 %"]
    for text in texts * 2:  # the second round reads the per-word cache
        z = model["bias"] + sum(weights.get(key, 0.0) * value
                                for key, value in extract_features(text).items())
        assert score_sentence(text) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-9)


def test_news_ranking_puts_past_facts_above_demands_and_opinions():
    """In news prose, every verifiable past fact outranks every call, appeal, opinion,
    question and prediction, as the engine scores them (demands and reported speech by
    their content, then typed)."""
    news = json.loads(NEWS_FIXTURE.read_text(encoding="utf-8"))["sentences"]
    demands = [case["text"] for case in json.loads(DEMANDS_FIXTURE.read_text(
        encoding="utf-8"))["sentences"] if case["lang"] == "en" and case["demand"]]
    facts = [case["text"] for case in news[:20]]  # the twenty past facts with figures
    assert all(case["label"] == 1 for case in news[:20])
    not_claims = [case["text"] for case in news[20:40]]  # the plain opinions, calls, questions
    assert all(case["label"] == 0 for case in news[20:40])

    def engine_score(text: str) -> float:
        (claim,) = split_claims(text, lang="en")
        return claim.score

    lowest_fact = min(engine_score(text) for text in facts)
    assert max(engine_score(text) for text in demands) < lowest_fact
    assert max(engine_score(text) for text in not_claims) < lowest_fact
    # The model alone, before any typing: past facts above the opinions and exhortations.
    assert max(score_sentence(text) for text in NOT_CHECKWORTHY) < \
        min(score_sentence(text) for text in facts)


def test_the_sample_article_ranks_verifiable_facts_above_demands_and_predictions():
    """Our annotation of the sample article (tests/data/attribution_sample.json, `verifiable`):
    what the engine scores, as the board ranks it."""
    root = Path(__file__).resolve().parents[2]
    gold = {s["text"]: s["verifiable"] for s in json.loads(
        (root / "tests" / "data" / "attribution_sample.json").read_text(encoding="utf-8"))
        ["sentences"]}
    claims = split_claims((root / "factcheck" / "data" / "national-consensus.txt")
                          .read_text(encoding="utf-8"), lang="en")
    assert {c.text for c in claims} == set(gold)
    verifiable = [c.score for c in claims if gold[c.text]]
    neither = [c.score for c in claims
               if not gold[c.text] and c.kind in {"demand", "prediction", "opinion"}]
    assert len(verifiable) == 9 and len(neither) >= 9
    assert min(verifiable) > max(neither)
    ranked = [gold[c.text] for c in sorted(claims, key=lambda c: -c.score)]
    hits, precision = 0, 0.0
    for rank, relevant in enumerate(ranked, start=1):
        if relevant:
            hits += 1
            precision += hits / rank
    # Measured 0.832 (bench/demands.py); the article's own order gives 0.414.
    assert precision / hits >= 0.75


@pytest.mark.parametrize("text", [*FACTUAL, *NOT_CHECKWORTHY, "", "42"])
def test_one_pass_gives_the_score_and_the_reasons(text):
    score, reasons = assess_sentence(text)
    assert score == pytest.approx(score_sentence(text), abs=1e-12)
    assert reasons == explain_sentence(text)


def test_the_meaning_of_words_counts_where_the_words_were_never_trained_on():
    """Token weights (folded word vectors) score a word by what it means: a verb of change
    the model's n-grams may not know still reads like one it does."""
    model = json.loads((files("factcheck.engine.splitting") / MODEL_RESOURCE).read_bytes())
    tokens = {key[2:]: weight for key, weight in model["weights"].items()
              if key.startswith("t:")}
    assert len(tokens) > 20_000  # the whole vocabulary, not only the training words
    assert not any(token.startswith("[unused") for token in tokens)
    # Words of measured change lean towards a claim, words of opinion away from it.
    changes = [tokens[w] for w in ("fell", "increased", "percent", "million")]
    opinions = [tokens[w] for w in ("think", "should", "hope", "wonderful")]
    assert min(changes) > max(opinions)
    # The block is in the score: without the t: weights the score would differ.
    text = "Exports plummeted by a third last quarter."
    without = model["bias"] + sum(model["weights"].get(key, 0.0) * value
                                  for key, value in extract_features(text).items()
                                  if not key.startswith("t:"))
    assert abs(score_sentence(text) - 1 / (1 + math.exp(-without))) > 0.01
