"""The two parts of reported speech: the claimant as a span of the article text, and an
attributed claim's content (span, own kind, score)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.engine.splitting import classify_span, score_sentence, split_claims

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "factcheck" / "data" / "national-consensus.txt").read_text(encoding="utf-8")
GOLD = json.loads((ROOT / "tests" / "data" / "attribution_sample.json").read_text(
    encoding="utf-8"))["sentences"]
REPORTED = [g for g in GOLD if g["kind"] in {"attributed", "demand"}]


@pytest.fixture(scope="module")
def sample_claims():
    return {claim.text: claim for claim in split_claims(SAMPLE, lang="en")}


@pytest.mark.parametrize("gold", REPORTED, ids=lambda g: g["text"][:40])
def test_the_claimant_span_holds_the_source_as_the_article_names_it(sample_claims, gold):
    claim = sample_claims[gold["text"]]
    span = claim.claimant_span
    assert span is not None
    assert SAMPLE[span.start:span.end] == span.text == gold["claimant"] == claim.claimant


def test_a_pronoun_source_points_at_the_name_written_earlier_and_keeps_its_own_place(
        sample_claims):
    they = [c for c in sample_claims.values()
            if c.source_span is not None and c.source_span.text == "They"]
    assert len(they) >= 4
    for claim in they:
        named, pronoun = claim.claimant_span, claim.source_span
        assert named.end <= claim.start  # named in an earlier sentence
        assert SAMPLE[named.start:named.end] == claim.claimant != "They"
        assert claim.start <= pronoun.start < pronoun.end <= claim.end
        assert SAMPLE[pronoun.start:pronoun.end] == "They"


@pytest.mark.parametrize("gold", [g for g in REPORTED if g["kind"] == "attributed"],
                         ids=lambda g: g["text"][:40])
def test_an_attributed_sentence_has_its_content_inside_it_without_the_frame(sample_claims,
                                                                            gold):
    claim = sample_claims[gold["text"]]
    content = claim.content_span
    assert content is not None
    assert SAMPLE[content.start:content.end] == content.text
    assert claim.start <= content.start < content.end <= claim.end
    assert content.end - content.start < claim.end - claim.start  # the frame is left out
    # The source's words are part of the frame, not of the content.
    assert claim.claimant_span.text not in content.text
    assert claim.content_kind in {"factual", "opinion", "prediction", "question"}
    assert claim.content_score == claim.score


def test_demands_and_plain_statements_have_no_content_part(sample_claims):
    demands = [c for c in sample_claims.values() if c.kind == "demand"]
    plain = [c for c in sample_claims.values() if c.kind not in {"attributed", "demand"}]
    assert demands and plain
    assert all(c.content_span is None and c.content_kind is None for c in demands + plain)
    assert all(c.claimant_span is not None for c in demands)
    assert all(c.claimant_span is None for c in plain)


def test_the_content_of_sample_sentences_word_for_word(sample_claims):
    by_start = {c.text[:30]: c for c in sample_claims.values()}
    stressed = by_start["The signatories stressed that "]
    assert stressed.content_span.text.startswith("Afghanistan’s sovereignty can only be")
    highlights = by_start["The statement highlights that "]
    assert highlights.content_span.text.startswith(
        "under Taliban administration, freedom of expression")
    assert highlights.content_span.text.endswith(".")


TEXT = ('Senator Maria Lopez spoke in Denver on Monday. "Unemployment fell by 3 percent last '
        'year," she said. She added that the state should cut taxes. '
        'According to the ministry, exports rose 4 percent in May. '
        'Prices will rise next year, the central bank warned on Tuesday.')


def _claims():
    return {c.text[:12]: c for c in split_claims(TEXT, lang="en")}


def test_a_quotation_with_its_speaker_after_it():
    quote = _claims()['"Unemploymen']
    assert quote.kind == "attributed"
    assert quote.content_span.text == "Unemployment fell by 3 percent last year"
    assert quote.claimant_span.text == "Senator Maria Lopez"
    assert quote.claimant_span.start == 0
    assert TEXT[quote.source_span.start:quote.source_span.end] == "she"
    assert quote.content_kind == "factual"


def test_the_content_is_scored_as_what_it_is_not_as_reported_speech():
    claims = _claims()
    opinion = claims["She added th"]
    assert opinion.content_span.text == "the state should cut taxes."
    assert opinion.content_kind == "opinion"
    assert opinion.claimant_span.text == "Senator Maria Lopez"
    fact = claims["According to"]
    assert fact.content_span.text == "exports rose 4 percent in May."
    assert fact.claimant_span.text == "the ministry"
    assert fact.content_kind == "factual"
    # Each is scored on its content, not on the reporting frame around it.
    assert opinion.score == opinion.content_score == pytest.approx(
        score_sentence(opinion.content_span.text))
    assert fact.score == fact.content_score == pytest.approx(
        score_sentence(fact.content_span.text))


def test_a_reporting_clause_after_the_content():
    prediction = _claims()["Prices will "]
    assert prediction.content_span.text == "Prices will rise next year"
    assert prediction.claimant_span.text == "the central bank"
    assert prediction.content_kind == "prediction"


def test_a_passage_typed_alone_has_its_parts_in_the_whole_text():
    text = "Intro sentence here. The mayor said that the bridge cost 40 million dollars."
    start = text.index("The mayor")
    claim = classify_span(text, start, len(text), lang="en")
    assert text[claim.claimant_span.start:claim.claimant_span.end] == "The mayor"
    assert text[claim.content_span.start:claim.content_span.end] == (
        "the bridge cost 40 million dollars.")


def test_persian_reported_speech_has_both_spans():
    text = "وزیر گفت که صادرات افزایش یافته است."
    claim = split_claims(text, lang="fa")[0]
    assert claim.kind == "attributed"
    assert text[claim.claimant_span.start:claim.claimant_span.end] == "وزیر"
    assert text[claim.content_span.start:claim.content_span.end] == "صادرات افزایش یافته است."


def test_a_quotation_before_a_speaker_with_an_appositive_and_an_addressee():
    text = ("“Ted Cruz is not my favorite by any means,” Graham, a former candidate, told CBS "
            "News on Tuesday.")
    claim = split_claims(text, lang="en")[0]
    assert claim.kind == "attributed"
    assert claim.claimant_span.text == "Graham"
    assert claim.content_span.text == "Ted Cruz is not my favorite by any means"
    # Scored as those words, not as what follows the verb ("CBS News on Tuesday").
    assert claim.content_score == claim.score
    assert claim.score == pytest.approx(score_sentence(claim.content_span.text))
