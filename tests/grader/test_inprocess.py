"""The grader's code inside the test process: the wire protocol, failure texts, integrity."""

from __future__ import annotations

import ast
import hmac
import importlib
import json
import sys
from pathlib import Path

import pytest

from grader.adapters.inprocess import failures, wire
from grader.adapters.inprocess.snapshot import GUARDED_MODULES, IN_PROCESS_MODULES
from grader.domain.result import FlagKind, Outcome
from tests.grader.support import REFERENCE, GradeFn

KEY = b"k" * 32
PACKAGES = "/work/ws/src/packages"


def test_a_signed_line_verifies_with_its_number() -> None:
    line = wire.signer(KEY)({"event": wire.Event.START, "nodeid": "t.py::a"}, 3)

    assert line.endswith(b"\n")
    assert wire.verify(KEY, line.rstrip(b"\n"), 3) == {
        "event": "start",
        "nodeid": "t.py::a",
        "seq": 3,
    }


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (wire.signer(b"x" * 32)({"event": wire.Event.DONE}, 0), "did not sign"),
        (wire.signer(KEY)({"event": wire.Event.DONE}, 1), "out of sequence"),
        (b'{"event": "done", "seq": 0} ' + b"0" * 64 + b"\n", "did not sign"),
    ],
)
def test_a_line_is_rejected_with_a_reason(line: bytes, why: str) -> None:
    with pytest.raises(wire.BadLine, match=why):
        wire.verify(KEY, line.rstrip(b"\n"), 0)


def test_a_signed_line_that_is_not_an_object_is_malformed() -> None:
    payload = json.dumps([1, 2]).encode()
    line = payload + b" " + hmac.digest(KEY, payload, "sha256").hex().encode()

    with pytest.raises(wire.BadLine, match="malformed"):
        wire.verify(KEY, line, 0)


def test_the_settings_name_every_key_the_runner_writes() -> None:
    assert set(wire.Settings.__annotations__) == {
        "key",
        "report_fd",
        "per_test",
        "packages",
        "workspace",
        "answers",
        "domains",
        "course",
        "measure",
    }


def test_a_failure_names_the_deepest_place_in_the_answer() -> None:
    locations = [
        (f"{PACKAGES}/data/quality/rules.py", 12),
        ("/work/ws/grader_tests/public/test_rules.py", 4),
        (f"{PACKAGES}/data/quality/helpers.py", 30),
        ("/usr/lib/python3.11/json/__init__.py", 99),
    ]

    text = failures.failure_text("AssertionError: 1 != 2\n\n  diff", locations, PACKAGES)

    assert text == "AssertionError: 1 != 2\n  diff\n(at data/quality/helpers.py:30)"


def test_a_failure_outside_the_answer_names_no_place() -> None:
    assert failures.failure_text("boom", [("/work/ws/grader_tests/t.py", 3)], PACKAGES) == "boom"


def test_a_long_failure_is_cut() -> None:
    text = failures.bounded("\n".join(f"line {n}" for n in range(100)))

    assert text.splitlines()[-1] == "... (40 more lines)"
    assert len(text.splitlines()) == failures.MAX_MESSAGE_LINES + 1
    assert len(failures.bounded("x" * 10_000)) == failures.MAX_MESSAGE_CHARS


def test_a_path_outside_the_workspace_is_found_by_its_packages_folder() -> None:
    assert failures.in_packages("/elsewhere/src/packages/ai/ml.py", PACKAGES) == "ai/ml.py"
    assert failures.in_packages("/usr/lib/python3.11/os.py", PACKAGES) == ""


def test_an_import_failure_says_the_error_and_where() -> None:
    text = (
        "ImportError while importing test module\n"
        f'  File "{PACKAGES}/data/quality/rules.py", line 2\n'
        "    def f(:\n"
        "E     SyntaxError: '(' was never closed\n"
    )

    assert failures.import_failure(text, PACKAGES) == (
        "SyntaxError: '(' was never closed (at data/quality/rules.py:2)"
    )
    assert failures.import_failure("", PACKAGES) == "unknown error"


def test_a_stopped_run_says_what_was_raised_and_where() -> None:
    locations = [(f"{PACKAGES}/data/quality/rules.py", 4)]

    assert failures.stopped_text("SystemExit", "3", locations, PACKAGES) == (
        "the test run stopped: SystemExit (3) was raised at data/quality/rules.py:4"
    )
    assert failures.stopped_text("KeyboardInterrupt", "", [], PACKAGES) == (
        "the test run stopped: KeyboardInterrupt was raised"
    )


def _imported_modules(module: str) -> set[str]:
    path = Path(importlib.import_module(module).__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    found |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return found


@pytest.mark.parametrize("module", IN_PROCESS_MODULES)
def test_the_in_process_code_imports_the_standard_library_and_pytest_only(module: str) -> None:
    allowed = {*sys.stdlib_module_names, "pytest", "_pytest", "coverage"}
    foreign = {
        name
        for name in _imported_modules(module)
        if name.split(".")[0] not in allowed and not name.startswith("grader.adapters.inprocess")
    }

    assert not foreign


def test_every_in_process_module_is_guarded() -> None:
    assert set(IN_PROCESS_MODULES) <= set(GUARDED_MODULES)


REPLACED = [
    ("grader.adapters.inprocess.wire", "signer"),
    ("grader.adapters.inprocess.failures", "describe"),
    ("grader.adapters.inprocess.imports", "_absolute"),
    ("grader.adapters.inprocess.audit", "_writes"),
    ("grader.adapters.inprocess.snapshot", "namespace_callables"),
    ("grader.adapters.inprocess.plugin", "_run_to_end"),
]


def test_the_list_of_replacements_covers_every_in_process_module() -> None:
    assert {module for module, _ in REPLACED} == set(IN_PROCESS_MODULES)


@pytest.mark.parametrize(("module", "name"), REPLACED)
def test_an_answer_replacing_a_function_of_the_plugin_is_caught(
    grade: GradeFn, module: str, name: str
) -> None:
    answer = (
        "import sys\n"
        f"_target = sys.modules[{module!r}]\n"
        f"_original = getattr(_target, {name!r})\n"
        f"setattr(_target, {name!r}, lambda *a, **k: _original(*a, **k))\n"
    ) + REFERENCE

    result = grade(answer, hidden=False)

    tampered = [f.message for f in result.flags if f.kind == FlagKind.TAMPERED]
    assert any(f"{module}.{name}" in message for message in tampered), result.flags
    assert result.tests
    assert all(t.outcome is Outcome.ERROR for t in result.tests)
    assert result.score == 0
