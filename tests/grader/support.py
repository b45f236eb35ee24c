"""What the grader's tests share: the fixture course and its reference answer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.domain.result import GradeResult

FIXTURE = Path(__file__).parent / "fixtures" / "course"
REFERENCE = (FIXTURE / "solutions/rules/reference/data/quality/rules.py").read_text()

GradeFn = Callable[..., GradeResult]


# What differs between two runs of the same code: random ids, object addresses.
RUN_TO_RUN = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|0x[0-9a-f]{6,}"
)


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """A result's JSON without what may differ between two gradings of the same work:
    durations, the environment, the order flags were raised in, and (in texts) random
    ids and object addresses."""

    def strip(value: Any) -> Any:
        if isinstance(value, str):
            return RUN_TO_RUN.sub("<varies>", value)
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"duration", "environment"}}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    stripped: dict[str, Any] = strip(result)
    stripped["flags"] = sorted(stripped.get("flags", []), key=json.dumps)
    return stripped
