"""What the test processes' report lines mean to the grader: progress, results, flags.

Behaviour choices, stated once:

* Every expected test must be reported exactly once, by the process that ran its file.
  A test reported twice, or one nobody expected, marks the run as tampered; a test
  never reported scores 0.
* A line that fails :func:`~grader.adapters.inprocess.wire.verify`, or comes after
  ``done``, is ignored and marks the run as tampered.
* When the plugin reports tampering (an ``audit`` line of category ``tamper``, or an
  ``integrity`` line), neither the test running at that moment nor any later test of
  that process is graded (error).
* A hidden-tests process never passes on text the answer chose (a path, a module name):
  only the call or the count.
* Every value of a line is read defensively: the plugin runs next to learner code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.adapters.inprocess import wire
from grader.application.ports import TestRun
from grader.domain.exercise import function_id
from grader.domain.result import Flag, FlagKind, Outcome, Severity, ViolationInfo

MAX_RUNTIME_FLAGS = 20
OUTCOMES = {
    "passed": Outcome.PASSED,
    "failed": Outcome.FAILED,
    "error": Outcome.ERROR,
    "timeout": Outcome.TIMEOUT,
    "skipped": Outcome.FAILED,  # a skipped test earned nothing
}
RUNTIME_ADVICE = (
    "Reach the other domain through the shared kernel (an adapter, an event or a saga "
    "step) instead of importing it, however the module name is built."
)
Fields = Mapping[str, Any]  # a verified line: signed by the plugin, still read defensively


@dataclass(frozen=True)
class RuntimeBoundary:
    """The domains the run-time import watch checks, and what to advise on a violation."""

    domains: tuple[str, ...] = ()
    advice: str = RUNTIME_ADVICE
    section: str = ""
    course: tuple[str, ...] = ()  # the monorepo's top-level packages: no answer may patch them


@dataclass
class _Progress:
    """What the reports of all the processes of one run have said so far."""

    expected: set[str]
    runs: dict[str, TestRun] = field(default_factory=dict)
    seen_nodes: set[str] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)
    flagged: set[tuple[str, str]] = field(default_factory=set)
    output: bytearray = field(default_factory=bytearray)
    truncated: bool = False
    runtime_flags: int = 0
    watch_ran: bool = False
    watch_broken: str | None = None
    imports: dict[tuple[str, int | None, str], ViolationInfo] = field(default_factory=dict)
    measured: frozenset[str] = frozenset()  # answer files whose run lines are wanted
    lines: dict[str, set[int]] = field(default_factory=dict)

    def flag(
        self,
        kind: FlagKind,
        message: str,
        severity: Severity = Severity.REVIEW,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        if (kind, message) not in self.flagged:
            self.flagged.add((kind, message))
            self.flags.append(Flag(kind, message, severity, file, line))

    def record(
        self, node_id: str, outcome: Outcome, duration: float, message: str, graded: bool = True
    ) -> None:
        if node_id in self.seen_nodes:
            self.flag(FlagKind.TAMPERED, f"{node_id} was reported twice")
            return
        self.seen_nodes.add(node_id)
        test = function_id(node_id)
        if test not in self.expected:
            self.flag(FlagKind.TAMPERED, f"an unexpected test {node_id} was reported")
            return
        previous = self.runs.get(test)
        if previous is None or previous.outcome is Outcome.PASSED:
            total = duration + (previous.duration if previous else 0.0)
            case = case_id(node_id) if graded and outcome is not Outcome.PASSED else ""
            self.runs[test] = TestRun(outcome, total, message, case)  # a failing case decides

    def absorb(self, other: _Progress, output_kb: int) -> None:
        """Take in what another group's processes said (the hidden tests', run beside the
        public ones): results, flags after this one's, output up to ``output_kb``."""
        self.expected |= other.expected
        for node in other.seen_nodes & self.seen_nodes:
            self.flag(FlagKind.TAMPERED, f"{node} was reported twice")
        self.seen_nodes |= other.seen_nodes
        self.runs.update({t: r for t, r in other.runs.items() if t not in self.runs})
        for flag in other.flags:
            self.flag(flag.kind, flag.message, flag.severity, flag.file, flag.line)
        room = max(output_kb * 1024 - len(self.output), 0)
        self.truncated |= other.truncated or len(other.output) > room
        self.output += other.output[:room]
        self.runtime_flags += other.runtime_flags
        self.watch_ran |= other.watch_ran
        self.watch_broken = self.watch_broken or other.watch_broken
        self.imports.update({k: v for k, v in other.imports.items() if k not in self.imports})
        for path, lines in other.lines.items():
            self.lines.setdefault(path, set()).update(lines)

    def pending(self, files: set[str] | None = None) -> list[str]:
        left = self.expected - set(self.runs)
        if files is not None:
            left = {t for t in left if t.split("::", 1)[0] in files}
        return sorted(left)

    def end_all(self, tests: list[str], outcome: Outcome, message: str) -> None:
        """Give each of ``tests`` the same result, without a report of its own."""
        for test in tests:
            self.runs[test] = TestRun(outcome, 0.0, message)


