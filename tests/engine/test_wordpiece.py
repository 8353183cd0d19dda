"""Our WordPiece tokenizer against Hugging Face's reference implementation."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from factcheck.engine.wordpiece import token_ids, vocabulary

tokenizers = pytest.importorskip("tokenizers")

SAMPLES = Path(__file__).resolve().parents[1] / "data"
ODD_TEXTS = [
    "Ça coûte 3,5 € — naïve café\u200b test\x00 x\x0bz\x7f",
    "Unemployment fell to 3.5% in 2019, the U.S. Bureau of Labor Statistics said.",
    "کابل ۲۰۲۱ طالبان «حقوق بشر»",
    "日本語テキスト and ﬁ ligature, Ωmega ǅ",
    "https://example.org/a?b=1 @user #Tag $5^2 `x` ~y~ {z}",
    "supercalifragilisticexpialidocious" * 4,
    "\t\r\n  ",
    "sep\x1carated\x85by\u2028odd\u00a0spaces\x0cand\u200bmarks",
    "\u201cquoted\u201d \u2014 dash\u2019s",
    "",
]


@pytest.fixture(scope="module")
def reference():
    path = str(files("factcheck.engine").joinpath("wordpiece_vocab.txt"))
    return tokenizers.BertWordPieceTokenizer(path, lowercase=True, strip_accents=None,
                                             clean_text=True, handle_chinese_chars=True)


def _texts() -> list[str]:
    texts = list(ODD_TEXTS)
    persian = (SAMPLES / "persian-article.txt").read_text(encoding="utf-8")
    texts += [persian, *persian.splitlines()]
    for item in json.loads((SAMPLES / "matching_paraphrases.json").read_text("utf-8"))["items"]:
        texts += [item["claim"], item["paraphrase"], item["changed"] or ""]
    for case in json.loads((SAMPLES / "golden_rules_en.json").read_text("utf-8")):
        texts.append(case["text"])
    return texts


def test_same_tokens_as_the_reference(reference):
    texts = _texts()
    assert len(texts) > 50
    for text in texts:
        assert token_ids(text) == reference.encode(text, add_special_tokens=False).ids, text


def test_vocabulary_is_bert_uncased():
    vocab = vocabulary()
    assert len(vocab) == 30522
    assert vocab["[UNK]"] == 100 and vocab["[CLS]"] == 101 and vocab["##ing"] > 0
    assert token_ids("Unaffordable") == [vocab["una"], vocab["##ff"], vocab["##ord"],
                                         vocab["##able"]]
