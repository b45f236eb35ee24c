"""Fakes of the grader's ports, for application-layer tests that start no process.

Each fake keeps to its port's contract and nothing more: the collector hands out the
specs it was given, the workspaces are empty folders, the runner decides outcomes with
a plain function of the answers, the contracts checker returns what it was told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from grader.application.batch import grade_safely
from grader.application.grading import Grader
from grader.application.ports import OwnTests, RunReport, Workspace
from grader.application.ports import TestRun as Run
from grader.domain.exercise import ContractRule, Exercise, Limits, TestSpec
from grader.domain.result import ContractResult, GradeResult, Outcome
from grader.domain.submission import Submission

Judge = Callable[[Mapping[str, str]], dict[str, Run]]  # answers -> runs by test id


class FakeCollector:
    def __init__(self, specs: Sequence[TestSpec]) -> None:
        self.specs = list(specs)

    def collect(self, exercise: Exercise, include_hidden: bool) -> list[TestSpec]:
        return [s for s in self.specs if include_hidden or not s.hidden]

    def collect_own(self, exercise: Exercise, answers: Mapping[str, str]) -> OwnTests:
        return OwnTests()


class FakeWorkspaces:
    """Empty folders under ``base``; remembers the answers each one was made with."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.answers: list[Mapping[str, str]] = []

    @contextmanager
    def create(
        self, exercise: Exercise, answers: Mapping[str, str], include_hidden: bool
    ) -> Iterator[Workspace]:
        self.answers.append(dict(answers))
        root = self.base / f"workspace-{len(self.answers)}"
        root.mkdir(parents=True)
        yield Workspace(root, root / "src/packages", ())


class FakeRunner:
    """Runs nothing: ``judge`` says what each test did, given the workspace's answers."""

    def __init__(self, judge: Judge, workspaces: FakeWorkspaces) -> None:
        self.judge = judge
        self.workspaces = workspaces
        self.runs = 0

    def run(
        self,
        workspace: Workspace,
        specs: Sequence[TestSpec],
        limits: Limits,
        answer_files: Sequence[str] = (),
        measure: Sequence[str] = (),
    ) -> RunReport:
        self.runs += 1
        decided = self.judge(self.workspaces.answers[-1])
        return RunReport({s.id: decided[s.id] for s in specs if s.id in decided})


class FakeContracts:
    def __init__(self, broken: Sequence[str] = ()) -> None:
        self.broken = set(broken)

    def check(
        self, workspace: Workspace, rules: Sequence[ContractRule], section: str
    ) -> list[ContractResult]:
        return [
            ContractResult(
                r.id,
                r.id,
                r.mode.value,
                r.points,
                Decimal(0) if r.id in self.broken else r.points,
                r.id not in self.broken,
            )
            for r in rules
        ]


class FakeReader:
    """Hands in, for each learner, the answers it was given (by learner id)."""

    def __init__(self, answers: Mapping[str, Mapping[str, str]]) -> None:
        self.answers = answers

    def read(self, path: Path, exercises: Sequence[Exercise], learner: str) -> Submission:
        return Submission(learner, dict(self.answers[learner]), "fake")


class FakePool:
    """A grading pool that grades at submit, in this thread: ``runs`` times each (as a
    cluster re-runs a dead worker's tasks), its future set once; a learner in ``fail``
    gets that exception in their future instead."""

    def __init__(
        self, grader: Grader, runs: int = 1, fail: Mapping[str, Exception] | None = None
    ) -> None:
        self.grader = grader
        self.runs = runs
        self.fail = dict(fail or {})
        self.submitted: list[tuple[str, str]] = []  # (learner, exercise)
        self.closed = False

    def submit(self, exercise: Exercise, submission: Submission) -> Future[GradeResult]:
        self.submitted.append((submission.learner, exercise.id))
        future: Future[GradeResult] = Future()
        if submission.learner in self.fail:
            future.set_exception(self.fail[submission.learner])
            return future
        for _ in range(self.runs):
            result = grade_safely(self.grader, exercise, submission, True)
        future.set_result(result)
        return future

    def close(self) -> None:
        self.closed = True


def fake_grader(
    tmp_path: Path, specs: Sequence[TestSpec], judge: Judge, broken: Sequence[str] = ()
) -> tuple[Grader, FakeRunner]:
    workspaces = FakeWorkspaces(tmp_path)
    runner = FakeRunner(judge, workspaces)
    grader = Grader(
        collector=FakeCollector(specs),
        workspaces=workspaces,
        runner=runner,
        contracts=FakeContracts(broken),
        environment={"sandbox": "none (fakes)"},
    )
    return grader, runner


def passed() -> Run:
    return Run(Outcome.PASSED, 0.01)


def failed(message: str = "assert False", case: str = "") -> Run:
    return Run(Outcome.FAILED, 0.01, message, case)
