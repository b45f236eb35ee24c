"""``grader check`` and ``grader watch`` as a learner runs them, on a copy of the fixture course."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.cli import main
from tests.grader.support import FIXTURE

ANSWER = "data/quality/rules.py"
REFERENCE = FIXTURE / "solutions/rules/reference" / ANSWER
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CLEAR = "\x1b[2J"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    copy = tmp_path / "course"
    shutil.copytree(FIXTURE, copy)
    return copy


def workspace(course: Path, answer: str) -> Path:
    folder = course / "exercises/rules/workspace"
    (folder / ANSWER).parent.mkdir(parents=True, exist_ok=True)
    (folder / ANSWER).write_text(answer)
    return folder


def test_a_missing_workspace_says_how_to_create_it(
    course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--course", str(course), "check", "rules"]) == 2

    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "exercises/rules/workspace does not exist yet" in error
    assert "%%answer" in error
    assert "Traceback" not in error


def test_check_defaults_to_the_exercises_own_workspace(
    course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = workspace(course, REFERENCE.read_text())
    (folder / ".grader-state.json").write_text("{}")
    for name in ("notes.txt", "scratch.py", "data/quality/old.py"):
        (folder / name).write_text("x = 1\n")

    code = main(["--course", str(course), "check", "rules"])
    out = capsys.readouterr().out

    assert code == 0
    assert "3 other files ignored" in out
    assert "notes.txt" not in out
    assert ".grader-state.json" not in out
    assert "All public tests and checks pass." in out
    assert "✓ passed" in out


class Output:
    """Everything a process writes to a pipe, read by a thread, waited for by text."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.text = ""
        self._lock = threading.Lock()
        assert process.stdout is not None
        stream = process.stdout
        self.reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.reader.start()

    def _read(self, stream: object) -> None:
        for chunk in iter(lambda: stream.read(1), ""):  # type: ignore[attr-defined]
            with self._lock:
                self.text += chunk

    def wait_for(self, needle: str, count: int = 1, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if ANSI.sub("", self.text).count(needle) >= count:
                    return self.text
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} x{count} never came; got:\n{self.text}")


@pytest.mark.slow
def test_watch_checks_again_after_a_save_and_ends_cleanly_on_ctrl_c(course: Path) -> None:
    folder = workspace(course, REFERENCE.read_text())
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "--course", str(course), "watch", "rules"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120"},
    )
    try:
        output = Output(process)
        output.wait_for("for saves; Ctrl-C stops.")
        assert "All public tests and checks pass." in ANSI.sub("", output.text)

        broken = "from ai.ml.model import predict  # reaches into another domain\n"
        (folder / ANSWER).write_text(broken + REFERENCE.read_text())
        text = output.wait_for("for saves; Ctrl-C stops.", count=2)

        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        output.reader.join(timeout=30)  # everything written, up to the end of the pipe
        assert process.stderr is not None
        errors = process.stderr.read()
    finally:
        process.kill()
    plain = ANSI.sub("", output.text)
    after_save = plain.split("saved: rules.py", 1)[1]
    assert text.count(CLEAR) >= 2  # the screen was cleared before each check
    assert "✗ broken" in after_save
    assert f"{ANSWER}:1" in after_save
    assert plain.rstrip().endswith("stopped watching.")
    assert process.returncode == 0
    assert "Traceback" not in errors
