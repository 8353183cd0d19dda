"""Finding an evidence quote in a preserved page's text."""

from __future__ import annotations

import pytest

from factcheck.engine.quotes import MAX_GAP, find_quote, quote_parts

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
    ("statistics office.... It was the", "statistics office said on Friday.\nIt was the"),
    # Several elisions.
    ("The unemployment rate \u2026 the \u2026 lowest since", "The unemployment rate was 3.5% "
     "in October, the statistics office said on Friday.\nIt was the   lowest since"),
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


def test_a_part_is_tried_at_each_of_its_places():
    # From the first "said" the end is too far; from the second it is near.
    page = "start one. said x. " + "y" * 900 + " said z. " + "y" * 300 + " finish."
    start, end = find_quote(page, "start one \u2026 said \u2026 finish")
    assert (start, end) == (0, len(page) - 1)
    assert page[start:end].count("said") == 2
    page = "start one. said x. " + "y" * (2 * MAX_GAP) + " said z. finish."
    assert find_quote(page, "start one \u2026 said \u2026 finish") is None  # too far apart


def test_only_an_elision_is_nothing_to_look_for():
    assert quote_parts("\u2026") == [] and quote_parts(" [...] ") == []
    assert quote_parts("Jobs grew \u2026 wages fell.") == ["jobs grew", "wages fell."]


def test_an_elision_stands_for_a_passage_not_for_the_rest_of_the_page():
    far = "Jobs grew. " + "Filler sentence here. " * (MAX_GAP // 20) + "Wages fell."
    assert find_quote(far, "Jobs grew. \u2026 Wages fell.") is None
    near = "Jobs grew. " + "Filler sentence here. " * 5 + "Wages fell."
    assert find_quote(near, "Jobs grew. \u2026 Wages fell.") == (0, len(near))
    # The first place of the first part that is followed by the rest is the one found.
    twice = "Jobs grew. " + "x" * (2 * MAX_GAP) + " Jobs grew. Then wages fell."
    start, end = find_quote(twice, "Jobs grew \u2026 wages fell")
    assert twice[start:end] == "Jobs grew. Then wages fell"


def test_a_quote_of_many_elisions_is_looked_for_as_written():
    quote = " \u2026 ".join(["jobs"] * 3000)  # no recursion 3,000 parts deep
    assert quote_parts(quote) == [quote]
    assert find_quote("Jobs grew. " * 10, quote) is None
    assert find_quote("a " + quote + " b", quote) == (2, 2 + len(quote))
