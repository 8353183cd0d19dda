"""What claim matching reads of a claim: posts cleaned, plain sentences untouched."""

from __future__ import annotations

import pytest

from factcheck.engine.claim_text import clean_claim


@pytest.mark.parametrize("text", [
    "Unemployment fell to 3.5% in October, the minister said.",
    "وزارت معارف می‌گوید که ۲۰۰ مکتب در کابل بسته شده است.",
    "The U.S. spent $4.2bn on A-10 jets in 2019 - not $3bn.",
])
def test_plain_sentences_pass_through_unchanged(text):
    assert clean_claim(text).text == text
    assert clean_claim(text).author == ""


def test_a_post_keeps_its_claim_and_names_its_author():
    cleaned = clean_claim("RT @newsdesk: #BidenLies about 500 jobs https://t.co/x "
                          "pic.twitter.com/y — Jane Doe (@janedoe) May 3, 2019")
    assert cleaned.text == "Biden Lies about 500 jobs"
    assert cleaned.author == "Jane Doe"
