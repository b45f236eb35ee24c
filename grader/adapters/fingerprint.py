"""The course fingerprint: one short hash of everything that decides a grade.

A Dask worker grades against its own checkout of the course; the instructor's batch
sends its fingerprint with every task, and a worker whose fingerprint differs refuses
the work (see :mod:`grader.adapters.dask_cluster`) rather than grade against other tests.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

# The parts of a course checkout that decide a grade, relative to its root.
COVERED = ("exercises", "solutions", "src/packages")
CACHES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
CACHES |= {".ipynb_checkpoints"}
GRADER = Path(__file__).resolve().parents[1]  # the grader package this process runs


def course_fingerprint(root: Path) -> str:
    """16 hex digits that change when anything that decides a grade changes.

    Covered: every file under ``exercises/`` (manifests, public tests, the notebooks
    whose answer cells are the starters), ``solutions/`` (hidden tests; the reference
    answers and explanations too, which is stricter than needed), ``src/packages/``
    (the kernel, the domains, ``.importlinter``, question banks), and the grader itself:
    its version and every file of its package (scoring, runner, sandbox, contracts).
    Not covered: caches, the learners' ``exercises/<id>/workspace/`` folders, and where
    the checkout lies (paths are hashed relative to ``root``). Files are hashed by
    content: tens of milliseconds for this course, once per worker.
    """
    digest = hashlib.sha256(_grader_digest().encode())
    for part in COVERED:
        for path in _files(root / part):
            relative = path.relative_to(root).as_posix()
            digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def _grader_digest() -> str:
    """The grader's version and source, hashed once per process: a worker that kept
    running while its checkout was updated still runs the code it imported."""
    try:
        version = metadata.version("hexagon-integration-course")
    except metadata.PackageNotFoundError:
        version = "not installed"
    digest = hashlib.sha256(version.encode() + b"\0")
    for path in _files(GRADER):
        digest.update(path.relative_to(GRADER).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` in a fixed order, caches and learners' workspaces left
    out; a linked file counts by its content, a linked folder is not entered (no loops)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.name in CACHES or path.suffix == ".pyc":
            continue
        if path.is_dir():
            if path.is_symlink():
                continue
            if path.name == "workspace" and path.parent.parent.name == "exercises":
                continue  # a learner's scratch folder inside the course, not the course
            yield from _files(path)
        elif path.is_file():
            yield path
