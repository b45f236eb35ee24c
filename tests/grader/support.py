"""What the grader's tests share: the fixture course and its reference answer."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.cli import main
from grader.domain.result import GradeResult

FIXTURE = Path(__file__).parent / "fixtures" / "course"
REFERENCE = (FIXTURE / "solutions/rules/reference/data/quality/rules.py").read_text()

GradeFn = Callable[..., GradeResult]


# What differs between two runs of the same code: random ids, object addresses.
RUN_TO_RUN = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|0x[0-9a-f]{6,}|(?<=id=')\d+"
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


def differences(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """What differs between two comparable results, one short line per difference."""
    found = []
    for key in sorted(first.keys() | second.keys()):
        a, b = first.get(key), second.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            only_a = [json.dumps(x)[:300] for x in a if x not in b]
            only_b = [json.dumps(x)[:300] for x in b if x not in a]
            found.append(f"{key}: only in the first {only_a}; only in the second {only_b}")
        else:
            found.append(f"{key}: {json.dumps(a)[:300]} != {json.dumps(b)[:300]}")
    return found


ANSWER = "data/quality/rules.py"
KINDS = ("ada", "bob", "cy", "dee")  # full marks, one bug, a hostile zip, a broken notebook


def write_class(room: Path, size: int = 4) -> dict[str, str]:
    """Hand in ``size`` learners' work on the fixture's exercise into ``room``, the kinds
    in turn: ``ada`` the reference (a folder), ``bob`` one bug (a folder), ``cy`` a zip
    whose answer exits early and brings a conftest.py, ``dee`` a notebook that is not
    JSON. The first four are named after their kind, the next ``ada1``, ``bob1``, ...
    Returns each learner's kind."""
    kinds = {}
    for index in range(size):
        kind = KINDS[index % len(KINDS)]
        learner = kind + (str(index // len(KINDS)) if index >= len(KINDS) else "")
        kinds[learner] = kind
        if kind in ("ada", "bob"):
            folder = room / learner / "data/quality"
            folder.mkdir(parents=True)
            buggy = REFERENCE.replace("== 0", "!= 0")
            (folder / "rules.py").write_text(buggy if kind == "bob" else REFERENCE)
        elif kind == "cy":
            room.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(room / f"{learner}.zip", "w") as archive:
                archive.writestr(f"src/packages/{ANSWER}", "raise SystemExit(0)\n")
                archive.writestr("conftest.py", "")
        else:
            (room / f"{learner}.ipynb").write_text("{ not json")
    return kinds


def run_batch(room: Path, out: Path, *extra: str) -> int:
    """``grader batch`` on the fixture course, two jobs at a time; its exit status."""
    return main(
        ["--course", str(FIXTURE), "batch", str(room), "--out", str(out), "--jobs", "2", *extra]
    )
