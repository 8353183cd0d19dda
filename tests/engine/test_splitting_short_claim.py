"""`short_claim`: the engine's proposed summary of each claim, in the claim's own words."""

# Dari sentences are part of what these tests check.

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from factcheck.engine.splitting import (
    SHORT_CLAIM_MAX,
    classify_span,
    short_claim_of,
    split_claims,
)

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "factcheck" / "data" / "national-consensus.txt").read_text(encoding="utf-8")
_TOKEN = re.compile(r"\w+(?:[’'.-]\w+)*")
# A phrase left open: a cut before its object or after a conjunction.
_OPEN_END = {"and", "or", "but", "of", "to", "the", "a", "an", "in", "on", "at", "by", "for",
             "with", "from", "that", "which", "who", "as", "than", "their", "its", "his",
             "her", "this", "into", "not", "only"}


def _texts() -> list[str]:
    """Many sentences: the sample article, the Golden Rules, our demand and news sets."""
    texts = [SAMPLE]
    texts += [case["text"] for case in json.loads(
        (DATA / "golden_rules_en.json").read_text(encoding="utf-8"))]
    texts += [case["text"] for case in json.loads(
        (DATA / "demand_sentences.json").read_text(encoding="utf-8"))["sentences"]]
    texts += [case["text"] for case in json.loads(
        (DATA / "checkworthy_news.json").read_text(encoding="utf-8"))["sentences"]]
    return texts


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def _is_subsequence(short: list[str], words: list[str]) -> bool:
    it = iter(words)
    return all(any(w == s for w in it) for s in short)


def test_every_proposal_is_short_whole_and_made_of_the_claims_own_words() -> None:
    claims = [c for text in _texts() for c in split_claims(text)]
    assert len(claims) > 150
    for claim in claims:
        short = claim.short_claim
        assert 0 < len(short) <= SHORT_CLAIM_MAX, claim.text
        # Never an ellipsis that the claim does not have itself.
        assert "…" not in short or "…" in claim.text
        assert "..." not in short or "..." in claim.text
        # The claim's words, in the claim's order: nothing added, nothing reworded.
        assert _is_subsequence(_tokens(short), _tokens(claim.text)), (short, claim.text)
        # Never cut inside a phrase: where it was cut, the last word closes the phrase.
        last = _tokens(short)[-1]
        if last != _tokens(claim.text)[-1]:
            assert last not in _OPEN_END, (short, claim.text)
        assert short.count("“") == short.count("”"), short


def test_most_proposals_of_the_sample_meet_googles_75_characters() -> None:
    shorts = [c.short_claim for c in split_claims(SAMPLE, lang="en")]
    assert max(map(len, shorts)) <= SHORT_CLAIM_MAX
    # Measured 13 of 29 within 75 (the rest are one long main clause each).
    assert sum(len(s) <= 75 for s in shorts) >= 12


@pytest.mark.parametrize(("text", "short"), [
    # A short claim is itself, without its full stop.
    ("Unemployment fell to 3.5 percent in October.",
     "Unemployment fell to 3.5 percent in October"),
    # Leading and trailing attribution: the claimant is a field of its own.
    ("The minister said that unemployment fell by 12 percent this year.",
     "Unemployment fell by 12 percent this year"),
    ("According to the declaration, any future Afghan government must derive legitimacy "
     "from consensus.", "Any future Afghan government must derive legitimacy from consensus"),
    ("\u201cI hope they help me, too,\u201d Mr. Trump said in Naples, Fla.",
     "I hope they help me, too"),
    ("Exports fell 4 percent in May, according to the statistics office.",
     "Exports fell 4 percent in May"),
    # A denial keeps its verb: the content alone would say the opposite.
    ("The minister denied that any prisoners had been released.",
     "The minister denied that any prisoners had been released"),
    # Appositives, non-restrictive clauses, parentheses and trailing detail go.
    ("Neda Mohammad Nadeem, the Taliban\u2019s Minister of Higher Education, has also "
     "visited Tehran.", "Neda Mohammad Nadeem has also visited Tehran"),
    ("Human rights, which have deteriorated sharply under Taliban rule, form a prominent "
     "part of the declaration.", "Human rights form a prominent part of the declaration"),
    ("The dam (completed in 1970) supplies water to two million households.",
     "The dam supplies water to two million households"),
    ("The strike closed 300 schools across Ontario, leaving 40,000 pupils at home.",
     "The strike closed 300 schools across Ontario"),
    ("Yet despite these parallel movements, there are still no signs of direct talks "
     "between the Taliban and opposition leaders.",
     "There are still no signs of direct talks between the Taliban and opposition leaders"),
    # Over 140 characters: cut before a phrase, never inside a list of names.
    ("The statement, titled \u201cNational Consensus of Afghan Political Parties and "
     "Movements,\u201d was released on Tuesday during an online meeting attended by Ahmad "
     "Massoud, Abdul Rashid Dostum, Ismail Khan, Hanif Atmar, Mohammad Mohaqiq and Atta "
     "Mohammad Noor.", "The statement was released on Tuesday during an online meeting"),
    # A demand keeps its verb (its words are not a statement) and drops the detail.
    ("The leaders demanded the immediate reversal of the Taliban\u2019s bans on women\u2019s "
     "and girls\u2019 education and employment, calling these policies a national disgrace.",
     "The leaders demanded the immediate reversal of the Taliban\u2019s bans on women\u2019s "
     "and girls\u2019 education and employment"),
])
def test_proposals_keep_the_main_clause(text: str, short: str) -> None:
    (claim,) = split_claims(text)
    assert claim.short_claim == short
    assert short_claim_of(text) == short  # the same proposal for a stored claim's words


def test_a_dari_claim_proposes_the_reported_words() -> None:
    text = "وزیر گفت که بیکاری ۱۲ درصد کاهش یافته است."
    claim = classify_span(text, 0, len(text), "fa")
    assert claim.short_claim == "بیکاری ۱۲ درصد کاهش یافته است"
    assert short_claim_of(text, "fa") == claim.short_claim


def test_later_sentences_of_a_quote_propose_their_own_words() -> None:
    text = ("\u201cThe deal is good for workers. She is well positioned to get something "
            "done,\u201d the daily wrote.")
    assert [c.short_claim for c in split_claims(text)] == [
        "The deal is good for workers", "She is well positioned to get something done"]


def test_a_long_run_without_any_boundary_is_cut_at_a_word_without_an_ellipsis() -> None:
    text = "Officials counted " + " ".join(["many"] * 60) + " ballots."
    short = split_claims(text)[0].short_claim
    assert len(short) <= SHORT_CLAIM_MAX and not short.endswith(("…", "..."))
    assert text.startswith(short)
