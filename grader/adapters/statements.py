"""Counts an answer's statements with coverage.py's parser, in the grader's own process.

The learner's test process reports only which lines ran; which lines are statements
is decided here, from the answer's text, so the learner's code cannot shrink the
denominator. ``# pragma: no cover`` is not honoured, for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from coverage.exceptions import CoverageException
from coverage.parser import PythonParser

from grader.adapters.parsing import PARSE_LOCK
from grader.domain.result import FileCoverage


class CoverageParser:
    def coverage(self, path: str, source: str, lines: Sequence[int]) -> FileCoverage:
        parser = PythonParser(text=source, filename=path, exclude=None)
        try:
            with PARSE_LOCK:
                parser.parse_source()
        except (CoverageException, SyntaxError, ValueError):
            return FileCoverage(path, 0)  # its tests cannot have passed: nothing to count
        statements = parser.statements
        ran = parser.first_lines(lines) & statements
        return FileCoverage(path, len(statements), tuple(sorted(statements - ran)))
