"""The protocol between the grader and its plugin in the test process, in one place.

Both sides import this module: the grader (:mod:`grader.adapters.pytest_runner`) writes
:class:`Settings` into a pipe and reads the report lines; the plugin
(:mod:`grader.adapters.inprocess.plugin`) reads the settings and writes the lines.

Behaviour choices, stated once:

* Standard library only: it is loaded in the test process before any answer.
* The settings travel as one JSON object, every key always written (no defaults on the
  reading side).
* A report line is ``<json> <hmac-sha256 hex>\\n``; the JSON object carries the event's
  fields and ``seq``, its number in the process (0, 1, 2, ...). :func:`verify` accepts a
  line only with a valid HMAC under the run's key and the next expected number.
* :func:`signer` captures the functions it relies on when the plugin is configured,
  before any answer loads: an answer that replaces ``json.dumps`` or ``hmac.digest``
  later does not change what is signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal, TypedDict

CONFIG_FD_ENV = "GRADER_CONFIG_FD"  # the environment variable naming the settings pipe
# Where every test process finds its two pipes, cold or warm: the same numbers, so
# nothing a learner's code can see of its file descriptors differs between the two.
REPORT_FD = 3
SETTINGS_FD = 4
TESTS_FOLDER = "grader_tests"  # in the workspace (the grader's domain.exercise says so too)


class Settings(TypedDict):
    """What the grader tells the plugin, once, before any answer is imported."""

    key: str  # hex: the secret that signs this process's report lines
    report_fd: int  # the pipe the report lines go to
    per_test: float  # seconds; 0 for no per-test alarm
    packages: str  # the learner's packages folder (src/packages in the workspace)
    workspace: str  # the workspace root
    answers: list[str]  # absolute paths of the answer files
    domains: list[str]  # the domains the run-time import watch keeps apart
    course: list[str]  # the monorepo's top-level packages: no answer may patch them
    measure: list[str]  # absolute paths of answer files whose run lines are wanted


class Event(StrEnum):
    """The kinds of report line, in the order a run normally sends them."""

    READY = "ready"  # the plugin is installed; the import watch runs
    START = "start"  # a test starts
    RESULT = "result"  # a test ended
    COLLECT_ERROR = "collect_error"  # a test file could not be imported
    STOPPED = "stopped"  # pytest itself stopped (SystemExit, KeyboardInterrupt)
    AUDIT = "audit"  # the audit hook saw the answer do something
    RUNTIME_IMPORT = "runtime_import"  # domain code imported another domain at run time
    INTEGRITY = "integrity"  # code the answer does not own was changed
    LINES = "lines"  # the answer lines that ran (the learner's own tests)
    DONE = "done"  # the last line


class Ready(TypedDict):
    event: Literal[Event.READY]


class Start(TypedDict):
    event: Literal[Event.START]
    nodeid: str


class Result(TypedDict):
    event: Literal[Event.RESULT]
    nodeid: str
    outcome: str  # passed, failed, error, timeout or skipped
    duration: float
    message: str


class CollectError(TypedDict):
    event: Literal[Event.COLLECT_ERROR]
    nodeid: str  # the test file ("" when pytest could not say)
    message: str


class Stopped(TypedDict):
    event: Literal[Event.STOPPED]
    message: str


class Audit(TypedDict):
    event: Literal[Event.AUDIT]
    category: str  # "tamper" (the process's later results do not count) or "review"
    what: str  # what the answer did, as a sentence's predicate
    call: str  # the audited call alone (all a hidden run may say)
    file: str  # the answer file, relative to the packages folder
    line: int


class RuntimeImport(TypedDict):
    event: Literal[Event.RUNTIME_IMPORT]
    importer: str  # the importing module
    file: str
    line: int
    target: str  # the most precise module name seen
    domain: str  # the domain that module belongs to


class Integrity(TypedDict):
    event: Literal[Event.INTEGRITY]
    changed: list[str]  # the names whose objects changed


class Lines(TypedDict):
    event: Literal[Event.LINES]
    lines: dict[str, list[int]]  # answer file (relative) -> the lines that ran


class Done(TypedDict):
    event: Literal[Event.DONE]


Message = (
    Ready
    | Start
    | Result
    | CollectError
    | Stopped
    | Audit
    | RuntimeImport
    | Integrity
    | Lines
    | Done
)


class BadLine(Exception):
    """A report line the grader must not believe; the message says why, in one sentence."""


Sign = Callable[[Message, int], bytes]


def signer(key: bytes) -> Sign:
    """A function that turns a message and its number into a signed report line.

    ``json.dumps`` and ``hmac.digest`` are captured now, in the closure: an answer that
    replaces them later changes nothing it signs, and nothing names the closure's cells.
    """
    dumps, digest = json.dumps, hmac.digest

    def sign(message: Message, seq: int) -> bytes:
        payload = dumps({**message, "seq": seq}, default=str).encode()
        return payload + b" " + digest(key, payload, "sha256").hex().encode() + b"\n"

    return sign


def verify(key: bytes, line: bytes, seq: int) -> dict[str, Any]:
    """The fields of a report line (``seq`` included), or :class:`BadLine`.

    The line comes without its newline. The fields are checked for nothing but the
    signature and the number: the reader still reads every value defensively.
    """
    payload, _, mac = line.rpartition(b" ")
    expected = hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
    if not payload or not hmac.compare_digest(mac, expected):
        raise BadLine("the report pipe carried a line the grader did not sign")
    try:
        fields = json.loads(payload)
    except ValueError:
        raise BadLine("the report pipe carried a malformed line") from None
    if not isinstance(fields, dict):
        raise BadLine("the report pipe carried a malformed line")
    if fields.get("seq") != seq:
        raise BadLine("report lines arrived out of sequence (replayed or forged)")
    return fields
