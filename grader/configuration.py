"""The one wiring point: which adapters serve the use cases, for one course checkout."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from grader.adapters.collector import StaticCollector
from grader.adapters.contracts import BoundaryContracts, ContractRun
from grader.adapters.intake import SubmissionFiles
from grader.adapters.integrity import AnswerScan
from grader.adapters.manifest import ExerciseFolder
from grader.adapters.page_runner import InProcessRunner
from grader.adapters.parsing import SerializedCollector
from grader.adapters.pytest_runner import RUNTIME_ADVICE, PytestRunner, RuntimeBoundary
from grader.adapters.sandbox import Bubblewrap, Sandbox, choose_sandbox
from grader.adapters.statements import CoverageParser
from grader.adapters.warm_pool import WarmPool
from grader.adapters.workspace import TemporaryWorkspaces
from grader.application.grading import Grader
from grader.application.ports import RUNTIME_IMPORTS
from grader.errors import GraderError

COURSE_ENV = "GRADER_COURSE"
WARM_ENV = "GRADER_WARM"


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
    """A wired grader for one course; :meth:`close` stops what it holds (warm workers)."""

    course: Course
    exercises: ExerciseFolder
    reader: SubmissionFiles
    grader: Grader
    closers: tuple[Callable[[], None], ...] = ()

    def close(self) -> None:
        for close in self.closers:
            close()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def course_packages(packages: Path) -> frozenset[str]:
    """The monorepo's top-level packages (the kernel, the domains, deployment)."""
    return frozenset(
        p.name for p in packages.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    )


def runtime_boundary(contracts: BoundaryContracts, course: Course) -> RuntimeBoundary:
    """The domains the run-time import watch keeps apart, with the config's advice, and
    the course's packages no answer may patch."""
    advice, section = contracts.remedy(RUNTIME_IMPORTS)
    if not advice:
        advice, section = contracts.remedy("domains-independent")
    packages = tuple(sorted(course_packages(course.packages)))
    return RuntimeBoundary(contracts.domains(), advice or RUNTIME_ADVICE, section, packages)


def build(
    course: Course,
    workspace_base: Path | None = None,
    sandbox: Sandbox | None = None,
    warm: bool | None = None,
) -> App:
    """Wire the grader for ``course``. The sandbox is bubblewrap where it runs here, else
    resource limits only (logged once, and said in every result's ``sandbox`` entry).

    Test processes run in warm workers (:mod:`grader.adapters.warm_pool`) when the
    sandbox is bubblewrap, unless ``warm`` is False or ``$GRADER_WARM`` is ``0``: then
    each test run starts a fresh sandboxed Python (the cold path)."""
    contracts = BoundaryContracts(course.boundaries)
    sandbox = sandbox or choose_sandbox()
    if warm is None:
        warm = os.environ.get(WARM_ENV, "1") != "0"
    workspaces = TemporaryWorkspaces(course.packages, workspace_base)
    # A warm worker needs a PID namespace of its own to clean up after each run.
    pool = None
    if warm and isinstance(sandbox, Bubblewrap):
        pool = WarmPool(sandbox, workspaces.template, workspace_base)
    environment = {
        "python": platform.python_version(),
        "pytest": _version("pytest"),
        "import-linter": _version("import-linter"),
        "grader": _version("hexagon-integration-course"),
        "sandbox": sandbox.describe(),
    }
    grader = Grader(
        collector=SerializedCollector(StaticCollector()),
        workspaces=workspaces,
        runner=PytestRunner(
            sandbox,
            boundary=runtime_boundary(contracts, course),
            hidden_paths={str(course.root): "/course"},
            pool=pool,
        ),
        contracts=contracts,
        environment=environment,
        scanner=AnswerScan(course_packages(course.packages)),
        statements=CoverageParser(),
    )
    exercises = ExerciseFolder(course.exercises, course.solutions, contracts.known())
    closers = (*((pool.close,) if pool is not None else ()), workspaces.close)
    return App(course, exercises, SubmissionFiles(), grader, closers)


def build_in_page(course: Course, run_contracts: ContractRun, roots: Sequence[str]) -> App:
    """Wire the grader for a JupyterLite page: tests in this process (no sandbox, no
    threads), contracts by ``run_contracts`` (pure Python: import-linter cannot run
    there), no solutions."""
    contracts = BoundaryContracts(course.boundaries, run=run_contracts)
    grader = Grader(
        collector=StaticCollector(),
        workspaces=TemporaryWorkspaces(course.packages),
        runner=InProcessRunner(roots, runtime_boundary(contracts, course)),
        contracts=contracts,
        environment={"python": sys.version.split()[0], "where": "in this page (self-check)"},
        threads=False,
    )
    exercises = ExerciseFolder(course.exercises, None, contracts.known())
    return App(course, exercises, SubmissionFiles(), grader)
