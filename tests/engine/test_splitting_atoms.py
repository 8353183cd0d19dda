"""Sub-claims through `split_claims`: the atomic statements of a sentence and the facts it
presupposes, each an exact span of the sentence; sentences without a clear structure give
none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factcheck.engine.splitting import split_claims

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "factcheck" / "data" / "national-consensus.txt").read_text(encoding="utf-8")


def _subs(text: str) -> list[tuple[str, str]]:
    return [(sub.origin, sub.text) for claim in split_claims(text, lang="en")
            for sub in claim.sub_claims]


EXAMPLES = [
    ("Prices rose 5% and wages fell 2%.",
     [("atomic", "Prices rose 5%"), ("atomic", "wages fell 2%")]),
    ("The statement was released on Tuesday during an online meeting attended by Ahmad "
     "Massoud, Abdul Rashid Dostum and Ismail Khan.",
     [("atomic", "The statement was released on Tuesday during an online meeting"),
      ("atomic", "an online meeting attended by Ahmad Massoud, Abdul Rashid Dostum and "
                 "Ismail Khan")]),
    ("They condemned the widespread arrests, intimidation and torture of former government "
     "employees.",
     [("presupposed", "the widespread arrests, intimidation and torture of former "
                      "government employees")]),
    ("The minister accused the opposition of spreading lies about the election results.",
     [("presupposed", "spreading lies about the election results")]),
    ("The company hired 50 people in March, but the city lost 200 jobs in April.",
     [("atomic", "The company hired 50 people in March"),
      ("atomic", "the city lost 200 jobs in April")]),
    ("Human rights, which have deteriorated sharply under Taliban rule, form a prominent "
     "part of the declaration.",
     [("atomic", "Human rights, which have deteriorated sharply under Taliban rule")]),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=lambda v: str(v)[:30])
def test_the_issue_examples_give_their_atomic_claims(text: str, expected: list) -> None:
    assert _subs(text) == expected


NO_SUB_CLAIMS = [
    "Unemployment fell to 3.5 percent in October, the lowest level in fifty years.",
    "He went home and slept for ten hours after the long meeting.",  # one subject
    "If prices rise and wages fall, households will suffer badly this winter.",
    "Smith and Jones met in London on Tuesday to discuss the budget.",
    "The ministry condemned it in a short statement on Monday evening.",  # a pronoun
    "Did the company hire 50 people and the city lose 200 jobs last year?",
    "The government must cut taxes and the bank should lower interest rates.",
    "Bread and butter remain the staples of the diet in the northern provinces.",
    "The talks between the Taliban and opposition leaders have not started yet.",
    "The report covers economic devastation, political suffocation and a humanitarian "
    "emergency.",
    "She said the plan was sound and the budget was fair to everyone involved.",
    "Recognition should follow once commitments to peace, reforms and human rights are met.",
    "“Prices rose and wages fell,” the minister told parliament on Monday.",
]


@pytest.mark.parametrize("text", NO_SUB_CLAIMS, ids=lambda t: t[:30])
def test_sentences_without_a_clear_structure_give_none(text: str) -> None:
    assert _subs(text) == []


# Our reading of the sample article (tests/data/national-consensus.html's text): what each
# sentence holds that can be checked on its own.
SAMPLE_SUBS = [
    ("atomic", "The statement, titled “National Consensus of Afghan Political Parties and "
               "Movements,” was released on Tuesday during an online meeting"),
    ("atomic", "an online meeting attended by Ahmad Massoud, Abdul Rashid Dostum, Ismail "
               "Khan, Hanif Atmar, Mohammad Mohaqiq and Atta Mohammad Noor"),
    ("presupposed", "turning the country into a battleground influenced by foreign "
                    "rivalries"),
    ("atomic", "Human rights, which have deteriorated sharply under Taliban rule"),
    ("presupposed", "the widespread arrests, intimidation and torture of former government "
                    "employees"),
    ("presupposed", "the growing incidents of forced displacement, land grabbing and the "
                    "secretive exploitation of Afghanistan’s natural resources"),
    ("atomic", "under Taliban administration, freedom of expression has been systematically "
               "suffocated"),
    ("atomic", "humanitarian aid has been mismanaged, often diverted or restricted due to "
               "opaque Taliban controls"),
    ("atomic", "Several opposition figures have travelled to Iran for consultations"),
    ("atomic", "Neda Mohammad Nadeem, the Taliban’s Minister of Higher Education and a close "
               "ally of Hibatullah Akhundzada, has also visited Tehran"),
    ("atomic", "the Taliban’s diplomatic engagements appear driven more by regime survival "
               "than a genuine commitment to national reconciliation"),
    ("atomic", "Tehran remains concerned about Pakistan’s increasing contacts with Afghan "
               "opposition groups"),
]


def test_the_sample_article_gives_exactly_our_sub_claims() -> None:
    assert _subs(SAMPLE) == SAMPLE_SUBS


def test_sub_claims_are_spans_of_their_sentence_with_no_word_of_their_own() -> None:
    claims = split_claims(SAMPLE + "\n" + " ".join(t for t, _ in EXAMPLES), lang="en")
    subs = [(claim, sub) for claim in claims for sub in claim.sub_claims]
    assert len(subs) >= len(SAMPLE_SUBS)
    text = SAMPLE + "\n" + " ".join(t for t, _ in EXAMPLES)
    for claim, sub in subs:
        assert sub.text == text[sub.start:sub.end]
        assert claim.start <= sub.start < sub.end <= claim.end
        words = set(re.findall(r"\w+", claim.text))
        assert set(re.findall(r"\w+", sub.text)) <= words
        assert sub.sub_claims == () and sub.origin in {"atomic", "presupposed"}
        assert 0.0 <= sub.score <= 1.0 and sub.short_claim


def test_a_presupposed_fact_keeps_the_sentence_claimant() -> None:
    by_text = {sub.text: (claim, sub) for claim in split_claims(SAMPLE, lang="en")
               for sub in claim.sub_claims}
    claim, arrests = by_text["the widespread arrests, intimidation and torture of former "
                             "government employees"]
    assert claim.claimant == arrests.claimant == "The leaders"
    assert arrests.kind == "factual"
    # Reported content stays reported: the statement's words, with its claimant.
    _claim, aid = by_text["humanitarian aid has been mismanaged, often diverted or "
                          "restricted due to opaque Taliban controls"]
    assert (aid.kind, aid.claimant) == ("attributed", "The statement")


def test_a_sub_claim_is_scored_on_its_own_words() -> None:
    (claim,) = split_claims("Prices rose 5% in a year and the mayor was born in Paris.",
                            lang="en")
    prices, mayor = claim.sub_claims
    assert prices.score != mayor.score
    assert prices.score > 0.5  # a number and a change: check-worthy on its own


@pytest.mark.parametrize(("text", "expected"), [
    ("آنها بازداشت‌های گسترده و شکنجه کارمندان پیشین دولت را محکوم کردند.",
     ["بازداشت‌های گسترده و شکنجه کارمندان پیشین دولت"]),
    ("رهبران در این نشست، بازداشت‌های گسترده کارمندان پیشین دولت را به شدت محکوم کردند.",
     ["بازداشت‌های گسترده کارمندان پیشین دولت"]),
    # A noun subject runs into its object: where one ends is not clear, so nothing.
    ("رهبران بازداشت‌های گسترده کارمندان پیشین دولت را محکوم کردند.", []),
    ("او گفت که قیمت‌ها پنج درصد افزایش یافته است.", []),
], ids=["pronoun subject", "after a comma", "noun subject", "no condemnation"])
def test_persian_condemnations_presuppose_their_object_when_it_is_clear(text, expected):
    subs = [sub for claim in split_claims(text, lang="fa") for sub in claim.sub_claims]
    assert [sub.text for sub in subs] == expected
    assert all(sub.origin == "presupposed" and text[sub.start:sub.end] == sub.text
               for sub in subs)
