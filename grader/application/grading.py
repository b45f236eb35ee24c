"""Grade one submission against one exercise: the use case behind check, grade and batch."""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from grader.application import coverage
from grader.application.ports import (
    NEVER_REPORTED,
    RUNTIME_IMPORTS,
    AnswerScanner,
    ContractChecker,
    RuntimeImports,
    StatementCounter,
    TestCollector,
    TestRun,
    TestRunner,
    Workspace,
    WorkspaceFactory,
)
from grader.domain import scoring
from grader.domain.draw import Bank, draw
from grader.domain.exercise import ContractMode, ContractRule, Exercise, TestSpec
from grader.domain.result import (
    ContractResult,
    CoverageResult,
    Flag,
    FlagKind,
    GradeResult,
    Outcome,
    Severity,
    TestResult,
)
from grader.domain.submission import Submission
from grader.errors import GraderError


@dataclass
class Grader:
    collector: TestCollector
    workspaces: WorkspaceFactory
    runner: TestRunner
    contracts: ContractChecker
    environment: dict[str, str]
    scanner: AnswerScanner | None = None  # flags suspicious answer code for review
    statements: StatementCounter | None = None  # for exercises that score the learner's tests
    threads: bool = True  # False where no thread starts (the browser): contracts run first

    def grade(
        self, exercise: Exercise, submission: Submission, *, include_hidden: bool
    ) -> GradeResult:
        started = time.perf_counter()
        specs = self.collector.collect(exercise, include_hidden)
        if exercise.draw is not None and include_hidden:
            specs = drawn_specs(specs, exercise.draw, submission.learner)
        answers = {p: t for p, t in submission.answers.items() if p in exercise.answer_files}
        flags = intake_flags(exercise, submission, answers)
        if self.scanner is not None:
            flags += self.scanner.scan(answers)
        static_rules = tuple(r for r in exercise.contracts if r.id != RUNTIME_IMPORTS)
        with (
            self.workspaces.create(exercise, answers, include_hidden) as workspace,
            ThreadPoolExecutor(max_workers=1) if self.threads else InlineExecutor() as pool,
        ):
            # The contracts run in their own process: check them while pytest runs.
            pending = pool.submit(self.contracts.check, workspace, static_rules, exercise.section)
            run = self.runner.run(workspace, specs, exercise.limits, tuple(sorted(answers)))
            own = self._own_tests(exercise, answers, workspace)
            checked = tuple(pending.result())
        contracts = merge_contracts(exercise.contracts, checked, run.runtime, exercise.section)
        tests = tuple(test_result(spec, run.runs.get(spec.id, NEVER_REPORTED)) for spec in specs)
        contracts = scoring.settle_contracts(tests, contracts)
        coverage = scoring.settle_coverage(tests, own[0] if own else None)
        score = scoring.total(tests, contracts, coverage)
        maximum = scoring.maximum(tests, contracts, coverage)
        all_flags = _unique((*flags, *run.flags, *(own[1] if own else ())))
        return GradeResult(
            exercise=exercise.id,
            learner=submission.learner,
            score=score,
            max_score=maximum,
            tests=tests,
            contracts=contracts,
            flags=all_flags,
            coverage=coverage,
            summary=summarise(score, maximum, tests, contracts, submission, answers),
            hidden_included=include_hidden,
            fingerprint=submission.fingerprint(),
            environment=self.environment,
            duration=round(time.perf_counter() - started, 3),
        )

    def _own_tests(
        self, exercise: Exercise, answers: dict[str, str], workspace: Workspace
    ) -> tuple[CoverageResult, tuple[Flag, ...]] | None:
        """Run the learner's own tests, measuring what they cover; None if not asked for."""
        if exercise.coverage is None:
            return None
        if self.statements is None:
            raise GraderError(f"{exercise.id} scores coverage, but no statement counter is wired")
        own = self.collector.collect_own(exercise, answers)
        run = None
        if own.specs and not own.problem:
            run = self.runner.run(
                workspace,
                own.specs,
                exercise.limits,
                tuple(sorted(answers)),
                measure=exercise.measured_files,
            )
        sources = {p: answers.get(p, exercise.starter.get(p, "")) for p in exercise.measured_files}
        result = coverage.assess(exercise.coverage, own, run, self.statements, sources)
        return result, run.flags if run else ()


def drawn_specs(specs: Sequence[TestSpec], bank: Bank, learner: str) -> list[TestSpec]:
    """The public tests, then the hidden tests of ``learner``'s drawn questions in draw
    order; the other hidden tests are not run at all."""
    problems = bank_problems(bank, specs)
    if problems:
        raise GraderError(problems[0])
    hidden = {s.id.rsplit("::", 1)[-1]: s for s in specs if s.hidden}
    return [s for s in specs if not s.hidden] + [hidden[q.test_name] for q in draw(bank, learner)]


