"""Integrity: the static scan of answer files, and the run-time import watch as a contract."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from grader.adapters.inprocess.imports import _Blame
from grader.adapters.integrity import KIND, AnswerScan, scan_source
from grader.application.batch import grade_safely
from grader.application.ports import RUNTIME_IMPORTS
from grader.configuration import App
from grader.domain.exercise import ContractMode, ContractRule, Exercise
from grader.domain.result import Outcome, Severity
from grader.domain.submission import Submission
from tests.grader.support import REFERENCE

REPO = Path(__file__).resolve().parents[2]

FLAGGED = [
    # pytest and the grader
    ("import _pytest.runner\n", "imports pytest's internals (_pytest.runner)"),
    ("from _pytest import reports\n", "imports pytest's internals (_pytest)"),
    ("import pytest\n", "imports pytest"),
    ("import pluggy\n", "imports pytest's internals (pluggy)"),
    (
        "from grader.adapters import pytest_plugin\n",
        "imports the grader's own code (grader.adapters)",
    ),
    ("m = __import__('grader.testing')\n", "imports the grader's own code (grader.testing)"),
    # sys.modules and builtins
    ("import sys\nsys.modules['json'] = None\n", "replaces modules in sys.modules"),
    ("import sys\nsys.modules.pop('json')\n", "replaces modules in sys.modules"),
    (
        "import sys\np = sys.modules['grader.adapters.pytest_plugin']\n",
        "looks modules up in sys.modules",
    ),
    ("import builtins\nbuiltins.print = len\n", "replaces builtins.print (monkeypatching)"),
    ("import builtins as b\nsetattr(b, 'len', None)\n", "changes builtins at run time (setattr)"),
    ("__builtins__['len'] = None\n", "reaches the builtins through __builtins__"),
    (
        "import _pytest.reports as r\nr.TestReport.outcome = 1\n",
        "replaces _pytest.reports.TestReport",
    ),
    # frames and the heap
    ("import sys\nf = sys._getframe(1)\n", "inspects the call stack (sys._getframe)"),
    ("import inspect\ninspect.stack()\n", "inspects the call stack (inspect.stack)"),
    ("from inspect import currentframe\ncurrentframe()\n", "inspect.currentframe"),
    ("import gc\ngc.get_objects()\n", "inspects the heap (gc.get_objects)"),
    ("import gc\ngc.get_referrers(1)\n", "inspects the heap (gc.get_referrers)"),
    ("def f(g):\n    return g.__closure__\n", "introspects __closure__"),
    ("def f(e):\n    return e.__traceback__.tb_frame.f_back\n", "introspects tb_frame"),
    ("x = ().__class__.__base__.__subclasses__()\n", "introspects __subclasses__"),
    # tracing, exits, signals
    ("import sys\nsys.settrace(None)\n", "installs a trace function (sys.settrace)"),
    ("import sys\nsys.setprofile(None)\n", "installs a profile function (sys.setprofile)"),
    ("import atexit\n", "imports atexit"),
    ("import atexit\natexit.register(print)\n", "runs code at interpreter exit (atexit.register)"),
    ("import os\nos._exit(0)\n", "exits the process at once (os._exit)"),
    ("import os as o\no._exit(0)\n", "os._exit"),
    ("from os import _exit as bye\nbye(0)\n", "os._exit"),
    ("import os\ngetattr(os, '_ex' + 'it')(0)\n", "os._exit"),
    ("__import__('os')._exit(0)\n", "os._exit"),
    ("import sys\nsys.exit(0)\n", "exits the interpreter (sys.exit)"),
    ("exit()\n", "exits the interpreter (exit)"),
    ("import signal\nsignal.signal(14, signal.SIG_IGN)\n", "signal.signal"),
    ("import signal\nsignal.setitimer(signal.ITIMER_REAL, 0)\n", "signal.setitimer"),
    ("import signal\nsignal.alarm(0)\n", "signal.alarm"),
    ("import signal\nsignal.pthread_sigmask(0, [])\n", "signal.pthread_sigmask"),
    # processes, network, memory
    ("import subprocess\nsubprocess.run(['ls'])\n", "starts a process (subprocess)"),
    ("import os\nos.system('ls')\n", "runs a shell command (os.system)"),
    ("import os\nos.fork()\n", "forks the process (os.fork)"),
    ("import os\nos.execv('/bin/sh', [])\n", "replaces the process (os.exec*)"),
    ("import pty\n", "imports pty (starts processes)"),
    ("import socket\n", "imports socket (network access)"),
    ("from urllib import request\n", "imports urllib.request (network access)"),
    ("import ctypes\n", "imports ctypes (raw memory access)"),
    ("import os\nos.write(3, b'x')\n", "writes to a raw file descriptor (os.write)"),
    ("open(3, 'w')\n", "opens file descriptor 3"),
    # threads that outlive a test
    (
        "import threading\nthreading.Thread(target=print, daemon=True).start()\n",
        "starts a daemon thread",
    ),
    ("import threading\nt = threading.Thread()\nt.daemon = True\n", "makes a daemon thread"),
    ("import threading\nthreading.Timer(1, print).start()\n", "starts a timer thread"),
    ("import _thread\n_thread.start_new_thread(print, ())\n", "bare thread"),
    # files outside the workspace
    ("open('/work/main/solutions/x.py')\n", "reaches '/work/main/solutions/x.py' outside"),
    ("open('../../solutions/x.py')\n", "reaches '../../solutions/x.py' outside"),
    ("import os\nos.listdir('/')\n", "reaches '/' outside its workspace (os.listdir)"),
    ("from pathlib import Path\nPath('/etc') / 'passwd'\n", "reaches '/etc' outside"),
    ("open(f'/tmp/{1}')\n", "reaches '/tmp/' outside"),
    # code built at run time
    ("exec('x = 1')\n", "runs code built at run time (exec)"),
    ("eval('1')\n", "runs code built at run time (eval)"),
    ("name = 'ai' + input()\n__import__(name)\n", "imports a module whose name is computed"),
    ("import importlib\nimportlib.import_module(x)\n", "imports a module whose name is computed"),
    ("import importlib.util as u\nu.spec_from_file_location('m', 'p')\n", "from a file path"),
    ("from importlib import _bootstrap\n", "the import machinery's internals"),
    # rigged comparisons
    ("class A:\n    def __eq__(self, other):\n        return True\n", "A: __eq__ always returns"),
    ("class A:\n    def __eq__(self, o):\n        '''Doc.'''\n        return 1\n", "__eq__ always"),
    ("class A:\n    __eq__ = lambda self, other: True\n", "A: __eq__ always returns"),
    ("class A:\n    def __ne__(self, other):\n        return False\n", "A: __ne__ always returns"),
    ("class A:\n    def __ne__(self, other):\n        return not True\n", "__ne__ always"),
    ("class A:\n    def __lt__(self, other):\n        return False\n", "A: __lt__ always returns"),
    (
        "class M(type):\n    def __instancecheck__(cls, o):\n        return True\n",
        "fools isinstance",
    ),
]

CLEAN = [
    REFERENCE,
    "import asyncio\nimport logging\nimport inspect\n\n"
    "def wrap(f):\n    return inspect.iscoroutinefunction(f)\n",
    "from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass R:\n    x: int\n",
    "class V:\n    def __eq__(self, other):\n"
    "        return isinstance(other, V) and self.x == other.x\n"
    "    def __ne__(self, other):\n        return not self == other\n",
    "import threading\nt = threading.Thread(target=print)\nt.start()\nt.join()\n",
    "from concurrent.futures import ThreadPoolExecutor\n",
    "from pathlib import Path\n\ndef save(folder: Path):\n    (folder / 'x').write_text('')\n",
    "import json\nimport time\nimport contextvars\nimport sqlite3\nimport urllib.parse\n",
    "def broken(:\n",  # does not parse: its tests fail anyway, nothing to flag
]


@pytest.mark.parametrize(("source", "finding"), FLAGGED)
def test_suspicious_code_is_flagged_with_its_line(source: str, finding: str) -> None:
    found = scan_source(source)

    assert any(finding in what for _, what in found), found
    assert all(line >= 1 for line, _ in found)


@pytest.mark.parametrize("source", CLEAN)
def test_ordinary_code_is_not_flagged(source: str) -> None:
    assert scan_source(source) == []


def test_no_reference_answer_of_the_course_is_flagged() -> None:
    for path in sorted(REPO.glob("solutions/*/reference/**/*.py")):
        assert scan_source(path.read_text(), str(path)) == [], path


def test_flags_carry_file_line_and_review_severity() -> None:
    flags = AnswerScan().scan(
        {"data/quality/rules.py": "import os\n\n\nos._exit(0)\n", "ai/ml/model.py": REFERENCE}
    )

    (flag,) = flags
    assert flag.kind == KIND == "suspicious-code"
    assert flag.severity is Severity.REVIEW
    assert (flag.file, flag.line) == ("data/quality/rules.py", 4)
    assert flag.message == "data/quality/rules.py:4: exits the process at once (os._exit)"


def test_a_flag_never_changes_the_score(app: App, exercise: Exercise) -> None:
    answer = "import ctypes  # unused, but worth a look\n" + REFERENCE
    result = grade_safely(app.grader, exercise, Submission("ada", {_PATH: answer}, "test"), True)

    assert result.full_marks
    assert result.needs_review
    assert {f.kind for f in result.flags} == {KIND}


_PATH = "data/quality/rules.py"
COMPUTED = (
    "_name = '.'.join(['ai', ''.join(reversed('lm')), 'model'])\n"
    "_model = __import__(_name, fromlist=['predict'])\n"
)


def _with_runtime_gate(exercise: Exercise) -> Exercise:
    rule = ContractRule(RUNTIME_IMPORTS, ContractMode.GATE)
    return replace(exercise, contracts=(*exercise.contracts, rule))


def test_runtime_imports_is_a_known_contract(app: App) -> None:
    assert RUNTIME_IMPORTS in app.exercises.known_contracts


def test_a_computed_import_of_another_domain_breaks_the_runtime_gate(
    app: App, exercise: Exercise
) -> None:
    gated = _with_runtime_gate(exercise)
    answer = REFERENCE + COMPUTED

    result = grade_safely(app.grader, gated, Submission("ada", {_PATH: answer}, "test"), True)

    runtime = next(c for c in result.contracts if c.id == RUNTIME_IMPORTS)
    assert not runtime.kept
    assert result.score == 0
    (violation,) = runtime.violations
    assert (violation.file, violation.line) == (_PATH, 15)
    assert violation.chain == ("data.quality.rules", "ai.ml.model")
    assert violation.advice == "Ask the other domain through the kernel's port instead."
    assert "boundary check 'runtime-imports' broken (score capped at 0)" in result.summary
    assert [f.kind for f in result.flags if f.kind == "runtime-import"] == ["runtime-import"]
    # the literal scan cannot see it: only the run-time watch does
    dynamic = next(c for c in result.contracts if c.id == "dynamic-imports")
    assert dynamic.kept


@pytest.mark.parametrize(
    "how",
    [
        "import importlib\n_m = importlib.import_module('.'.join(['ai', 'ml', 'model']))\n",
        "_scope = {}\nexec('from ai.ml ' + 'import model', _scope)\n",
        "import importlib\n_m = importlib._bootstrap._gcd_import('ai.ml.' + 'model')\n",
        "def count_missing(rows):\n    m = __import__('ai.ml.' + str('model'), fromlist=['x'])\n"
        "    return sum(v is None for r in rows for v in r.values())\n",
    ],
)
def test_every_route_to_another_domain_is_seen(app: App, exercise: Exercise, how: str) -> None:
    result = grade_safely(
        app.grader,
        _with_runtime_gate(exercise),
        Submission("a", {_PATH: REFERENCE + how}, "t"),
        True,
    )

    runtime = next(c for c in result.contracts if c.id == RUNTIME_IMPORTS)
    assert not runtime.kept, result.flags
    assert runtime.violations[0].chain == ("data.quality.rules", "ai.ml.model")


def test_the_reference_keeps_the_runtime_gate(app: App, exercise: Exercise) -> None:
    result = grade_safely(
        app.grader, _with_runtime_gate(exercise), Submission("a", {_PATH: REFERENCE}, "t"), True
    )

    runtime = next(c for c in result.contracts if c.id == RUNTIME_IMPORTS)
    assert runtime.kept
    assert runtime.error is None
    assert result.full_marks
    assert not result.flags


def test_without_the_contract_a_runtime_import_is_still_flagged(
    app: App, exercise: Exercise
) -> None:
    result = grade_safely(
        app.grader, exercise, Submission("a", {_PATH: REFERENCE + COMPUTED}, "t"), True
    )

    assert RUNTIME_IMPORTS not in {c.id for c in result.contracts}
    assert result.score == Decimal(7)
    flag = next(f for f in result.flags if f.kind == "runtime-import")
    assert flag.severity is Severity.REVIEW
    assert (flag.file, flag.line) == (_PATH, 15)


def test_switching_the_watch_off_breaks_the_runtime_gate(app: App, exercise: Exercise) -> None:
    answer = "import builtins, importlib\nbuiltins.__import__ = importlib.__import__\n" + REFERENCE

    result = grade_safely(
        app.grader, _with_runtime_gate(exercise), Submission("a", {_PATH: answer}, "t"), True
    )

    runtime = next(c for c in result.contracts if c.id == RUNTIME_IMPORTS)
    assert not runtime.kept
    assert runtime.error == "the answer switched off the run-time import watch"
    assert result.score == 0
    assert "tampered" in {f.kind for f in result.flags}
    assert all(t.outcome is Outcome.ERROR for t in result.tests)


def _frame_from(path: Path) -> object:
    code = compile("import sys\nframe = sys._getframe()\n", str(path), "exec")
    scope: dict[str, object] = {"__file__": str(path)}
    exec(code, scope)
    return scope["frame"]


def test_only_domain_code_counts_as_an_importer(tmp_path: Path) -> None:
    packages = tmp_path / "src" / "packages"
    blame = _Blame(
        [str(packages / "data/quality/rules.py")], str(packages), ["data.quality", "ai.ml"]
    )

    assert blame.owner("ai.ml.model") == "ai.ml"
    assert blame.owner("ai") is None
    assert blame.owner("shared.ports") is None
    domain = blame.importer(_frame_from(packages / "data/quality/rules.py"))  # type: ignore[arg-type]
    test = blame.importer(_frame_from(tmp_path / "grader_tests/public/test_x.py"))  # type: ignore[arg-type]
    package = blame.importer(_frame_from(packages / "ai/ml/__init__.py"))  # type: ignore[arg-type]
    assert domain == ("data.quality.rules", "data/quality/rules.py", 2)
    assert test is None  # tests may import anything
    assert package == ("ai.ml", "ai/ml/__init__.py", 2)
