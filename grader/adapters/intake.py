"""Turns what a learner handed in (a folder, a .zip, notebooks) into a :class:`Submission`.

Behaviour choices, stated once:

* Only the answer files the exercises declare are taken; everything else is listed
  as ignored (``conftest.py``, ``pytest.ini``, ``*.pth``, extra modules...).
* An answer file is found at its path under ``src/packages`` (``data/x/y.py``), with or
  without a leading ``src/packages/``, or in a notebook's ``%%answer`` cell. A file
  beats a notebook cell for the same path.
* A zip is read in memory and never extracted, so ``../`` names and symlinks cannot
  write anywhere; they are refused and reported. Sizes are checked before reading
  (per file, in total, and the compression ratio, against zip bombs).
* A folder is walked without following symlinks; a symlink is reported, not read.
* A file, or a notebook's answer cell, that is too large, not UTF-8, or unreadable is
  not taken; the problem is reported in one sentence and the rest of the submission is
  still graded. Lists of ignored files and problems, and each entry, are bounded.
"""

from __future__ import annotations

import functools
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from grader.adapters.notebooks import PACKAGES_PREFIX, AnswerCell, NotebookError, answer_cells
from grader.domain.exercise import Exercise
from grader.domain.submission import Submission
from grader.errors import SubmissionError

MAX_FILE_BYTES = 512 * 1024
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_ZIP_TOTAL = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_RATIO = 200
MAX_LISTED = 50
MAX_TEXT = 300

Entry = tuple[str, int, Callable[[], bytes]]  # name, size in bytes, how to read it
# What reading one file or zip member may raise: it costs that file only.
UNREADABLE = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


