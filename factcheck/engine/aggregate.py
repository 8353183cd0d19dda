"""Aggregating independent reviews: consensus, spread, and Krippendorff's alpha.

Pure standard-library code: no Flask, no database. Callers pass plain values.

Consensus over one claim's ratings
    ``None`` ratings (conclusion-only reviews, which carry no label) are ignored
    entirely: they count neither in ``n`` nor in ``counts``; ``Consensus.ignored``
    says how many there were. Over the ``n`` remaining ratings the kind is
    ``"unanimous"`` when they all agree (a single rating is trivially unanimous;
    ``n == 1`` lets the UI say so), ``"majority"`` when one rating has a strict
    majority (more than ``n / 2``, so 2 of 4 is not a majority), ``"split"``
    otherwise and ``"none"`` when no rating is left.

Spread over one claim's ordinal values
    The minimum, maximum and range of the numeric values of the submitted ratings;
    ``None`` stands for a non-ordinal label ("Unverifiable") and is skipped.

Krippendorff's alpha over many claims
    Reliability data are a sequence of units (claims), each the values its coders
    (reviewers) assigned, ``None`` where a coder did not rate the unit. Following
    Krippendorff (2011), section B/C, only *pairable* values count: those in units
    with at least two values. Each such unit u with m_u values adds
    (number of ordered c-k pairs of values from different coders) / (m_u - 1)
    to the coincidence o_ck; n_c = sum_k o_ck is the number of pairable values c
    and n = sum_c n_c. Then

        alpha = 1 - (n - 1) * sum_{c != k} o_ck delta2_ck / sum_{c != k} n_c n_k delta2_ck

    with the difference functions

    * nominal:  delta2_ck = 0 if c == k else 1;
    * ordinal:  delta2_ck = (sum_{g between c and k inclusive} n_g - (n_c + n_k) / 2) ** 2,
      over the values in their natural order; it depends only on that order and
      on the marginals, so any monotone relabelling leaves ordinal alpha unchanged;
    * interval: delta2_ck = (c - k) ** 2;
    * ratio:    delta2_ck = ((c - k) / (c + k)) ** 2, for values >= 0.

    Alpha is undefined, and reported as ``None``, when no unit has two values,
    or when the expected disagreement is zero because every pairable value is the
    same (0 / 0: without variation there is nothing to be reliable about; some
    tools report 1.0 or 0.0 there instead). ``agreement_summary`` gives the reason.
    Cost: O(values + V**2) for V distinct values, so meant for rating scales,
    not for continuous data with thousands of distinct values.

References
    * K. Krippendorff (2011). Computing Krippendorff's Alpha-Reliability.
      Departmental Papers (ASC), Annenberg School for Communication, University of
      Pennsylvania. https://repository.upenn.edu/asc_papers/43
    * A. F. Hayes and K. Krippendorff (2007). Answering the call for a standard
      reliability measure for coding data. Communication Methods and Measures 1(1), 77-89.
    * K. Krippendorff (2019). Content Analysis: An Introduction to Its Methodology,
      4th ed., Sage, chapter 12.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Literal

ConsensusKind = Literal["unanimous", "majority", "split", "none"]
Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")

NO_PAIRABLE_VALUES = "no unit has values from two or more coders"
NO_VARIATION = "every pairable value is the same, so the expected disagreement is zero"


@dataclass(frozen=True)
class Consensus:
    """How far one claim's ratings agree."""

    kind: ConsensusKind
    rating: Hashable | None  # the unanimous or strict-majority rating, else None
    counts: dict[Hashable, int]  # rating -> count, in order of first appearance
    n: int  # ratings taken into account (None ratings excluded)
    ignored: int = 0  # None ratings (conclusion-only reviews) left out


@dataclass(frozen=True)
class Spread:
    """Minimum, maximum and range of one claim's ordinal values."""

    min: float
    max: float
    n: int  # values used (None excluded)
    range: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "range", self.max - self.min)


@dataclass(frozen=True)
class AgreementSummary:
    """Krippendorff's alpha with what it was computed over, for display."""

    alpha: float | None
    level: Level
    units: int  # pairable units: those with values from at least two coders
    values: int  # pairable values: n in Krippendorff's notation
    reason: str | None = None  # why alpha is None, else None


def consensus(ratings: Sequence[Hashable | None]) -> Consensus:
    """Classify one claim's ratings as unanimous, strict majority, split or none."""
    counts = dict(Counter(r for r in ratings if r is not None))
    n = sum(counts.values())
    ignored = len(ratings) - n
    if n == 0:
        return Consensus("none", None, counts, 0, ignored)
    top, top_count = max(counts.items(), key=lambda item: item[1])
    if top_count == n:
        return Consensus("unanimous", top, counts, n, ignored)
    if 2 * top_count > n:
        return Consensus("majority", top, counts, n, ignored)
    return Consensus("split", None, counts, n, ignored)


