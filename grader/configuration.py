"""The one wiring point: which adapters serve the use cases, for one course checkout."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from grader.adapters.collector import StaticCollector
from grader.adapters.contracts import BoundaryContracts
from grader.adapters.intake import SubmissionFiles
from grader.adapters.manifest import ExerciseFolder
from grader.adapters.pytest_runner import PytestRunner
from grader.adapters.sandbox import ResourceLimits
from grader.adapters.workspace import TemporaryWorkspaces
from grader.application.grading import Grader
from grader.errors import GraderError

COURSE_ENV = "GRADER_COURSE"


@dataclass(frozen=True)
class Course:
    """Where a course checkout keeps its parts."""

    root: Path

    @property
    def packages(self) -> Path:
        return self.root / "src" / "packages"

    @property
    def exercises(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def boundaries(self) -> Path:
        return self.packages / ".importlinter"


def locate_course(root: Path | None = None) -> Course:
    """The course at ``root``, ``$GRADER_COURSE``, or the checkout this grader lives in."""
    chosen = root or Path(os.environ.get(COURSE_ENV) or Path(__file__).resolve().parents[1])
    course = Course(chosen.resolve())
    for needed in (course.packages, course.exercises, course.boundaries):
        if not needed.exists():
            raise GraderError(f"{course.root} is not a course checkout: {needed} is missing")
    return course


@dataclass(frozen=True)
class App:
    course: Course
    exercises: ExerciseFolder
    reader: SubmissionFiles
    grader: Grader


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def build(course: Course, workspace_base: Path | None = None) -> App:
    contracts = BoundaryContracts(course.boundaries)
    sandbox = ResourceLimits()
    environment = {
        "python": platform.python_version(),
        "pytest": _version("pytest"),
        "import-linter": _version("import-linter"),
        "grader": _version("hexagon-integration-course"),
        "sandbox": sandbox.describe(),
    }
    grader = Grader(
        collector=StaticCollector(),
        workspaces=TemporaryWorkspaces(course.packages, workspace_base),
        runner=PytestRunner(sandbox),
        contracts=contracts,
        environment=environment,
    )
    exercises = ExerciseFolder(course.exercises, course.solutions, contracts.known())
    return App(course, exercises, SubmissionFiles(), grader)