@dataclass
class _Process:
    """One test process as the grader sees it: its key, and what its reports have said."""

    key: bytes
    files: set[str]
    boundary: RuntimeBoundary
    hidden: bool = False  # runs hidden tests: no text the answer chose may leave it
    sequence: int = 0
    done_at: float | None = None
    bad_lines: int = 0
    running: tuple[str, float] | None = None  # node id, monotonic start
    poisoned: str | None = None  # why no later result of this process counts
    tainted: dict[str, str] = field(default_factory=dict)  # node id -> why it does not count

    def verify(self, line: bytes, progress: _Progress) -> dict[str, Any] | None:
        """The line's fields when it is the next genuine one, else None (and a flag)."""
        try:
            fields = wire.verify(self.key, line, self.sequence)
        except wire.BadLine as bad:
            self.bad_lines += 1
            progress.flag(FlagKind.TAMPERED, str(bad))
            return None
        self.sequence += 1
        if self.done_at is not None:
            progress.flag(
                FlagKind.TAMPERED, "a report line arrived after the test process finished"
            )
            return None
        return fields

    def invalid(self, node_id: str) -> str | None:
        return self.tainted.get(node_id) or self.poisoned

    def invalidate(self, why: str) -> None:
        """Neither the test running now nor any later one of this process counts."""
        if self.poisoned is None:
            if self.running is not None:
                self.tainted.setdefault(self.running[0], why)
            self.poisoned = why


def apply(fields: Fields, process: _Process, progress: _Progress) -> wire.Event | None:
    """Take in one verified line; its kind (None for a kind nobody knows)."""
    try:
        kind = wire.Event(str(fields.get("event")))
    except ValueError:
        return None
    _HANDLERS[kind](fields, process, progress)
    return kind


def _ready(fields: Fields, process: _Process, progress: _Progress) -> None:
    progress.watch_ran = True


def _start(fields: Fields, process: _Process, progress: _Progress) -> None:
    process.running = (str(fields.get("nodeid")), time.monotonic())


def _result(fields: Fields, process: _Process, progress: _Progress) -> None:
    node = str(fields.get("nodeid"))
    process.running = None
    if node.split("::", 1)[0] not in process.files:
        progress.flag(FlagKind.TAMPERED, f"a process reported {node}, which it was not running")
        return
    outcome = OUTCOMES.get(str(fields.get("outcome")), Outcome.ERROR)
    message = str(fields.get("message", ""))
    why = process.invalid(node)
    if why:
        outcome, message = Outcome.ERROR, f"not graded: {why}"
    progress.record(node, outcome, float(fields.get("duration", 0)), message, not why)


