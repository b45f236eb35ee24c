"""The one lock every ``ast`` parse in the grader's own process takes.

Behaviour choices, stated once:

* CPython 3.11's ``ast.parse`` is not safe in threads (gh-106905: "AST constructor
  recursion depth mismatch" when two threads parse at once), and a batch grades in
  threads. So every parse the grader makes in its own process (the integrity scan,
  the test collector, coverage.py's statement parser, the boundary contracts) holds
  :data:`PARSE_LOCK`, a re-entrant lock: a parse inside a parse does not deadlock.
* :class:`SerializedCollector` wraps any :class:`~grader.application.ports.TestCollector`
  so that its parsing takes the lock too.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from grader.application.ports import OwnTests, TestCollector
from grader.domain.exercise import Exercise, TestSpec

PARSE_LOCK = threading.RLock()


class SerializedCollector:
    """A :class:`TestCollector` whose ``ast`` parsing never overlaps another thread's."""

    def __init__(self, inner: TestCollector) -> None:
        self.inner = inner

    def collect(self, exercise: Exercise, include_hidden: bool) -> list[TestSpec]:
        with PARSE_LOCK:
            return self.inner.collect(exercise, include_hidden)

    def collect_own(self, exercise: Exercise, answers: Mapping[str, str]) -> OwnTests:
        with PARSE_LOCK:
            return self.inner.collect_own(exercise, answers)
