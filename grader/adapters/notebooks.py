"""Reads ``%%answer <path>`` cells from a notebook's JSON, without executing anything.

Only the cells' text matters: renamed notebooks, duplicate or missing cell ids, extra
cells and nbgrader metadata are all fine. When two cells answer the same path, the one
run last wins (highest execution count), else the later one: that is what the
learner's workspace would hold after running the notebook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from grader.errors import SubmissionError

MAGIC = "%%answer"
PACKAGES_PREFIX = "src/packages/"


@dataclass(frozen=True)
class AnswerCell:
    path: str  # under src/packages
    source: str
    order: tuple[int, int]  # (execution count or -1, position): higher wins


class NotebookError(SubmissionError, ValueError):
    """The notebook cannot be read; the message is one sentence for the learner."""


def answer_path(raw: str) -> str | None:
    """The normalised path of an ``%%answer`` line, or None when it is not acceptable."""
    text = raw.strip().removeprefix("./").removeprefix(PACKAGES_PREFIX)
    path = PurePosixPath(text)
    if not text or path.is_absolute() or ".." in path.parts or path.suffix != ".py":
        return None
    return path.as_posix()


def _source(cell: dict[str, Any]) -> str:
    """The cell's text with every line ending made ``\n`` (a notebook may hold ``\r``)."""
    source = cell.get("source", "")
    text = "".join(str(s) for s in source) if isinstance(source, list) else str(source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def answer_cells(raw: bytes, name: str) -> tuple[list[AnswerCell], list[str]]:
    """The answer cells of a notebook, and problems worth telling the learner."""
    try:
        notebook = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise NotebookError(f"{name} is not UTF-8 text, so it is not a notebook") from None
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"{name} is not valid notebook JSON (line {error.lineno}: {error.msg})"
        ) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError(f"{name} has no list of cells, so it is not a notebook")
    found: list[AnswerCell] = []
    problems: list[str] = []
    for position, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        first, _, body = _source(cell).partition("\n")
        if not first.strip().startswith(MAGIC):
            continue
        path = answer_path(first.strip()[len(MAGIC) :])
        if path is None:
            shown = first.strip()[:80] + ("…" if len(first.strip()) > 80 else "")
            problems.append(f"{name}: '{shown}' does not name a .py file under src/packages")
            continue
        count = cell.get("execution_count")
        found.append(AnswerCell(path, body, (count if isinstance(count, int) else -1, position)))
    return found, problems
