"""Finding an evidence quote in a preserved page's text."""

from __future__ import annotations

import pytest

from factcheck.engine.quotes import MAX_GAP, find_quote

PAGE = ("The unemployment rate was 3.5% in October, the statistics office said on Friday.\n"
        "It was the   lowest since 2019.")


@pytest.mark.parametrize(("quote", "found"), [
    ("The unemployment rate was 3.5% in October,", "The unemployment rate was 3.5% in October,"),
    ("\u201cthe UNEMPLOYMENT rate was 3.5%\u201d", "The unemployment rate was 3.5%"),
    ("Friday. It was the lowest", "Friday.\nIt was the   lowest"),  # spacing differs
    # Words left out, marked as quotations mark them.
    ("the unemployment rate \u2026 in October", "The unemployment rate was 3.5% in October"),
    ("rate was 3.5% [...] said on Friday",
     "rate was 3.5% in October, the statistics office said on Friday"),
    ("rate was 3.5% [\u2026] it was", "rate was 3.5% in October, the statistics office said "
                                      "on Friday.\nIt was"),
    ("... lowest since 2019 ...", "lowest since 2019"),
])
def test_a_quote_is_found_whatever_its_spacing_marks_case_or_elisions(quote, found):
    span = find_quote(PAGE, quote)
    assert span is not None and PAGE[span[0]:span[1]] == found


@pytest.mark.parametrize("quote", [
    "The rate was 9 percent",
    "rate \u2026 since 1999",  # one part is not there
    "since 2019 \u2026 The unemployment rate",  # the parts out of order
    "\u2026", "  ", "\u201c\u201d",
])
def test_words_the_page_does_not_hold_are_not_found(quote):
    assert find_quote(PAGE, quote) is None


def test_an_elision_stands_for_a_passage_not_for_the_rest_of_the_page():
    far = "Jobs grew. " + "Filler sentence here. " * (MAX_GAP // 20) + "Wages fell."
    assert find_quote(far, "Jobs grew. \u2026 Wages fell.") is None
    near = "Jobs grew. " + "Filler sentence here. " * 5 + "Wages fell."
    assert find_quote(near, "Jobs grew. \u2026 Wages fell.") == (0, len(near))
    # The first place of the first part that is followed by the rest is the one found.
    twice = "Jobs grew. " + "x" * (2 * MAX_GAP) + " Jobs grew. Then wages fell."
    start, end = find_quote(twice, "Jobs grew \u2026 wages fell")
    assert twice[start:end] == "Jobs grew. Then wages fell"