def _collect_error(fields: Fields, process: _Process, progress: _Progress) -> None:
    file = str(fields.get("nodeid"))
    message = "the answer could not be imported: " + str(fields.get("message", ""))
    pending = progress.pending(process.files)
    progress.end_all(
        [t for t in pending if t.startswith(file + "::") or not file], Outcome.ERROR, message
    )


def _stopped(fields: Fields, process: _Process, progress: _Progress) -> None:
    message = str(fields.get("message", "the test run stopped"))
    progress.end_all(progress.pending(process.files), Outcome.ERROR, message)


def _audit(fields: Fields, process: _Process, progress: _Progress) -> None:
    file, line = str(fields.get("file")), _int(fields.get("line"))
    what = str(fields.get("what"))
    if process.hidden:  # a path or a name may carry the hidden tests' text: say only the call
        what = f"called {fields.get('call')} (while the hidden tests ran)"
    if progress.runtime_flags < MAX_RUNTIME_FLAGS:
        progress.runtime_flags += 1
        progress.flag(
            FlagKind.SUSPICIOUS_CALL,
            f"{file}:{line}: at run time, the answer {what}",
            file=file,
            line=line,
        )
    if fields.get("category") == "tamper":
        process.invalidate(f"the answer {what} ({file}:{line})")


def _runtime_import(fields: Fields, process: _Process, progress: _Progress) -> None:
    file, line, target = str(fields.get("file")), _int(fields.get("line")), str(fields["target"])
    importer = str(fields.get("importer"))
    domain = str(fields.get("domain", target))
    if process.hidden:
        target = domain  # the rest of the name is the answer's choice: it stays inside
    key = (file, line, domain)
    known = progress.imports.get(key)
    if known is None or (len(target) > len(known.chain[-1]) and target.startswith(known.chain[-1])):
        progress.imports[key] = ViolationInfo(  # the most precise module seen on that line
            file,
            line,
            f"{importer} imported {target} at run time",
            (importer, target),
            process.boundary.advice,
            process.boundary.section,
        )


_IMPORT_WATCH_PARTS = ("builtins.__import__", "importlib.import_module", "sys.meta_path")


def _integrity(fields: Fields, process: _Process, progress: _Progress) -> None:
    changed = [str(c) for c in fields.get("changed", [])]
    listing = ", ".join(changed[:8])
    if process.hidden:
        listing = f"{len(changed)} name(s), while the hidden tests ran"
    progress.flag(
        FlagKind.TAMPERED,
        f"code the answer does not own (the grader's or the course's) was changed in the "
        f"test process: {listing}",
    )
    process.invalidate(f"the answer changed code it does not own ({listing})")
    if any(c.startswith(_IMPORT_WATCH_PARTS) or "_ImportWatch" in c for c in changed):
        progress.watch_broken = "the answer switched off the run-time import watch"


def _lines(fields: Fields, process: _Process, progress: _Progress) -> None:
    if process.hidden:
        return
    for path, lines in dict(fields.get("lines") or {}).items():
        if path in progress.measured:
            progress.lines.setdefault(path, set()).update(n for n in lines if _int(n) is not None)


def _done(fields: Fields, process: _Process, progress: _Progress) -> None:
    process.done_at = time.monotonic()


_HANDLERS: dict[wire.Event, Callable[[Fields, _Process, _Progress], None]] = {
    wire.Event.READY: _ready,
    wire.Event.START: _start,
    wire.Event.RESULT: _result,
    wire.Event.COLLECT_ERROR: _collect_error,
    wire.Event.STOPPED: _stopped,
    wire.Event.AUDIT: _audit,
    wire.Event.RUNTIME_IMPORT: _runtime_import,
    wire.Event.INTEGRITY: _integrity,
    wire.Event.LINES: _lines,
    wire.Event.DONE: _done,
}


def case_id(node_id: str) -> str:
    """``test_x[prepare_data]`` -> ``prepare_data``: the id of a parametrized case."""
    inner = node_id.split("::")[-1]
    return inner.split("[", 1)[1].removesuffix("]")[:120] if "[" in inner else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
