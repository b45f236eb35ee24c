"""Fresh workspaces: the reference monorepo, the learner's answers, this run's tests.

Each workspace is a new temporary folder, removed afterwards; nothing is ever
written to the submission or to the reference tree. ``base`` lets a batch keep its
workspaces inside its own output folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from grader.application.ports import Workspace
from grader.domain.exercise import Exercise, workspace_test_path
from grader.errors import SubmissionError

SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".mypy_cache")


class TemporaryWorkspaces:
    def __init__(self, packages: Path, base: Path | None = None) -> None:
        self.packages = packages
        self.base = base

    @contextmanager
    def create(
        self, exercise: Exercise, answers: Mapping[str, str], include_hidden: bool
    ) -> Iterator[Workspace]:
        if self.base is not None:
            self.base.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix=f"grade-{exercise.id}-", dir=self.base))
        try:
            packages = root / "src" / "packages"
            shutil.copytree(self.packages, packages, ignore=SKIP)
            # The starter stands wherever the learner gave no answer.
            for relative, text in {**exercise.starter, **answers}.items():
                target = (packages / relative).resolve()
                if not target.is_relative_to(packages.resolve()):
                    raise SubmissionError(f"answer path {relative!r} leaves the packages folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            test_paths = []
            tests = [(f, False) for f in exercise.public_tests]
            tests += [(f, True) for f in exercise.hidden_tests] if include_hidden else []
            for source, hidden in tests:
                relative = workspace_test_path(source, hidden)
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, root / relative)
                test_paths.append(relative)
            yield Workspace(root, packages, tuple(test_paths))
        finally:
            shutil.rmtree(root, ignore_errors=True)
