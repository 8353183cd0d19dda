"""Consensus, spread and Krippendorff's alpha (factcheck.engine.aggregate)."""

from __future__ import annotations

import random

import pytest

from factcheck.engine.aggregate import (
    LEVELS,
    NO_PAIRABLE_VALUES,
    NO_VARIATION,
    AgreementSummary,
    Consensus,
    Spread,
    agreement_summary,
    consensus,
    krippendorff_alpha,
    spread,
)

_ = None  # a missing value ("." in Krippendorff's tables)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C
# (any number of observers, missing data): 4 observers rate 12 units on 1-5.
#                     units: 1  2  3  4  5  6  7  8  9  10 11 12
OBSERVER_A = [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _]
OBSERVER_B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3]
OBSERVER_C = [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _]
OBSERVER_D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _]
PUBLISHED_UNITS = [list(unit) for unit in
                   zip(OBSERVER_A, OBSERVER_B, OBSERVER_C, OBSERVER_D, strict=True)]
# The published results for these data (the paper also gives ratio = 0.797).
PUBLISHED_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


# --- consensus -------------------------------------------------------------------------


def test_consensus_unanimous():
    assert consensus(["false", "false", "false"]) == Consensus(
        "unanimous", "false", {"false": 3}, 3)


def test_consensus_strict_majority():
    result = consensus(["false", "true", "false"])
    assert (result.kind, result.rating, result.n) == ("majority", "false", 3)
    assert consensus(["a", "b", "a", "a"]).kind == "majority"


def test_consensus_half_is_not_a_majority():
    result = consensus(["a", "a", "b", "c"])
    assert (result.kind, result.rating) == ("split", None)


def test_consensus_two_two_split():
    result = consensus(["true", "false", "false", "true"])
    assert result == Consensus("split", None, {"true": 2, "false": 2}, 4)


def test_consensus_one_one_split():
    assert consensus(["true", "false"]) == Consensus("split", None, {"true": 1, "false": 1}, 2)


def test_consensus_single_rating_is_trivially_unanimous():
    assert consensus(["half-true"]) == Consensus("unanimous", "half-true", {"half-true": 1}, 1)


def test_consensus_empty():
    assert consensus([]) == Consensus("none", None, {}, 0)


def test_consensus_ignores_none_ratings_entirely():
    # Counting the two conclusion-only reviews would make 2 of 4, not unanimous.
    assert consensus(["false", None, None, "false"]) == Consensus(
        "unanimous", "false", {"false": 2}, 2, ignored=2)
    assert consensus([None, "a", "b", "a"]) == Consensus(
        "majority", "a", {"a": 2, "b": 1}, 3, ignored=1)
    assert consensus([None, None]) == Consensus("none", None, {}, 0, ignored=2)


def test_consensus_counts_keep_first_appearance_order():
    assert list(consensus(["b", "c", "a", "c", "b"]).counts) == ["b", "c", "a"]
    assert list(consensus([3, 1, 3]).counts.items()) == [(3, 2), (1, 1)]


# --- spread ----------------------------------------------------------------------------


def test_spread_skips_non_ordinal_labels():
    result = spread([4, None, 2, 6, None])
    assert result == Spread(min=2, max=6, n=3)
    assert result is not None and result.range == 4


def test_spread_of_one_value_and_of_none():
    result = spread([None, 5])
    assert result is not None and (result.min, result.max, result.range, result.n) == (5, 5, 0, 1)
    assert spread([None, None]) is None
    assert spread([]) is None


def test_spread_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        spread([1.0, float("nan")])


# --- Krippendorff's alpha: published and hand-worked examples ----------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_reproduces_krippendorff_2011(level):
    alpha = krippendorff_alpha(PUBLISHED_UNITS, level)
    assert alpha is not None
    assert round(alpha, 3) == PUBLISHED_ALPHA[level]


def test_alpha_published_example_counts_pairable_units_and_values():
    # Unit 12 has a single value; the other 11 units hold 3+4*8+3+2 = 40 pairable values.
    summary = agreement_summary(PUBLISHED_UNITS, "nominal")
    assert (summary.units, summary.values, summary.reason) == (11, 40, None)
    assert summary.level == "nominal"


def test_alpha_default_level_is_ordinal():
    assert krippendorff_alpha(PUBLISHED_UNITS) == krippendorff_alpha(PUBLISHED_UNITS, "ordinal")


def test_alpha_hand_worked_nominal():
    # Two coders, three units: (a, a), (a, b), (b, b). n = 6, n_a = n_b = 3.
    # Coincidences: o_aa = 2, o_bb = 2, o_ab = o_ba = 1 (each unit has m_u - 1 = 1).
    # Observed: sum_{c != k} o_ck = 2. Expected: sum_{c != k} n_c n_k = 2 * 3 * 3 = 18.
    # alpha = 1 - (6 - 1) * 2 / 18 = 4/9.
    assert krippendorff_alpha([["a", "a"], ["a", "b"], ["b", "b"]], "nominal") == \
        pytest.approx(4 / 9)


