"""What the grader's tests share: the fixture course and its reference answer."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from grader.cli import main
from grader.domain.result import GradeResult

FIXTURE = Path(__file__).parent / "fixtures" / "course"
REFERENCE = (FIXTURE / "solutions/rules/reference/data/quality/rules.py").read_text()

GradeFn = Callable[..., GradeResult]

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
