"""Binary logistic regression by batch gradient descent, in plain Python.

Deterministic by construction: weights and bias start at zero, and every epoch uses
all rows in order with a fixed learning rate, so the same data always gives the same
model. Features are standardised first (mean 0, population std 1; a constant feature
keeps scale 1) so that one learning rate suits features of any magnitude.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

Row = Sequence[float]


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), computed without overflow for large ``|z|``."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Standardizer:
    means: tuple[float, ...]
    scales: tuple[float, ...]

    @classmethod
    def fit(cls, rows: Sequence[Row]) -> Standardizer:
        columns = list(zip(*rows, strict=True))
        means = tuple(statistics.fmean(c) for c in columns)
        scales = tuple(statistics.pstdev(c) or 1.0 for c in columns)
        return cls(means, scales)

    def transform(self, row: Row) -> tuple[float, ...]:
        return tuple((x - m) / s for x, m, s in zip(row, self.means, self.scales, strict=True))


@dataclass(frozen=True)
class LogisticRegression:
    weights: tuple[float, ...]
    bias: float

    def probability(self, x: Row) -> float:
        """P(class 1 | x) for a standardised row."""
        return sigmoid(self.bias + math.fsum(w * v for w, v in zip(self.weights, x, strict=True)))

    def predict(self, x: Row) -> int:
        """1 when P(class 1) is at least one half, else 0."""
        return 1 if self.probability(x) >= 0.5 else 0


def fit_logistic(
    rows: Sequence[Row], labels: Sequence[int], *, epochs: int = 500, learning_rate: float = 0.5
) -> LogisticRegression:
    """Minimise the mean log loss by ``epochs`` full-batch gradient steps."""
    if not rows or len(rows) != len(labels):
        raise ValueError("fit_logistic() needs as many labels as rows, and at least one row")
    if epochs < 1 or not learning_rate > 0:
        raise ValueError("epochs must be >= 1 and learning_rate > 0")
    n, width = len(rows), len(rows[0])
    weights, bias = [0.0] * width, 0.0
    for _ in range(epochs):
        model = LogisticRegression(tuple(weights), bias)
        gradient, gradient_bias = [0.0] * width, 0.0
        for x, y in zip(rows, labels, strict=True):
            error = model.probability(x) - y
            gradient_bias += error
            for j, value in enumerate(x):
                gradient[j] += error * value
        weights = [w - learning_rate * g / n for w, g in zip(weights, gradient, strict=True)]
        bias -= learning_rate * gradient_bias / n
    return LogisticRegression(tuple(weights), bias)


def accuracy(predicted: Sequence[int], labels: Sequence[int]) -> float:
    """The share of predictions equal to their label."""
    if not labels:
        return 0.0
    return sum(p == y for p, y in zip(predicted, labels, strict=True)) / len(labels)


def log_loss(probabilities: Sequence[float], labels: Sequence[int]) -> float:
    """Mean negative log-likelihood, with probabilities clipped away from 0 and 1."""
    eps = 1e-12
    total = math.fsum(
        -math.log(min(max(p if y else 1.0 - p, eps), 1.0))
        for p, y in zip(probabilities, labels, strict=True)
    )
    return total / len(labels)
