"""A sample of ``grader audit all``: every exercise's tests catch every hollow answer and
the sampled mutants (the whole audit is the authors' command; see the instructor guide)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.cli import main

SAMPLE = 3  # mutants per exercise, the same ones each run; the hollow answers always


@pytest.mark.slow
def test_a_sample_of_the_audit_passes(tmp_path: Path) -> None:
    code = main(["audit", "all", "--sample", str(SAMPLE), "--out", str(tmp_path)])

    report = json.loads((tmp_path / "audit.json").read_text())
    problems = {
        row["exercise"]: {
            "survivors": [f"{s['id']} {s['description']}" for s in row["survivors"]],
            "errors": [e["id"] for e in row["errors_detail"]],
            "hollow answers not at 0": [h["operator"] for h in row["hollows"] if not h["caught"]],
        }
        for row in report["exercises"]
        if not row["passed"]
    }
    assert not problems
    assert code == 0
    for row in report["exercises"]:
        assert row["mutants"] == min(SAMPLE, row["sampled_from"] or SAMPLE)
        assert row["hollow_caught"] == row["hollow_answers"] == 4
