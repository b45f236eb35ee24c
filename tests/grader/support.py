"""What the grader's tests share: the fixture course and its reference answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from grader.domain.result import GradeResult

FIXTURE = Path(__file__).parent / "fixtures" / "course"
REFERENCE = (FIXTURE / "solutions/rules/reference/data/quality/rules.py").read_text()

GradeFn = Callable[..., GradeResult]
