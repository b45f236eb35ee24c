"""Bad input is one sentence and exit status 2, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.cli import main
from tests.grader.support import FIXTURE


@pytest.mark.parametrize(
    "config",
    [
        "[importlinter\nroot_packages = data\n",  # no closing bracket
        "[importlinter:contract:x]\nname = x\n",  # no [importlinter] section
        "[importlinter]\nroot_packages = data\n[importlinter]\n",  # a section twice
        "\xff\xfe not text",
    ],
)
def test_a_malformed_boundaries_config_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    course = tmp_path / "course"
    shutil.copytree(FIXTURE, course)
    (course / "src/packages/.importlinter").write_bytes(config.encode("latin-1"))

    code = main(["--course", str(course), "validate"])

    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1
    assert error.startswith(f"grader: {course / 'src/packages/.importlinter'}: the boundary")


def test_a_broken_notebook_is_one_sentence_in_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notebook = tmp_path / "ada.ipynb"
    notebook.write_text('{"cells": [')

    code = main(["--course", str(FIXTURE), "grade", "rules", str(notebook), "--out", str(tmp_path)])

    printed = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "ada.ipynb is not valid notebook JSON" in printed