class _Gathering:
    """Sorts the entries of one submission into answers, notebook cells and the rest."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.answers: dict[str, str] = {}
        self.cells: list[AnswerCell] = []
        self.ignored: list[str] = []
        self.problems: list[str] = []

    def add(self, name: str, size: int, read: Callable[[], bytes]) -> None:
        key = _answer_key(name, self.wanted)
        if name.endswith(".ipynb"):
            self._notebook(name, size, read)
        elif key is None:
            self.ignored.append(name)
        elif size > MAX_FILE_BYTES:
            self.problems.append(
                f"{name} is {size // 1024} KB, over the {MAX_FILE_BYTES // 1024} KB "
                "limit for an answer file, so it was not graded"
            )
        else:
            try:
                self.answers[key] = read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.problems.append(f"{name} is not UTF-8 text, so it was not graded")
            except UNREADABLE as error:
                self.problems.append(f"{name} could not be read ({error}), so it was not graded")

    def _notebook(self, name: str, size: int, read: Callable[[], bytes]) -> None:
        if size > MAX_NOTEBOOK_BYTES:
            self.problems.append(
                f"{name} is over {MAX_NOTEBOOK_BYTES // 2**20} MB, so it was not read"
            )
            return
        try:
            cells, problems = answer_cells(read(), name)
        except NotebookError as error:
            self.problems.append(str(error))
            return
        except UNREADABLE as error:
            self.problems.append(f"{name} could not be read ({error})")
            return
        self.problems += problems
        for cell in cells:
            size = len(cell.source.encode("utf-8", "replace"))
            if cell.path in self.wanted and size > MAX_FILE_BYTES:
                self.problems.append(
                    f"{name}: the %%answer {cell.path} cell is {size // 1024} KB, over the "
                    f"{MAX_FILE_BYTES // 1024} KB limit for an answer, so it was not graded"
                )
            elif cell.path in self.wanted:
                self.cells.append(cell)
            else:
                self.ignored.append(f"{name}: %%answer {cell.path}")
        if not cells and not problems:
            self.problems.append(f"{name} has no %%answer cell")

    def submission(self, learner: str, source: str) -> Submission:
        answers = dict(self.answers)
        for cell in sorted(self.cells, key=lambda c: c.order):  # the last-run cell wins
            if cell.path not in self.answers:  # a file beats any cell
                answers[cell.path] = cell.source
        return Submission(
            learner, answers, source, _listing(sorted(self.ignored)), _listing(self.problems)
        )


def _listing(texts: Sequence[str]) -> tuple[str, ...]:
    """At most ``MAX_LISTED`` texts, each at most ``MAX_TEXT`` characters: names and
    messages come from the submission, whose author chose their length."""
    shown = [t if len(t) <= MAX_TEXT else t[:MAX_TEXT] + "…" for t in texts[:MAX_LISTED]]
    if len(texts) > MAX_LISTED:
        shown.append(f"... and {len(texts) - MAX_LISTED} more")
    return tuple(shown)


def _answer_key(name: str, wanted: set[str]) -> str | None:
    text = name.removeprefix("./")
    for candidate in (text, text.removeprefix(PACKAGES_PREFIX)):
        if candidate in wanted:
            return candidate
    return None


def _folder_entries(folder: Path, problems: list[str]) -> Iterator[Entry]:
    for directory, subfolders, files in os.walk(folder, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if d not in ("__pycache__", ".git"))
        for file in sorted(files + [d for d in subfolders if (Path(directory) / d).is_symlink()]):
            path = Path(directory) / file
            name = path.relative_to(folder).as_posix()
            if path.is_symlink():
                problems.append(f"{name} is a symbolic link, so it was not read")
            elif path.is_file():
                yield name, path.stat().st_size, path.read_bytes


def _zip_entries(archive: zipfile.ZipFile, problems: list[str]) -> Iterator[Entry]:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        problems.append(f"the zip holds {len(members)} files, over the limit of {MAX_ZIP_MEMBERS}")
        return
    total = sum(m.file_size for m in members)
    if total > MAX_ZIP_TOTAL:
        problems.append(
            f"the zip would unpack to {total // 2**20} MB, over the "
            f"{MAX_ZIP_TOTAL // 2**20} MB limit, so it was not read"
        )
        return
    for member in members:
        name = member.filename
        path = PurePosixPath(name)
        if member.is_dir():
            continue
        if path.is_absolute() or ".." in path.parts or "\\" in name:
            problems.append(f"the zip entry {name!r} points outside the submission; refused")
        elif stat.S_ISLNK(member.external_attr >> 16):
            problems.append(f"the zip entry {name} is a symbolic link; refused")
        elif member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            problems.append(
                f"the zip entry {name} expands {member.file_size // member.compress_size}"
                " times: refused as a possible zip bomb"
            )
        else:
            yield name, member.file_size, functools.partial(archive.read, member)


class SubmissionFiles:
    """Reads a folder, a ``.zip``, a notebook, or a folder of notebooks."""

    def read(self, path: Path, exercises: Sequence[Exercise], learner: str) -> Submission:
        wanted = {a for e in exercises for a in e.answer_files}
        gathering = _Gathering(wanted)
        if path.is_symlink() or not path.exists():
            raise SubmissionError(f"{path} does not exist (or is a symbolic link)")
        if path.is_dir():
            for entry in _folder_entries(path, gathering.problems):
                gathering.add(*entry)
            return gathering.submission(learner, "directory")
        if path.suffix == ".ipynb":
            gathering.add(path.name, path.stat().st_size, path.read_bytes)
            return gathering.submission(learner, "notebook")
        if path.suffix == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    for entry in _zip_entries(archive, gathering.problems):
                        gathering.add(*entry)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                gathering.problems.append(f"{path.name} is not a readable zip file ({error})")
            return gathering.submission(learner, "zip")
        if path.suffix == ".py":
            gathering.problems.append(
                f"{path.name} is a lone Python file; hand in a folder, a .zip or notebooks "
                "so its place under src/packages is known"
            )
            return gathering.submission(learner, "file")
        gathering.problems.append(
            f"{path.name} is not a submission format: hand in a folder, a .zip or .ipynb notebooks"
        )
        return gathering.submission(learner, "file")
