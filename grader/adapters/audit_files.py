"""An author's notes on an exercise's tests, read from ``solutions/<id>/``.

* ``audit.toml``: the surviving mutants an author judged equivalent, each with a reason::

      [[equivalent]]
      mutant = "3c06f08933"
      reason = "the two assignments are independent"

* ``TRACEABILITY.md``: a markdown table, a row per requirement sentence of the
  statement: ``| R1 | sentence | `Symbol` | `file.py::test` |`` (the number, the
  sentence, the answer code it concerns, the tests that check it, as many code spans
  as needed). Rows whose first cell is not ``R<number>`` are the header and prose.
  Not ``README.md``: that file is the statement nbgrader releases to trainees.

A missing file means "nothing noted"; a malformed one is a :class:`ManifestError`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from grader.application.audit import AuditMarks
from grader.domain.audit import Requirement
from grader.domain.exercise import Exercise
from grader.errors import ManifestError

MARKS = "audit.toml"
TRACEABILITY = "TRACEABILITY.md"
_CODE = re.compile(r"`([^`]+)`")


def audit_marks(exercise: Exercise) -> AuditMarks:
    folder = exercise.solution_folder
    if folder is None:
        return AuditMarks()
    return AuditMarks(_equivalents(folder / MARKS), requirements(folder / TRACEABILITY))


def _equivalents(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ManifestError(path, None, f"not valid TOML ({error})") from None
    unknown = set(data) - {"equivalent"}
    if unknown:
        raise ManifestError(path, sorted(unknown)[0], "unknown table; only [[equivalent]]")
    marks: dict[str, str] = {}
    for entry in data.get("equivalent", []):
        mutant, reason = entry.get("mutant"), entry.get("reason")
        if not isinstance(mutant, str) or not re.fullmatch(r"[0-9a-f]{10}", mutant):
            raise ManifestError(path, "mutant", f"{mutant!r} is not a 10-digit mutant id")
        if not isinstance(reason, str) or len(reason.strip()) < 10:
            raise ManifestError(path, "reason", f"mutant {mutant} needs a reason in words")
        marks[mutant] = reason.strip()
    return marks


def requirements(path: Path) -> tuple[Requirement, ...]:
    """The rows of the traceability table (none when there is no such file)."""
    if not path.exists():
        return ()
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or not re.fullmatch(r"R\d+", cells[0]):
            continue
        if len(cells) != 4:
            raise ManifestError(path, cells[0], f"a row needs 4 cells: {line.strip()}")
        number, sentence, code, tests = cells
        found.append(
            Requirement(number, sentence, tuple(_CODE.findall(code)), tuple(_CODE.findall(tests)))
        )
    return tuple(found)