def bank_problems(bank: Bank, specs: Sequence[TestSpec]) -> list[str]:
    """What keeps the hidden tests from grading the bank fairly: a question without its
    test, a test without its question, questions worth different points."""
    hidden = {s.id.rsplit("::", 1)[-1]: s for s in specs if s.hidden}
    names = {q.test_name for q in bank.questions}
    problems = [
        f"question {q.id} has no hidden test {q.test_name}"
        for q in bank.questions
        if q.test_name not in hidden
    ]
    problems += [
        f"hidden test {name} grades no question of the bank" for name in hidden.keys() - names
    ]
    if len({s.points for s in hidden.values()}) > 1:
        problems.append("the bank's hidden tests must all be worth the same points")
    return sorted(problems)


class InlineExecutor(Executor):
    """Runs each task at once, in the caller's thread: for where no thread can start."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller by result(), as a pool would
            done.set_exception(error)
        return done


def _unique(flags: Sequence[Flag]) -> tuple[Flag, ...]:
    """The flags in order, each once (the learner's own test run may repeat a note)."""
    return tuple(dict.fromkeys(flags))


def test_result(spec: TestSpec, run: TestRun) -> TestResult:
    earned = spec.points if run.outcome is Outcome.PASSED else Decimal(0)
    return TestResult(
        id=spec.id,
        title=spec.title,
        points=spec.points,
        earned=earned,
        outcome=run.outcome,
        duration=round(run.duration, 3),
        # Hidden tests show title, outcome and the failing case's id only: their
        # messages quote their code.
        message=_case_line(run.case) if spec.hidden else _with_case(run.message, run.case),
        hidden=spec.hidden,
    )


def _case_line(case: str) -> str:
    return f"failed for the case: {case}" if case else ""


def _with_case(message: str, case: str) -> str:
    return f"{_case_line(case)}\n{message}" if case else message


def merge_contracts(
    rules: Sequence[ContractRule],
    checked: Sequence[ContractResult],
    runtime: RuntimeImports,
    section: str,
) -> tuple[ContractResult, ...]:
    """The contract results in the manifest's order, the run-time import watch included."""
    by_id = {c.id: c for c in checked}
    results = []
    for rule in rules:
        if rule.id == RUNTIME_IMPORTS:
            results.append(runtime_contract(rule, runtime, section))
        elif rule.id in by_id:
            results.append(by_id[rule.id])
        else:
            results.append(
                ContractResult(
                    rule.id,
                    rule.id,
                    rule.mode.value,
                    rule.points,
                    Decimal(0),
                    False,
                    error="this check did not run",
                )
            )
    return tuple(results)


def runtime_contract(rule: ContractRule, runtime: RuntimeImports, section: str) -> ContractResult:
    """The import watch as a contract: kept when it ran intact and saw no violation."""
    violations = tuple(replace(v, section=v.section or section) for v in runtime.violations)
    kept = runtime.ran and runtime.error is None and not violations
    earned = rule.points if kept and rule.mode is ContractMode.POINTS else Decimal(0)
    return ContractResult(
        RUNTIME_IMPORTS,
        "No import of another domain at run time",
        rule.mode.value,
        rule.points,
        earned,
        kept,
        violations,
        runtime.error,
    )


def intake_flags(exercise: Exercise, submission: Submission, answers: dict[str, str]) -> list[Flag]:
    flags = [
        Flag(
            FlagKind.IGNORED_FILE, f"{name} is not an answer file of this exercise and was ignored"
        )
        for name in submission.ignored
    ]
    flags += [Flag(FlagKind.INTAKE, problem, Severity.REVIEW) for problem in submission.problems]
    for path in exercise.answer_files:
        if path not in answers:
            flags.append(Flag(FlagKind.NO_ANSWER, f"no answer for {path}: its starter was graded"))
    return flags


def summarise(
    score: Decimal,
    maximum: Decimal,
    tests: tuple[TestResult, ...],
    contracts: tuple[ContractResult, ...],
    submission: Submission,
    answers: dict[str, str],
) -> str:
    passed = sum(t.outcome is Outcome.PASSED for t in tests)
    total = f"{scoring.plain(score)} of {scoring.plain(maximum)} points"
    parts = [f"{total}: {passed} of {len(tests)} tests passed"]
    for contract in contracts:
        if not contract.kept:
            capped = " (score capped at 0)" if contract.mode == ContractMode.GATE else ""
            parts.append(f"boundary check '{contract.id}' broken{capped}")
    if not answers:
        reason = submission.problems[0] if submission.problems else "no answer file was found"
        parts.append(reason.rstrip("."))
    return "; ".join(parts) + "."
