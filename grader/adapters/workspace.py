"""Fresh workspaces: the reference monorepo, the learner's answers, this run's tests.

Behaviour choices, stated once:

* The course's packages are copied once, into a *template* (made on first use, removed
  by :meth:`TemporaryWorkspaces.close` or at exit). Each workspace is a new temporary
  folder whose packages are hard links to the template (copies where links cannot be
  made), with the answer files, and the starters of the answers not given, written
  over them as new files (``Workspace.overlays``): the template never changes.
* Nothing is ever written to the submission or to the reference tree. ``base`` lets a
  batch keep its workspaces (and the template) inside its own output folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from grader.adapters.linking import link_tree, replace_file
from grader.application.ports import Workspace
from grader.domain.exercise import Exercise, workspace_test_path
from grader.errors import SubmissionError

SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".mypy_cache")


class TemporaryWorkspaces:
    def __init__(self, packages: Path, base: Path | None = None) -> None:
        self.packages = packages
        self.base = base
        self._template: Path | None = None
        self._lock = threading.Lock()

    def template(self) -> Path:
        """The course's packages, copied once for this grader to link from."""
        with self._lock:
            if self._template is None:
                if self.base is not None:
                    self.base.mkdir(parents=True, exist_ok=True)
                folder = Path(tempfile.mkdtemp(prefix="template-", dir=self.base))
                shutil.copytree(self.packages, folder / "packages", ignore=SKIP)
                self._template = folder / "packages"
                atexit.register(self.close)
            return self._template

    def close(self) -> None:
        with self._lock:
            template, self._template = self._template, None
        if template is not None:
            shutil.rmtree(template.parent, ignore_errors=True)

    @contextmanager
    def create(
        self, exercise: Exercise, answers: Mapping[str, str], include_hidden: bool
    ) -> Iterator[Workspace]:
        template = self.template()
        root = Path(tempfile.mkdtemp(prefix=f"grade-{exercise.id}-", dir=self.base))
        try:
            packages = root / "src" / "packages"
            link_tree(template, packages)
            # The starter stands wherever the learner gave no answer.
            overlays = {**exercise.starter, **answers}
            for relative, text in overlays.items():
                target = (packages / relative).resolve()
                if not target.is_relative_to(packages.resolve()):
                    raise SubmissionError(f"answer path {relative!r} leaves the packages folder")
                replace_file(target, text)
            test_paths = []
            tests = [(f, False) for f in exercise.public_tests]
            tests += [(f, True) for f in exercise.hidden_tests] if include_hidden else []
            for source, hidden in tests:
                relative = workspace_test_path(source, hidden)
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, root / relative)
                test_paths.append(relative)
            yield Workspace(root, packages, tuple(test_paths), tuple(sorted(overlays)))
        finally:
            shutil.rmtree(root, ignore_errors=True)