def test_alpha_hand_worked_ordinal_and_interval():
    # Two coders, three units: (1, 1), (1, 2), (3, 3). n = 6; n_1 = 3, n_2 = 1, n_3 = 2.
    # Off-diagonal coincidences: o_12 = o_21 = 1.
    # Ordinal delta2: d12 = (3+1 - (3+1)/2)^2 = 4, d13 = (6 - (3+2)/2)^2 = 12.25,
    #                 d23 = (1+2 - (1+2)/2)^2 = 2.25.
    #   observed 2 * 1 * 4 = 8; expected 2 * (3*1*4 + 3*2*12.25 + 1*2*2.25) = 180;
    #   alpha = 1 - 5 * 8 / 180 = 7/9.
    # Interval delta2: d12 = 1, d13 = 4, d23 = 1.
    #   observed 2 * 1 * 1 = 2; expected 2 * (3*1*1 + 3*2*4 + 1*2*1) = 58;
    #   alpha = 1 - 5 * 2 / 58 = 24/29.
    units = [[1, 1], [1, 2], [3, 3]]
    assert krippendorff_alpha(units, "ordinal") == pytest.approx(7 / 9)
    assert krippendorff_alpha(units, "interval") == pytest.approx(24 / 29)


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_perfect_agreement_is_one(level):
    units = [[1, 1], [2, _, 2, 2], [_, 3, 3], [5, 5]]
    assert krippendorff_alpha(units, level) == pytest.approx(1.0)


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_without_variation_is_none(level):
    units = [[2, 2], [2, _, 2], [2, 2, 2], [7]]
    assert krippendorff_alpha(units, level) is None
    assert agreement_summary(units, level) == AgreementSummary(None, level, 3, 7, NO_VARIATION)


def test_alpha_without_pairable_values_is_none():
    units = [[1, _], [_, 2], [], [_, _]]
    assert krippendorff_alpha(units, "nominal") is None
    assert agreement_summary(units, "interval") == AgreementSummary(
        None, "interval", 0, 0, NO_PAIRABLE_VALUES)
    assert krippendorff_alpha([], "ordinal") is None


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_ignores_units_with_a_single_value(level):
    # New values (6, 2.5) that only occur alone must not enter the marginals either,
    # which the ordinal and interval metrics would otherwise notice.
    padded = [[_, 6, _, _], *PUBLISHED_UNITS[:5], [2.5], [_, _, _, _], *PUBLISHED_UNITS[5:]]
    assert krippendorff_alpha(padded, level) == pytest.approx(
        krippendorff_alpha(PUBLISHED_UNITS, level))
    summary = agreement_summary(padded, level)
    assert (summary.units, summary.values) == (11, 40)


# --- Krippendorff's alpha: invariances ----------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_is_invariant_to_permuting_coders_and_units(level, seed):
    rng = random.Random(seed)  # noqa: S311 -- a reproducible shuffle, not security
    shuffled = [rng.sample(unit, len(unit)) for unit in PUBLISHED_UNITS]
    rng.shuffle(shuffled)
    assert shuffled != PUBLISHED_UNITS
    assert krippendorff_alpha(shuffled, level) == pytest.approx(
        krippendorff_alpha(PUBLISHED_UNITS, level))


def test_ordinal_alpha_is_invariant_to_monotone_relabelling_but_interval_is_not():
    relabel = {1: 10, 2: 20, 3: 35, 4: 60, 5: 100}
    relabelled = [[_ if v is None else relabel[v] for v in unit] for unit in PUBLISHED_UNITS]
    assert krippendorff_alpha(relabelled, "ordinal") == pytest.approx(
        krippendorff_alpha(PUBLISHED_UNITS, "ordinal"))
    original = krippendorff_alpha(PUBLISHED_UNITS, "interval")
    changed = krippendorff_alpha(relabelled, "interval")
    assert original is not None and changed is not None
    assert abs(changed - original) > 0.01


def test_nominal_alpha_is_invariant_to_any_relabelling():
    relabel = {1: "e", 2: "c", 3: "a", 4: "d", 5: "b"}
    relabelled = [[_ if v is None else relabel[v] for v in unit] for unit in PUBLISHED_UNITS]
    assert krippendorff_alpha(relabelled, "nominal") == pytest.approx(
        krippendorff_alpha(PUBLISHED_UNITS, "nominal"))


# --- Krippendorff's alpha: input checks and speed ------------------------------------------


def test_alpha_rejects_unknown_level():
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha(PUBLISHED_UNITS, "cardinal")


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_metric_levels_need_numbers(level):
    with pytest.raises(TypeError, match="numeric"):
        krippendorff_alpha([["true", "false"], ["true", "true"]], level)


def test_ordinal_level_needs_comparable_values():
    with pytest.raises(TypeError, match="comparable"):
        krippendorff_alpha([["true", 1], ["true", "true"]], "ordinal")


def test_ratio_level_needs_non_negative_values():
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha([[-1, 2], [2, 2]], "ratio")


def test_alpha_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        krippendorff_alpha([[1.0, float("nan")], [2.0, 2.0]], "interval")
