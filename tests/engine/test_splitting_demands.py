"""Demands through `split_claims`: calls, appeals and urges are typed `demand`, keep their
claimant and rank below what can be checked. Dari and Pashto sentences are part of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.engine.splitting import classify_span, split_claims

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "factcheck" / "data" / "national-consensus.txt").read_text(encoding="utf-8")
SAMPLE_GOLD = json.loads((ROOT / "tests" / "data" / "attribution_sample.json").read_text(
    encoding="utf-8"))["sentences"]
SENTENCES = json.loads((ROOT / "tests" / "data" / "demand_sentences.json").read_text(
    encoding="utf-8"))["sentences"]


@pytest.mark.parametrize("case", SENTENCES, ids=lambda c: c["text"][:40])
def test_written_sentences_are_demands_exactly_when_annotated(case: dict) -> None:
    (claim,) = split_claims(case["text"], lang=case["lang"])
    assert (claim.kind == "demand") is case["demand"]
    if case["demand"]:
        assert claim.claimant == case["claimant"]
        assert claim.claimant in case["text"]  # the source's words, not a label


def test_the_sample_article_demands_match_our_annotation() -> None:
    """The eight calls and appeals of the sample article (measured: 8 of 8, no false ones),
    each with the source our annotation names (pronouns and passives resolved)."""
    claims = {c.text: c for c in split_claims(SAMPLE, lang="en")}
    gold = {g["text"] for g in SAMPLE_GOLD if g["kind"] == "demand"}
    ours = {text for text, c in claims.items() if c.kind == "demand"}
    assert len(gold) == 8
    assert ours == gold
    expected = {g["text"]: g["claimant"] for g in SAMPLE_GOLD if g["kind"] == "demand"}
    assert {t: claims[t].claimant for t in gold} == expected


def test_demands_rank_below_the_checkable_sentences_of_the_sample() -> None:
    claims = split_claims(SAMPLE, lang="en")
    demands = [c.score for c in claims if c.kind == "demand"]
    factual = sorted((c.score for c in claims if c.kind == "factual"), reverse=True)
    assert max(demands) < 0.3
    # The best verifiable statements all outrank every call and appeal.
    assert min(factual[:3]) > max(demands)
    assert all("kind: demand" in c.features for c in claims if c.kind == "demand")


def test_a_demand_with_the_same_words_as_a_fact_scores_far_lower() -> None:
    fact = split_claims("The ministry paid 2,000 families $500 each in March 2024.")[0]
    demand = split_claims("The union demanded that the ministry pay 2,000 families $500 each "
                          "by March 2024.")[0]
    assert demand.kind == "demand" and fact.kind == "factual"
    assert demand.score < 0.3 < fact.score


def test_a_quote_closed_by_a_demand_gives_its_speaker_to_the_earlier_sentences() -> None:
    text = ("\u201cThe prisoners have done nothing wrong. Release them now,\u201d the minister "
            "demanded.")
    claims = split_claims(text)
    assert [c.claimant for c in claims] == ["the minister", "the minister"]
    assert claims[-1].kind == "demand"


def test_a_demand_with_a_warning_stays_one_candidate() -> None:
    text = ("A coalition of opposition leaders has jointly called for peace talks, warning "
            "that the crisis cannot be resolved by force alone.")
    (claim,) = split_claims(text)
    assert (claim.kind, claim.claimant) == ("demand", "A coalition of opposition leaders")


def test_classify_span_types_an_editors_own_span_as_a_demand() -> None:
    text = "Unemployment fell in May. The leaders urged the Taliban to reopen the schools."
    start = text.index("The leaders")
    claim = classify_span(text, start, len(text))
    assert (claim.kind, claim.claimant) == ("demand", "The leaders")
    text = "رهبران از طالبان درخواست کردند که مکاتب دختران را بازگشایی کنند."
    claim = classify_span(text, 0, len(text), "fa")
    assert (claim.kind, claim.claimant) == ("demand", "رهبران")
