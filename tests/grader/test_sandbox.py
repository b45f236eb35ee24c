"""The sandbox: what a test process can see, reach and spend, and the report channel.

Tests that need bubblewrap skip, saying why, where it cannot run; the fallback is
tested everywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from grader.adapters import sandbox
from grader.adapters.pytest_runner import RuntimeBoundary, _Process, _Progress
from grader.adapters.sandbox import (
    UNPRIVILEGED_UIDS,
    Bubblewrap,
    ResourceLimits,
    View,
    bubblewrap_problem,
    choose_sandbox,
)
from grader.application.batch import grade_safely
from grader.configuration import App, Course, build
from grader.domain.exercise import Exercise, Limits
from grader.domain.result import Outcome
from grader.domain.submission import Submission
from tests.grader.support import FIXTURE, REFERENCE, GradeFn

REPO = Path(__file__).resolve().parents[2]
PROBLEM = bubblewrap_problem()
needs_bwrap = pytest.mark.skipif(
    PROBLEM is not None, reason=f"bubblewrap cannot run here: {PROBLEM}"
)
ANSWER = "data/quality/rules.py"


def bwrap() -> Bubblewrap:
    chosen = choose_sandbox()
    assert isinstance(chosen, Bubblewrap)
    return chosen


def run_inside(
    code: str,
    view: View,
    limits: Limits | None = None,
    pass_fds: tuple[int, ...] = (),
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    command = bwrap().wrap(
        [sys.executable, "-I", "-B", "-c", textwrap.dedent(code)], view, limits or Limits()
    )
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        pass_fds=pass_fds,
        cwd=view.workdir,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> View:
    root = tmp_path / "grade-x"
    (root / "src/packages/data").mkdir(parents=True)
    (root / "src/packages/data/a.py").write_text("A = 1\n")
    (root / "grader_tests/hidden").mkdir(parents=True)
    (root / "grader_tests/hidden/test_h.py").write_text("SECRET = 1\n")
    (tmp_path / "grade-other/src").mkdir(parents=True)
    (tmp_path / "grade-other/src/answer.py").write_text("OTHER = 1\n")
    return View((root / "src/packages",), root)


@needs_bwrap
def test_bubblewrap_is_chosen_where_it_runs_and_says_so() -> None:
    chosen = bwrap()

    assert chosen.describe().startswith("bubblewrap (read-only system")
    assert "no network" in chosen.describe()
    app = build(Course(FIXTURE))
    assert app.grader.environment["sandbox"] == chosen.describe()


def test_without_bubblewrap_grading_falls_back_says_so_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sandbox, "bubblewrap_problem", lambda python=None: "bwrap is missing")
    monkeypatch.setattr(sandbox, "_warned", set())

    with caplog.at_level(logging.WARNING, logger="grader.sandbox"):
        first, second = choose_sandbox(), choose_sandbox()
        app = build(Course(FIXTURE))

    assert isinstance(first, ResourceLimits)
    assert isinstance(second, ResourceLimits)
    assert "bubblewrap unavailable: bwrap is missing" in first.describe()
    assert "file system NOT hidden" in first.describe()
    assert app.grader.environment["sandbox"] == first.describe()
    warnings = [r for r in caplog.records if r.name == "grader.sandbox"]
    assert len(warnings) == 1
    assert "bwrap is missing" in warnings[0].getMessage()


def test_the_fallback_still_grades(monkeypatch: pytest.MonkeyPatch, exercise: Exercise) -> None:
    monkeypatch.setattr(sandbox, "_warned", {"forced"})
    app = build(Course(FIXTURE), sandbox=ResourceLimits(reason="forced"))

    result = grade_safely(
        app.grader, exercise, Submission("ada", {ANSWER: REFERENCE}, "test"), True
    )

    assert result.full_marks
    assert result.environment["sandbox"].endswith("(bubblewrap unavailable: forced)")


@needs_bwrap
def test_only_the_view_is_visible_and_nothing_but_tmp_is_writable(
    workspace: View, tmp_path: Path
) -> None:
    root = workspace.workdir
    probe = f"""
        import json, os
        def readable(path):
            try:
                with open(path, 'rb'):
                    return True
            except OSError:
                return False
        def writable(path):
            try:
                with open(path, 'w') as file:
                    file.write('x')
                return True
            except OSError:
                return False
        print(json.dumps({{
            'view': readable('{root}/src/packages/data/a.py'),
            'hidden tests': readable('{root}/grader_tests/hidden/test_h.py'),
            'other workspace': os.path.exists('{tmp_path}/grade-other'),
            'parent': sorted(os.listdir('{tmp_path}')),
            'solutions': os.path.exists('{REPO}/solutions'),
            'repo': sorted(os.listdir('{REPO}')),
            'home': os.environ['HOME'],
            'write view': writable('{root}/src/packages/data/b.py'),
            'write workdir': writable('{root}/conftest.py'),
            'write root': writable('/planted.py'),
            'write tmp': writable('/tmp/scratch.txt'),
            'etc': sorted(os.listdir('/etc')),
        }}))
    """
    done = run_inside(probe, workspace)
    seen = json.loads(done.stdout)

    assert seen["view"]
    assert not seen["hidden tests"]
    assert not seen["other workspace"]
    assert seen["parent"] == ["grade-x"]
    assert not seen["solutions"]
    assert set(seen["repo"]) <= {".venv", "grader"}
    assert seen["home"] == "/tmp"
    assert not seen["write view"]
    assert not seen["write workdir"]
    assert not seen["write root"]
    assert seen["write tmp"]
    assert "passwd" not in seen["etc"]
    assert "shadow" not in seen["etc"]
    assert not (root / "src/packages/data/b.py").exists()
    assert not (root / "conftest.py").exists()


@needs_bwrap
def test_no_network_even_to_this_machine(workspace: View) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    port = server.getsockname()[1]
    probe = f"""
        import socket
        try:
            socket.create_connection(('127.0.0.1', {port}), timeout=1)
            print('connected')
        except OSError as error:
            print('refused', type(error).__name__)
        try:
            socket.getaddrinfo('example.com', 80)
            print('resolved')
        except OSError:
            print('no name resolution')
    """
    with server:
        done = run_inside(probe, workspace)
        with pytest.raises(TimeoutError):
            server.accept()

    assert done.stdout.split() == ["refused", "ConnectionRefusedError", "no", "name", "resolution"]


@needs_bwrap
def test_its_own_pid_namespace_an_unprivileged_user_and_no_capabilities(
    workspace: View,
) -> None:
    probe = """
        import os
        status = dict(l.split(':', 1) for l in open('/proc/self/status') if ':' in l)
        print(os.getpid(), os.getuid(), int(status['CapEff'].strip(), 16),
              len([p for p in os.listdir('/proc') if p.isdigit()]))
    """
    done = run_inside(probe, workspace)
    pid, uid, capabilities, processes = map(int, done.stdout.split())

    assert pid <= 3  # bubblewrap's init is 1
    assert capabilities == 0
    assert processes <= 3
    if os.geteuid() == 0:
        low, high = UNPRIVILEGED_UIDS
        assert low <= uid < high


@needs_bwrap
def test_memory_file_size_and_scratch_space_are_limited(workspace: View) -> None:
    probe = """
        def attempt(action):
            try:
                action()
                return 'ok'
            except (MemoryError, OSError) as error:
                return type(error).__name__
        def big_file():
            with open('/tmp/big', 'wb') as file:
                file.write(b'x' * (3 * 1024 * 1024))
        print(attempt(lambda: bytearray(2 * 1024**3)), attempt(big_file))
    """
    limits = Limits(memory_mb=256, file_size_mb=1)
    done = run_inside(probe, workspace, limits)

    assert done.stdout.split() == ["MemoryError", "OSError"]


@needs_bwrap
def test_a_spinning_fork_bomb_is_capped_and_dies_with_the_sandbox(workspace: View) -> None:
    probe = """
        import os, sys, time
        made = 0
        try:
            while True:
                if os.fork() == 0:
                    while True:
                        pass
                made += 1
        except OSError:
            pass
        print(made, flush=True)
        time.sleep(60)
    """
    limits = Limits(processes=6)
    command = bwrap().wrap(
        [sys.executable, "-I", "-B", "-c", textwrap.dedent(probe)], workspace, limits
    )
    uid = next(int(a.split("=")[1]) for a in command if a.startswith("--reuid="))
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, start_new_session=True, cwd=workspace.workdir
    )
    try:
        assert process.stdout is not None
        made = int(process.stdout.readline())
        assert made <= 5  # the limit counts the bomb's first process too
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 5
    while _processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_of(uid) == []


def _processes_of(uid: int) -> list[str]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("Uid", "0").split()[0]) == uid and "Z" not in fields.get("State", ""):
            found.append(status.parent.name)
    return found


@needs_bwrap
def test_the_report_pipe_is_passed_into_the_sandbox(workspace: View) -> None:
    read_end, write_end = os.pipe()
    try:
        done = run_inside(
            f"import os; os.write({write_end}, b'hello')", workspace, pass_fds=(write_end,)
        )
        os.close(write_end)
        assert done.returncode == 0, done.stderr
        assert os.read(read_end, 100) == b"hello"
    finally:
        os.close(read_end)


def test_the_grader_checks_every_report_line() -> None:
    key = b"k" * 32
    progress = _Progress({"t.py::a"})
    watch = _Process(key, {"t.py"}, RuntimeBoundary())

    def signed(event: dict[str, object]) -> bytes:
        payload = json.dumps(event).encode()
        return payload + b" " + hmac.new(key, payload, hashlib.sha256).hexdigest().encode()

    assert watch.verify(signed({"event": "ready", "seq": 0}), progress) == {
        "event": "ready",
        "seq": 0,
    }
    assert watch.verify(b'{"event": "done", "seq": 1} ' + b"0" * 64, progress) is None
    assert watch.verify(signed({"event": "start", "seq": 5}), progress) is None
    assert watch.verify(signed({"event": "done", "seq": 1}), progress) is not None
    watch.done_at = time.monotonic()
    assert watch.verify(signed({"event": "result", "seq": 2}), progress) is None
    assert [f.message for f in progress.flags] == [
        "the report pipe carried a line the grader did not sign",
        "report lines arrived out of sequence (replayed or forged)",
        "a report line arrived after the test process finished",
    ]


def _limited(exercise: Exercise, **limits: float) -> Exercise:
    return replace(exercise, limits=replace(exercise.limits, **limits))


def test_blocking_the_alarm_signal_does_not_switch_the_timeout_off(grade: GradeFn) -> None:
    answer = "import signal\n" + REFERENCE.replace(
        '    """True when no value is missing."""\n',
        '    """True when no value is missing."""\n'
        "    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
        "    while True:\n        pass\n",
    )

    started = time.monotonic()
    result = grade(answer)

    outcomes = {t.id.split("::")[-1]: t.outcome for t in result.tests}
    assert outcomes["test_complete"] is Outcome.TIMEOUT
    assert "timeout-kill" in {f.kind for f in result.flags}
    assert result.score == Decimal(6)
    assert time.monotonic() - started < 15


def test_replacing_the_timer_functions_at_import_does_not_switch_the_alarm_off(
    grade: GradeFn,
) -> None:
    """The plugin kept its own references: the alarm still fires; the change is tampering."""
    answer = (
        "import signal\nsignal.setitimer = lambda *a: (0.0, 0.0)\n"
        "signal.signal = lambda *a: None\n"
        + REFERENCE.replace(
            '    """True when no value is missing."""\n',
            '    """True when no value is missing."""\n    while True:\n        pass\n',
        )
    )

    started = time.monotonic()
    result = grade(answer)

    test = next(t for t in result.tests if t.id.endswith("test_complete"))
    assert test.outcome is Outcome.ERROR
    assert test.message == (
        "not graded: the answer changed code it does not own (signal.setitimer, signal.signal)"
    )
    assert 2 <= test.duration < 3  # stopped by the alarm, not by a kill
    kinds = {f.kind for f in result.flags}
    assert "tampered" in kinds
    assert "timeout-kill" not in kinds
    assert time.monotonic() - started < 10


def test_the_total_time_limit_holds(app: App, exercise: Exercise) -> None:
    answer = "import time\n" + REFERENCE.replace(
        '    """How many values are None across all rows."""\n',
        '    """How many values are None across all rows."""\n    time.sleep(1.2)\n',
    )
    short = _limited(exercise, per_test_seconds=2, total_seconds=3)

    started = time.monotonic()
    result = grade_safely(app.grader, short, Submission("ada", {ANSWER: answer}, "test"), True)

    assert time.monotonic() - started < 9
    outcomes = [t.outcome for t in result.tests]
    assert Outcome.PASSED in outcomes
    assert Outcome.TIMEOUT in outcomes
    stopped = [t for t in result.tests if t.outcome is Outcome.TIMEOUT and not t.hidden]
    assert stopped
    assert "total time limit" in stopped[-1].message


@needs_bwrap  # without it, the hidden tests' folder is on the same disk for all to see
def test_public_tests_never_share_a_process_with_the_hidden_ones(grade: GradeFn) -> None:
    # (Reading the tests' files would be tampering: the loaded modules are the witness.)
    answer = "import sys\n" + REFERENCE.replace(
        '    """How many values are None across all rows."""\n',
        '    """How many values are None across all rows."""\n'
        "    if not rows:\n"
        "        seen = sorted(m for m in sys.modules if m.startswith('grader_tests.'))\n"
        "        raise RuntimeError(f'seen: {seen}')\n",
    )

    result = grade(answer)

    public = next(t for t in result.tests if t.id.endswith("test_no_rows_no_missing"))
    assert "grader_tests.public.test_rules" in public.message
    assert "hidden" not in public.message
    assert all(t.message == "" for t in result.tests if t.hidden)


@needs_bwrap
def test_no_sandboxed_process_outlives_a_grading(app: App, grade: GradeFn) -> None:
    answer = (
        "import os, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(120)\n"
        "        os._exit(0)\n" + REFERENCE
    )

    result = grade(answer)

    assert result.full_marks
    time.sleep(0.3)
    low, high = UNPRIVILEGED_UIDS
    pool = app.grader.runner.pool  # type: ignore[attr-defined]
    names = ["grade-rules-", *(str(slot) for slot in (pool.slots if pool else []))]
    mine = []  # (other checkouts' graders on this machine are theirs, not this one's)
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            command = path.read_bytes().decode(errors="replace").replace("\0", " ")
            if (
                sys.prefix in command
                and any(name in command for name in names)
                and low <= path.parent.stat().st_uid < high
            ):
                mine.append(command)
    assert mine == []
