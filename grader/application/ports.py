"""What the use cases need from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from grader.domain.exercise import ContractRule, Exercise, Limits, TestSpec
from grader.domain.result import (
    ContractResult,
    FileCoverage,
    Flag,
    GradeResult,
    Outcome,
    ViolationInfo,
)
from grader.domain.submission import Submission

RUNTIME_IMPORTS = "runtime-imports"  # the contract id of the run-time import watch


class ExerciseRepository(Protocol):
    def get(self, exercise_id: str) -> Exercise: ...

    def all(self) -> list[Exercise]: ...


class SubmissionReader(Protocol):
    def read(self, path: Path, exercises: Sequence[Exercise], learner: str) -> Submission: ...


@dataclass(frozen=True)
class OwnTests:
    """The learner's own tests, as read from their answer files."""

    specs: tuple[TestSpec, ...] = ()
    silent: tuple[str, ...] = ()  # ids of tests that assert nothing
    problem: str | None = None  # why they cannot be run (a syntax error, no test at all)


class TestCollector(Protocol):
    def collect(self, exercise: Exercise, include_hidden: bool) -> list[TestSpec]: ...

    def collect_own(self, exercise: Exercise, answers: Mapping[str, str]) -> OwnTests: ...


@dataclass(frozen=True)
class Workspace:
    root: Path
    packages: Path  # root / "src/packages"
    test_paths: tuple[str, ...]  # relative to root, as in TestSpec ids
    # The files (relative to packages) written over the course's own: answers, starters.
    # Everything else under packages is the course's, unchanged.
    overlays: tuple[str, ...] = ()


class WorkspaceFactory(Protocol):
    def create(
        self, exercise: Exercise, answers: Mapping[str, str], include_hidden: bool
    ) -> AbstractContextManager[Workspace]: ...


@dataclass(frozen=True)
class TestRun:
    """What one test function did, as the runner saw it."""

    outcome: Outcome
    duration: float = 0.0
    message: str = ""
    case: str = ""  # the parametrized case that failed ("prepare_data"), if any


NEVER_REPORTED = TestRun(Outcome.MISSING, 0.0, "this test never reported a result")


@dataclass(frozen=True)
class RuntimeImports:
    """What the import watch inside the test process saw: domain code importing another
    domain's module while the tests ran, however the module's name was built."""

    ran: bool = False  # the watch was installed before any answer was imported
    violations: tuple[ViolationInfo, ...] = ()
    error: str | None = None  # why the watch cannot vouch for the run (switched off, ...)


@dataclass(frozen=True)
class RunReport:
    runs: dict[str, TestRun]  # keyed by TestSpec.id
    flags: tuple[Flag, ...] = ()
    output: str = field(default="", repr=False)  # the first bytes of pytest's output
    runtime: RuntimeImports = field(default_factory=RuntimeImports)
    lines: dict[str, tuple[int, ...]] = field(default_factory=dict)  # run, per measured file


class TestRunner(Protocol):
    def run(
        self,
        workspace: Workspace,
        specs: Sequence[TestSpec],
        limits: Limits,
        answer_files: Sequence[str] = (),
        measure: Sequence[str] = (),
    ) -> RunReport:
        """Run ``specs``; for each answer file in ``measure``, report the lines that ran."""
        ...


class StatementCounter(Protocol):
    def coverage(self, path: str, source: str, lines: Sequence[int]) -> FileCoverage:
        """Which of the statements of ``source`` the ``lines`` that ran cover."""
        ...


class AnswerScanner(Protocol):
    """Reads the answer files' text (never runs it) for code that deserves a second look."""

    def scan(self, answers: Mapping[str, str]) -> list[Flag]: ...


class ContractChecker(Protocol):
    def check(
        self, workspace: Workspace, rules: Sequence[ContractRule], section: str
    ) -> list[ContractResult]: ...


class GradingPool(Protocol):
    """Where a batch's gradings run: threads of this process, or workers elsewhere.

    ``submit`` returns at once; its future holds the result, hidden tests included. The
    future's exception, if any, says what failed: a :class:`~grader.errors.GraderError`
    means the pool cannot grade at all (a worker refused, the cluster is gone), and the
    batch stops, keeping what it saved; any other exception means this one piece of work
    could not be graded, and it gets a zero result that asks for review.
    """

    def submit(self, exercise: Exercise, submission: Submission) -> Future[GradeResult]: ...

    def close(self) -> None:
        """Stop; work not started yet is cancelled."""
        ...
