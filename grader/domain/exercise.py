"""An exercise, as its manifest (``exercises/<id>/exercise.toml``) describes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from grader.domain.draw import Bank


class ContractMode(StrEnum):
    GATE = "gate"  # broken: the whole score is capped at 0
    POINTS = "points"  # kept: earns its points; broken: earns none


@dataclass(frozen=True)
class ContractRule:
    id: str  # an import-linter contract id, "dynamic-imports" or "standard-library-only"
    mode: ContractMode = ContractMode.GATE
    points: Decimal = Decimal(0)


@dataclass(frozen=True)
class Limits:
    per_test_seconds: float = 10.0
    total_seconds: float = 120.0
    memory_mb: int = 1024
    processes: int = 64
    output_kb: int = 256
    file_size_mb: int = 16


@dataclass(frozen=True)
class CoverageRule:
    """The learner's own tests, and what their coverage of the other answer files earns.

    ``tiers`` are (percent, points) pairs, both rising: the highest tier reached counts.
    """

    tests: tuple[str, ...]  # answer files that hold the learner's tests
    tiers: tuple[tuple[Decimal, Decimal], ...]

    @property
    def points(self) -> Decimal:
        return self.tiers[-1][1]

    def earned(self, covered: int, statements: int) -> Decimal:
        """The points of the highest tier reached, compared exactly (89.99% is not 90%)."""
        reached = [p for percent, p in self.tiers if covered * 100 >= percent * statements]
        return reached[-1] if reached and statements else Decimal(0)


@dataclass(frozen=True)
class TestSpec:
    """One test function, found by reading the test file (never by running it)."""

    id: str  # "tests/public/test_adapter.py::test_timeout" (class::name for methods)
    title: str
    points: Decimal
    hidden: bool


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    points: Decimal
    answer_files: tuple[str, ...]  # paths under src/packages the learner owns
    public_tests: tuple[Path, ...]  # absolute
    hidden_tests: tuple[Path, ...]  # absolute, under solutions/
    contracts: tuple[ContractRule, ...] = ()
    limits: Limits = field(default_factory=Limits)
    hints: tuple[str, ...] = ()
    section: str = ""  # the course section to read
    folder: Path = Path()
    solution_folder: Path | None = None  # solutions/<id>, when this checkout has it
    notebook: Path | None = None  # the release notebook, whose answer cells are the starter
    starter: dict[str, str] = field(default_factory=dict)  # answer path -> starter source
    coverage: CoverageRule | None = None  # when the learner writes tests of their own
    draw: Bank | None = None  # when each learner is graded on questions drawn from a bank

    @property
    def measured_files(self) -> tuple[str, ...]:
        """The answer files whose coverage the learner's own tests are scored on."""
        own = self.coverage.tests if self.coverage else ()
        return tuple(a for a in self.answer_files if a not in own)

    def test_files(self, include_hidden: bool) -> tuple[Path, ...]:
        return self.public_tests + (self.hidden_tests if include_hidden else ())


PACKAGES = "src/packages"  # the monorepo in a workspace, relative to its root
TESTS_FOLDER = "grader_tests"


def workspace_test_path(test_file: Path, hidden: bool) -> str:
    """Where a test file goes in a workspace, relative to its root."""
    return f"{TESTS_FOLDER}/{'hidden' if hidden else 'public'}/{test_file.name}"


def function_id(node_id: str) -> str:
    """The test function a pytest node id belongs to (parametrized cases share one)."""
    return node_id.split("[", 1)[0]
