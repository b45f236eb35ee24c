"""Fakes of the grader's ports, for application-layer tests that start no process.

Each fake keeps to its port's contract and nothing more: the collector hands out the
specs it was given, the workspaces are empty folders, the runner decides outcomes with
a plain function of the answers, the contracts checker returns what it was told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from grader.application.grading import Grader
from grader.application.ports import OwnTests, RunReport, Workspace
from grader.application.ports import TestRun as Run
from grader.domain.exercise import ContractRule, Exercise, Limits, TestSpec
from grader.domain.result import ContractResult, Outcome

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
