"""The numbers of a class report, computed from a batch's stored result JSON.

Behaviour choices, stated once:

* A learner's total is the sum of their scores over every exercise in the folder, a
  missing exercise counting 0, out of the sum of each exercise's largest ``max_score``
  (as in ``gradebook.csv``).
* Histogram bins are one point wide while the maximum is at most ``FINE`` points, else
  ``ceil(max / FINE)`` wide; a bin holds the scores from its low end up to, but not
  including, the next bin's, and the last bin holds the maximum too.
* A test "fails" for a learner when its outcome is anything but ``passed``; hidden tests
  are counted by title, like every other test (their results carry no message).
* A violation's domain pair is the first two name segments of the first and the last
  module of its import chain (``data.quality.rules`` -> ``data.quality``); a submission
  counts once per pair, however many imports it has between those domains.
* The review queue holds every result that needs review (a flag of severity review),
  has a test that timed out, or crashed (flags ``grader-error`` or ``crashed``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from grader.domain.scoring import plain

FINE = 20
CRASHES = {"grader-error", "crashed"}
UNKNOWN = "(unknown)"

Result = dict[str, Any]


@dataclass(frozen=True)
class Bin:
    low: Decimal
    high: Decimal  # exclusive, except for the last bin, which holds the maximum
    count: int

    @property
    def label(self) -> str:
        top = self.high - 1
        return plain(self.low) if top <= self.low else f"{plain(self.low)}–{plain(top)}"


@dataclass(frozen=True)
class ReviewItem:
    learner: str
    exercise: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FailingTest:
    exercise: str
    title: str
    hidden: bool
    learners: int  # how many learners' results have it not passed
    of: int  # how many learners' results have it at all


@dataclass
class ClassStats:
    exercises: list[str]
    learners: list[str]
    maximum: dict[str, Decimal]
    scores: dict[str, dict[str, Decimal]]  # learner -> exercise -> score
    review: list[ReviewItem]
    failing: list[FailingTest]
    pairs: Counter[tuple[str, str]]
    durations: list[tuple[str, str, float]]  # (learner, exercise, seconds), slowest first
    flagged: set[str] = field(default_factory=set)  # learners with work to review

    @property
    def total_max(self) -> Decimal:
        return sum(self.maximum.values(), Decimal(0))

    def total(self, learner: str) -> Decimal:
        return sum(self.scores[learner].values(), Decimal(0))

    def exercise_scores(self, exercise: str) -> list[Decimal]:
        return [s[exercise] for s in self.scores.values() if exercise in s]


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def domain(module: str) -> str:
    return ".".join(module.split(".")[:2]) or UNKNOWN


def violation_pairs(result: Result) -> set[tuple[str, str]]:
    pairs = set()
    for contract in result["contracts"]:
        if contract["kept"]:
            continue
        for violation in contract["violations"]:
            chain = violation.get("chain") or []
            importer = domain(chain[0]) if chain else _file_domain(violation.get("file", ""))
            imported = domain(chain[-1]) if len(chain) > 1 else UNKNOWN
            pairs.add((importer, imported))
    return pairs


def _file_domain(path: str) -> str:
    return domain(path.removesuffix(".py").replace("/", ".")) if path else UNKNOWN


def review_reasons(result: Result) -> tuple[str, ...]:
    reasons = [f"{f['kind']}: {f['message']}" for f in result["flags"] if f["severity"] == "review"]
    reasons += [
        f"{f['kind']}: {f['message']}"
        for f in result["flags"]
        if f["kind"] in CRASHES and f["severity"] != "review"
    ]
    reasons += [f"timeout: {t['title']}" for t in result["tests"] if t["outcome"] == "timeout"]
    return tuple(dict.fromkeys(reasons))  # each once, in order


def histogram(scores: Iterable[Decimal], maximum: Decimal) -> list[Bin]:
    """Bins from 0 to ``maximum``; see the module's docstring for their width."""
    width = Decimal(1) if maximum <= FINE else Decimal(math.ceil(maximum / FINE))
    edges = []
    low = Decimal(0)
    while low <= maximum:
        edges.append(low)
        low += width
    counts = Counter(
        min(int(score // width), len(edges) - 1) for score in scores if 0 <= score <= maximum
    )
    return [Bin(low, low + width, counts.get(index, 0)) for index, low in enumerate(edges)]


def analyse(results: Sequence[Result]) -> ClassStats:
    exercises = sorted({r["exercise"] for r in results})
    maximum: dict[str, Decimal] = {}
    scores: dict[str, dict[str, Decimal]] = {}
    for result in results:
        exercise = result["exercise"]
        maximum[exercise] = max(maximum.get(exercise, Decimal(0)), _decimal(result["max_score"]))
        scores.setdefault(result["learner"], {})[exercise] = _decimal(result["score"])
    review = [
        ReviewItem(r["learner"], r["exercise"], review_reasons(r))
        for r in results
        if r["needs_review"] or review_reasons(r)
    ]
    seen: Counter[tuple[str, str, bool]] = Counter()
    failed: Counter[tuple[str, str, bool]] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for result in results:
        for test in result["tests"]:
            key = (result["exercise"], test["title"], bool(test["hidden"]))
            seen[key] += 1
            failed[key] += test["outcome"] != "passed"
        pairs.update(violation_pairs(result))
    failing = sorted(
        (FailingTest(e, t, h, n, seen[(e, t, h)]) for (e, t, h), n in failed.items() if n),
        key=lambda f: (-f.learners, f.exercise, f.title),
    )
    durations = sorted(
        ((r["learner"], r["exercise"], float(r.get("duration", 0.0))) for r in results),
        key=lambda d: (-d[2], d[0], d[1]),
    )
    return ClassStats(
        exercises=exercises,
        learners=sorted(scores),
        maximum=maximum,
        scores=scores,
        review=review,
        failing=failing,
        pairs=pairs,
        durations=durations,
        flagged={item.learner for item in review},
    )
