"""Languages and scripts: detection, script, writing direction, the shared character classes."""

# Dari and Pashto text are the point of these tests.

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factcheck.engine.splitting import classify_span
from factcheck.engine.splitting.language import (
    ARABIC_LETTERS,
    ARABIC_SCRIPT,
    detect_language,
    is_rtl,
    script_of,
    text_direction,
)

DATA = Path(__file__).resolve().parents[1] / "data"
ENGLISH = (Path(__file__).resolve().parents[2] / "factcheck" / "data" / "national-consensus.txt"
           ).read_text(encoding="utf-8")
DARI = (DATA / "persian-article.txt").read_text(encoding="utf-8")
PASHTO = "طالبانو ویلي چې په ټول هېواد کې به د نجونو ښوونځي بیا پرانیستل شي."
# Dari news quoting English names and an acronym: still Dari.
MIXED_DARI = "ذبیح‌الله مجاهد (Zabihullah Mujahid) گفت که UNAMA گزارش خود را منتشر کرده است."
# English news quoting one Dari word: still English.
MIXED_ENGLISH = "The word for peace, صلح, was on every banner in Kabul on Friday."

RTL_CODES = ["ar", "fa", "prs", "ps", "pbt", "pbu", "ur", "ckb", "sd", "ug", "he", "yi", "dv"]


@pytest.mark.parametrize("lang", ["fa", "prs", "ps", "PS", "fa-AF", "fa_AF", "prs-AF", " ps ",
                                  "pus", "pes", "ar", "ur"])
def test_script_of_an_arabic_script_language_code(lang: str) -> None:
    assert script_of(None, lang) == "arabic"
    # The code wins over the text: a Dari article may open with an English title.
    assert script_of("The Taliban said on Tuesday", lang) == "arabic"


@pytest.mark.parametrize("lang", ["en", "EN", "en_GB", "en-US", "de-CH", "fr", "tr", "xx"])
def test_script_of_a_latin_script_language_code(lang: str) -> None:
    assert script_of(None, lang) == "latin"
    assert script_of(DARI, lang) == "latin"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DARI, "arabic"),
        (PASHTO, "arabic"),
        (MIXED_DARI, "arabic"),
        ("۱۲۳ ۴۵", "arabic"),  # Persian digits are Arabic script too
        (ENGLISH, "latin"),
        (MIXED_ENGLISH, "latin"),
        ("Ça coûte 3,5 €.", "latin"),
        ("\ufeff", "latin"),  # a byte order mark is not Arabic
        ("", "latin"),
        (None, "latin"),
    ],
    ids=["dari", "pashto", "mixed-dari", "digits", "english", "mixed-english", "french",
         "bom", "empty", "none"],
)
def test_script_of_text_without_a_language(text: str | None, expected: str) -> None:
    assert script_of(text) == expected
    assert script_of(text, None) == script_of(text, "") == expected


@pytest.mark.parametrize("lang", [*RTL_CODES, "fa-AF", "FA_af", "PS", "prs", "ps-AF", "pus",
                                  "ar-EG", " he "])
def test_right_to_left_languages(lang: str) -> None:
    assert is_rtl(lang) is True
    assert text_direction(lang) == "rtl"


@pytest.mark.parametrize("lang", ["en", "en_GB", "EN-us", "de", "fr-CA", "tr", "uz", "ru",
                                  "arn", "xx", "", "  ", None])
def test_other_languages_leave_the_direction_to_the_text(lang: str | None) -> None:
    assert is_rtl(lang) is False
    assert text_direction(lang) == "auto"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DARI, "fa"),
        (PASHTO, "ps"),
        (MIXED_DARI, "fa"),
        (ENGLISH, "en"),
        (MIXED_ENGLISH, "en"),
        ("Le gouvernement a annoncé que les écoles et les universités", "fr"),
        ("Hello there", None),  # too few words to tell
        ("", None),
    ],
    ids=["dari", "pashto", "mixed-dari", "english", "mixed-english", "french", "short",
         "empty"],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_every_detected_language_agrees_with_script_and_direction() -> None:
    for text in (DARI, PASHTO, MIXED_DARI, ENGLISH, MIXED_ENGLISH):
        lang = detect_language(text)
        assert script_of(None, lang) == script_of(text)
        assert is_rtl(lang) is (script_of(text) == "arabic")


def test_arabic_script_class_covers_its_blocks_and_nothing_else() -> None:
    edges = "\u0600\u06ff\u0750\u077f\u08a0\u08ff\ufb50\ufdff\ufe70\ufefc"
    inside = edges + "؟،\u06d4\u06f1٣" + "ټښې"  # punctuation and digits are Arabic script
    assert all(ARABIC_SCRIPT.fullmatch(ch) for ch in inside)
    outside = "a\u00e9\u05d0\u05ff\u0700\u0780\u089f\u0900\ufb4f\ufe00\ufe6f\ufeff 1."
    assert not any(ARABIC_SCRIPT.fullmatch(ch) for ch in outside)


def test_arabic_letters_are_letters_only() -> None:
    letter = re.compile(f"[{ARABIC_LETTERS}]")
    assert all(letter.fullmatch(ch) for ch in "ابپژیکګټښېځڅۍ\u0750\u08a0\ufb8a\ufefb")
    # Digits, punctuation and vowel marks are Arabic script but not letters.
    assert not any(letter.fullmatch(ch) for ch in "۱٣؟،؛\u06d4\u064e\u0670\ufd3e\ufdfc a")


@pytest.mark.parametrize("lang", [None, "fa", "prs-AF", "ps", "pus"])
def test_claims_use_the_persian_rules_for_arabic_script(lang: str | None) -> None:
    text = "وزیر گفت که بیکاری ۱۲ درصد کاهش یافته است."
    claim = classify_span(text, 0, len(text), lang)
    assert (claim.kind, claim.claimant) == ("attributed", "وزیر")
    # Scored by language-neutral signals: the English model knows no Dari or Pashto.
    assert set(claim.features) == {"number", "length"}


def test_claims_use_the_english_rules_for_latin_script() -> None:
    text = "The minister said that unemployment fell by 12 percent this year."
    claim = classify_span(text, 0, len(text), "en_GB")
    assert (claim.kind, claim.claimant) == ("attributed", "The minister")
    # The English model's reasons ("numbers"), not the Persian-script signals ("number").
    assert "number" not in claim.features and "numbers" in claim.features
