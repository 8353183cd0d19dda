"""Figures in matched claims: a changed number is not the same claim."""

from __future__ import annotations

import pytest

from factcheck.engine.match_numbers import (
    NUMBER_PENALTY,
    adjusted_scores,
    numbers_differ,
    numbers_in,
)


def test_figures_are_read_alike_whatever_their_writing():
    assert numbers_in("fell to 3.5% from 3.50 percent") == {"3.5"}
    assert numbers_in("1,000 jobs and 007 agents") == {"1000", "7"}
    assert numbers_in("نرخ بیکاری به \u06f3.\u06f5 درصد رسید") == {"3.5"}  # Persian digits
    assert numbers_in("no figures here") == frozenset()


@pytest.mark.parametrize(("query", "candidate", "differ"), [
    ("unemployment fell to 3.5%", "unemployment fell to 4.5%", True),
    ("unemployment fell to 3.5%", "joblessness dropped to 3.5 percent", False),
    ("unemployment fell to 3.5% in 2024", "unemployment fell to 3.5%", False),  # more detail
    ("unemployment fell", "unemployment fell to 4.5%", False),  # no figure to compare
    ("300 beds in 2026", "150 beds in 2026", True),
    ("released on Tuesday", "released on Friday", True),  # days and months
    ("released on Tuesday", "issued on Tuesday, 3 May", False),
    ("two million people left", "five million people left", True),  # quantities in words
    ("two million people left", "2 million people fled", False),  # words against digits
    ("9.1 percent, the highest in four decades", "9.1 percent, a 40-year high", False),
    ("بیکاری در ماه ثور ۳ درصد بود", "بیکاری در ماه جوزا ۳ درصد بود", True),
    ("میزان بیکاری ۳ درصد است", "بیکاری ۳ درصد است", False),  # میزان: "level" here
])
def test_only_conflicting_figures_count_as_different(query, candidate, differ):
    assert numbers_differ(query, candidate) is differ


def test_a_changed_figure_lowers_the_score_under_the_same_claim():
    query = "fell to 3.5%"
    alone = adjusted_scores(query, [(0.9, "fell to 4.5%"), (0.9, "dropped to 3.5%")])
    assert alone == [round(0.9 * NUMBER_PENALTY, 3), 0.9]
    # Under the best candidate without another figure that may be the same claim ...
    assert adjusted_scores(query, [(0.95, "fell to 4.5%"), (0.4, "dropped to 3.5%")]) == \
        [0.399, 0.4]
    # ... but not pushed under a candidate too weak to be the same claim.
    assert adjusted_scores(query, [(0.95, "fell to 4.5%"), (0.2, "rain fell")]) == \
        [round(0.95 * NUMBER_PENALTY, 3), 0.2]
