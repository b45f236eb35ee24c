"""Outlier scores for one list of numbers: pure functions, no I/O.

A value is an anomaly when its score is *above* the threshold. Behaviour choices:

* ``zscore_scores`` is a **leave-one-out** z-score: each value is measured against the
  mean and the *sample* standard deviation (n - 1) of the *other* values. The ordinary
  z-score, against the whole column's mean and std, cannot find an outlier in a small
  sample: the outlier inflates the std it is divided by, so with n values no score can
  exceed sqrt(n - 1) (population std) or (n - 1)/sqrt(n) (sample std). With 5 rows
  that is at most 2.0, so a threshold of 3.0 would never fire, even for 10, 11, 9, 10,
  500; with 11 rows, at most 3.16.
  Leaving the value out removes that ceiling; on large samples the two agree.
* When the other values are all equal, a value equal to them scores 0 and any other
  value scores ``inf``: it differs from a column with no spread at all.
* ``iqr_scores`` is the distance outside the box [Q1, Q3], in IQRs (quartiles by the
  "inclusive" method, as spreadsheets and numpy compute them). A threshold of 1.5 gives
  Tukey's outliers, 3.0 his "far out" values. A zero IQR makes any value outside the
  box score ``inf``.
* Fewer than :data:`MIN_VALUES` numbers say too little about spread: all score 0. So
  does a column whose values are all equal (zero variance: no anomalies).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from fractions import Fraction

MIN_VALUES = 3


def zscore_scores(values: Sequence[float]) -> list[float]:
    """Leave-one-out z-score of each value (see the module docstring)."""
    n = len(values)
    if n < MIN_VALUES or min(values) == max(values):
        return [0.0] * n
    # Exact rational sums: "the other values are all equal" must be exactly zero spread,
    # and one huge outlier must not wipe out the others' spread by rounding.
    exact = [Fraction(v) for v in values]
    total = sum(exact, Fraction(0))
    squares = sum((v * v for v in exact), Fraction(0))
    others = n - 1
    scores = []
    for value in exact:
        rest = total - value
        mean = rest / others
        spread = squares - value * value - rest * mean  # squared deviations of the others
        deviation = value - mean
        if spread == 0:
            scores.append(0.0 if deviation == 0 else math.inf)
        else:
            scores.append(math.sqrt(_to_float(deviation * deviation * (others - 1) / spread)))
    return scores


def iqr_scores(values: Sequence[float]) -> list[float]:
    """Distance of each value outside [Q1, Q3], in IQRs (see the module docstring)."""
    n = len(values)
    if n < MIN_VALUES or min(values) == max(values):
        return [0.0] * n
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    iqr = q3 - q1
    scores = []
    for value in values:
        outside = max(q1 - value, value - q3, 0.0)
        if outside == 0:
            scores.append(0.0)
        else:
            scores.append(math.inf if iqr == 0 else outside / iqr)
    return scores


def _to_float(ratio: Fraction) -> float:
    try:
        return float(ratio)
    except OverflowError:  # beyond 1e308: as good as infinitely far
        return math.inf
