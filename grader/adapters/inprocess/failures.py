"""One short, readable message for a failed test, a failed import or a stopped run.

Behaviour choices, stated once:

* A failure's message is pytest's crash message (the exception line and, for an
  assertion, the whole diff pytest prints), cut at :data:`MAX_MESSAGE_LINES` lines and
  :data:`MAX_MESSAGE_CHARS` characters, then "(at file:line)": the deepest place in the
  learner's packages folder the traceback passed through. Places outside it (pytest,
  the tests, the grader) are never named.
* A failed import says the last ``E`` line of pytest's report (the error itself) and
  the deepest place in the packages folder.
* A starter's ``NotImplementedError`` is said as "`name` is not written yet (...)".
* :func:`describe` only takes the pieces out of pytest's report objects; everything
  else is a pure function of strings, tested with plain inputs. To say more about one
  kind of failure, add a case in :func:`failure_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

MAX_MESSAGE_LINES = 60  # a failure's message: a whole diff of a small result, not a flood
MAX_MESSAGE_CHARS = 6000
PACKAGES_MARKER = "src/packages/"

Location = tuple[str, int]  # a path and a line number (1-based)


def describe(report: pytest.TestReport | pytest.CollectReport, packages: str) -> str:
    """The message for a failed test or test file; ``packages`` is the packages folder."""
    if isinstance(report, pytest.CollectReport):
        return import_failure(str(report.longrepr), packages)
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        message = str(crash.message)
    else:
        message = (str(longrepr).strip().splitlines()[-1:] or ["failed"])[0]
    if message.startswith("NotImplementedError"):
        message = unwritten_text(message, _raising_function(longrepr, packages))
    return failure_text(message, _traceback_locations(longrepr), packages)


def unwritten_text(message: str, function: str) -> str:
    """A starter's placeholder said as such: "`detect` is not written yet (...)"."""
    if not function:
        return message
    return f"`{function}` is not written yet ({message.splitlines()[0]})"


def failure_text(message: str, locations: Iterable[Location], packages: str) -> str:
    """``message`` bounded, then where in the answer it happened (when it did)."""
    text = bounded(message)
    where = answer_location(locations, packages)
    return f"{text}\n(at {where})" if where else text


def bounded(message: str) -> str:
    """The non-blank lines of ``message``, at most so many lines and characters."""
    lines = [line for line in message.splitlines() if line.strip()]
    if len(lines) > MAX_MESSAGE_LINES:
        lines = [*lines[:MAX_MESSAGE_LINES], f"... ({len(lines) - MAX_MESSAGE_LINES} more lines)"]
    return "\n".join(lines)[:MAX_MESSAGE_CHARS]


def answer_location(locations: Iterable[Location], packages: str) -> str:
    """The last (deepest) of ``locations`` inside the packages folder, as path:line."""
    found = ""
    for path, line in locations:
        relative = in_packages(path, packages)
        if relative:
            found = f"{relative}:{line}"
    return found


def in_packages(path: str, packages: str) -> str:
    """``path`` relative to the learner's packages folder, or "" when outside it."""
    if packages and path.startswith(packages):
        return str(Path(path).relative_to(packages))
    return path.split(PACKAGES_MARKER, 1)[1] if PACKAGES_MARKER in path else ""


def import_failure(text: str, packages: str) -> str:
    """``SyntaxError: '(' was never closed (at data/x.py:2)`` from pytest's long report."""
    errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    errors = [e for e in errors if e]
    problem = errors[-1] if errors else (text.strip().splitlines() or ["unknown error"])[-1]
    found = re.findall(r'File "([^"]+)", line (\d+)|^(\S+\.py):(\d+): in ', text, re.M)
    locations = [
        (quoted, int(line)) if quoted else (short, int(short_line))
        for quoted, line, short, short_line in found
    ]
    where = answer_location(locations, packages)
    return f"{problem} (at {where})" if where else problem


def stopped_text(typename: str, value: str, locations: Iterable[Location], packages: str) -> str:
    """Why the whole run stopped: ``SystemExit (3) was raised at data/x.py:4``."""
    value = value[:300]
    message = typename + (f" ({value})" if value else "") + " was raised"
    where = answer_location(locations, packages)
    message += f" at {where}" if where else ""
    return f"the test run stopped: {message}"


def _traceback_locations(longrepr: Any) -> list[Location]:
    """Every traceback entry of pytest's long report, outermost first, chained ones too."""
    found: list[Location] = []
    for traceback, _crash, _description in getattr(longrepr, "chain", None) or []:
        for entry in getattr(traceback, "reprentries", []):
            location = getattr(entry, "reprfileloc", None)
            if location is not None:
                found.append((str(location.path), int(location.lineno)))
    return found


def _raising_function(longrepr: Any, packages: str) -> str:
    """The answer function the deepest traceback entry in the packages folder is in,
    read from the source lines pytest shows; "" when not found."""
    name = ""
    for traceback, _crash, _description in getattr(longrepr, "chain", None) or []:
        for entry in getattr(traceback, "reprentries", []):
            location = getattr(entry, "reprfileloc", None)
            if location is None or not in_packages(str(location.path), packages):
                continue
            lines = "\n".join(getattr(entry, "lines", []))
            defined = re.findall(r"^\s*(?:async\s+)?def\s+(\w+)", lines, re.M)
            name = defined[-1] if defined else ""
    return name
