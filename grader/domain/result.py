"""The one result model: what every report, gradebook and feedback page is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the test could not run: an import error, a crash
    TIMEOUT = "timeout"
    MISSING = "missing"  # never reported: the run was cut short or tampered with


@dataclass(frozen=True)
class TestResult:
    id: str
    title: str
    points: Decimal
    earned: Decimal
    outcome: Outcome
    duration: float = 0.0
    message: str = ""  # empty for hidden tests: they show title and outcome only
    hidden: bool = False


@dataclass(frozen=True)
class ViolationInfo:
    file: str
    line: int | None
    message: str
    chain: tuple[str, ...] = ()
    advice: str = ""
    section: str = ""
    imports: tuple[str, ...] = ()  # the importer's own imports in the workspace, for the picture


@dataclass(frozen=True)
class ContractResult:
    id: str
    name: str
    mode: str
    points: Decimal
    earned: Decimal
    kept: bool
    violations: tuple[ViolationInfo, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class FileCoverage:
    path: str  # an answer file, under src/packages
    statements: int
    missing: tuple[int, ...] = ()  # statement lines no passing test of the learner's ran

    @property
    def covered(self) -> int:
        return self.statements - len(self.missing)


@dataclass(frozen=True)
class CoverageResult:
    """What the learner's own tests earned: by coverage, once they all pass and all assert."""

    points: Decimal
    earned: Decimal
    percent: Decimal  # of the measured statements, rounded down to 0.1
    message: str  # what it earned and why, in a sentence or two
    files: tuple[FileCoverage, ...] = ()
    tests: tuple[TestResult, ...] = ()  # the learner's own tests: no points of their own


class Severity(StrEnum):
    INFO = "info"  # worth knowing, nothing to do
    REVIEW = "review"  # a person should look before the score is final


class FlagKind(StrEnum):
    """What a flag is about. A StrEnum: JSON carries the plain value, and comparing with
    the string still works."""

    IGNORED_FILE = "ignored-file"  # a submitted file that is not an answer file
    INTAKE = "intake"  # a problem with the submission itself (a zip, a notebook)
    NO_ANSWER = "no-answer"  # an answer file missing: its starter was graded
    SUSPICIOUS_CODE = "suspicious-code"  # the static scan of an answer file
    SUSPICIOUS_CALL = "suspicious-call"  # the audit hook, at run time
    RUNTIME_IMPORT = "runtime-import"  # another domain imported at run time
    TAMPERED = "tampered"  # report lines, or code the answer does not own, were altered
    TIMEOUT_KILL = "timeout-kill"  # a test ignored its alarm; the process was killed
    LINGERING_PROCESS = "lingering-process"  # the process outlived its last test
    EARLY_EXIT = "early-exit"  # the process exited with status 0 before it finished
    CRASHED = "crashed"  # the process ended before it finished
    OUTPUT_TRUNCATED = "output-truncated"  # the test output was cut
    GRADER_ERROR = "grader-error"  # the grader itself failed on this submission


@dataclass(frozen=True)
class Flag:
    kind: FlagKind  # its value may be given (read back from JSON): it is made a FlagKind
    message: str
    severity: Severity = Severity.INFO
    file: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FlagKind(self.kind))


@dataclass(frozen=True)
class GradeResult:
    exercise: str
    learner: str
    score: Decimal
    max_score: Decimal
    tests: tuple[TestResult, ...]
    contracts: tuple[ContractResult, ...]
    flags: tuple[Flag, ...] = ()
    coverage: CoverageResult | None = None
    summary: str = ""  # one readable sentence on the outcome
    hidden_included: bool = False
    fingerprint: str = ""
    environment: dict[str, str] = field(default_factory=dict)
    duration: float = 0.0

    @property
    def needs_review(self) -> bool:
        return any(f.severity is Severity.REVIEW for f in self.flags)

    @property
    def full_marks(self) -> bool:
        return self.score == self.max_score