def spread(values: Sequence[float | None]) -> Spread | None:
    """Spread of the ordinal values given, skipping None; None when there are none."""
    used = [v for v in values if v is not None]
    for v in used:
        _check_not_nan(v)
    if not used:
        return None
    return Spread(min=min(used), max=max(used), n=len(used))


def krippendorff_alpha(units: Sequence[Sequence[float | Hashable | None]],
                       level: str = "ordinal") -> float | None:
    """Krippendorff's alpha of the units' values at `level`; None when undefined."""
    return agreement_summary(units, level).alpha


def agreement_summary(units: Sequence[Sequence[float | Hashable | None]],
                      level: str = "ordinal") -> AgreementSummary:
    """Alpha with the number of pairable units and values it rests on (and why it is None)."""
    checked = _check_level(level)
    pairs, marginals, used_units = _coincidences(units)
    n = sum(marginals.values())
    if used_units == 0:
        return AgreementSummary(None, checked, 0, 0, NO_PAIRABLE_VALUES)
    if len(marginals) < 2:
        return AgreementSummary(None, checked, used_units, n, NO_VARIATION)
    delta2 = _difference_function(checked, marginals)
    observed = math.fsum(o * delta2(c, k) for (c, k), o in pairs.items())
    expected = math.fsum(marginals[c] * marginals[k] * delta2(c, k)
                         for c in marginals for k in marginals if c != k)
    alpha = 1.0 - (n - 1) * observed / expected
    return AgreementSummary(alpha, checked, used_units, n)


def _check_level(level: str) -> Level:
    """The level itself, or ValueError when it is not one of LEVELS."""
    for known in LEVELS:
        if level == known:
            return known
    raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def _check_not_nan(value: object) -> None:
    """Reject NaN, which would silently corrupt comparisons and counts."""
    if isinstance(value, float) and math.isnan(value):
        raise ValueError("NaN is not a value; use None for a missing value")


def _coincidences(units: Iterable[Sequence[Hashable | None]],
                  ) -> tuple[dict[tuple[Hashable, Hashable], float], Counter[Hashable], int]:
    """Off-diagonal coincidences o_ck, marginals n_c and the number of pairable units."""
    # Integer pair counts grouped by m_u, divided by m_u - 1 once at the end: exact sums.
    by_size: dict[int, Counter[tuple[Hashable, Hashable]]] = {}
    marginals: Counter[Hashable] = Counter()
    used_units = 0
    for unit in units:
        present = [v for v in unit if v is not None]
        if len(present) < 2:
            continue
        for v in present:
            _check_not_nan(v)
        used_units += 1
        counts = Counter(present)
        marginals.update(counts)
        if len(counts) == 1:
            continue  # full agreement in this unit: no off-diagonal pairs
        pairs = by_size.setdefault(len(present), Counter())
        items = list(counts.items())
        for i, (c, n_c) in enumerate(items):
            for j, (k, n_k) in enumerate(items):
                if i != j:
                    pairs[c, k] += n_c * n_k
    coincidences: dict[tuple[Hashable, Hashable], float] = {}
    for m, pairs in by_size.items():
        for key, count in pairs.items():
            coincidences[key] = coincidences.get(key, 0.0) + count / (m - 1)
    return coincidences, marginals, used_units


def _difference_function(level: Level, marginals: Counter[Hashable],
                         ) -> Callable[[Hashable, Hashable], float]:
    """The squared difference delta2(c, k) of `level`, given the value marginals n_c."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "ordinal":
        return _ordinal_difference(marginals)
    numbers = {value: _as_real(value, level) for value in marginals}
    if level == "interval":
        return lambda c, k: (numbers[c] - numbers[k]) ** 2
    return _ratio_difference(numbers)


def _ordinal_difference(marginals: Counter[Hashable]) -> Callable[[Hashable, Hashable], float]:
    """Ordinal delta2 from cumulative marginals over the values in their natural order."""
    try:
        ordered = sorted(marginals)  # type: ignore[type-var]
    except TypeError as exc:
        raise TypeError("ordinal values must be mutually comparable") from exc
    rank = {value: i for i, value in enumerate(ordered)}
    cumulative = [0]  # cumulative[i] = sum of n_g over the first i values
    for value in ordered:
        cumulative.append(cumulative[-1] + marginals[value])

    def delta2(c: Hashable, k: Hashable) -> float:
        low, high = sorted((rank[c], rank[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    return delta2


def _ratio_difference(numbers: dict[Hashable, float]) -> Callable[[Hashable, Hashable], float]:
    """Ratio delta2 ((c - k) / (c + k))**2, defined for non-negative values."""
    if any(x < 0 for x in numbers.values()):
        raise ValueError("ratio alpha needs non-negative values")

    def delta2(c: Hashable, k: Hashable) -> float:
        x, y = numbers[c], numbers[k]
        return 0.0 if x == y else ((x - y) / (x + y)) ** 2

    return delta2


def _as_real(value: Hashable, level: str) -> float:
    """The value as a float, or TypeError when `level` needs numbers and it is not one."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{level} alpha needs numeric values, got {value!r}")
    return float(value)
