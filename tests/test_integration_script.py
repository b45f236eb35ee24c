"""The integration script: its scenarios in-process, and the script as a command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deployment.bootstrap import Application, bootstrap
from deployment.validation.scenarios import (
    SCENARIOS,
    Checks,
    RunReport,
    Scenario,
    main,
    run_scenarios,
)
from shared.configurations.settings import Settings
from shared.interfaces import DataSet, ValidationReport

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "src/packages/deployment/validation/simplified_integration_test.py"


class OfflineValidator:
    async def validate(self, dataset: DataSet) -> ValidationReport:
        raise RuntimeError("validator offline")


def broken_app() -> Application:
    app = bootstrap(Settings())
    app.locator.register_service("data_quality", "validator", OfflineValidator())
    return app


async def test_every_scenario_passes_on_a_fresh_application() -> None:
    report = await run_scenarios(lambda: bootstrap(Settings()))

    assert report.ok, report.render(verbose=True)
    assert [s.name for s in SCENARIOS] == [
        "adapter calls",
        "event chain",
        "saga completes",
        "saga compensates",
        "missing service",
    ]
    assert {r.scenario for r in report.results} == {s.name for s in SCENARIOS}
    assert (report.passed, report.failed) == (len(report.results), 0)


def test_a_broken_service_fails_the_run_with_one_line_per_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main([], make_app=broken_app)

    out = capsys.readouterr().out
    assert code == 1
    assert (
        "  ✗ adapter calls > crashed: AdapterError: data_quality.validator.validate failed: "
        "RuntimeError: validator offline ("
    ) in out
    assert "✗ saga completes > the pipeline saga runs validate, prepare, train and deploy" in out
    assert "✓ event chain > MLOps reports the model active in staging" in out
    assert "Traceback" not in out
    assert out.splitlines()[-1].startswith("Total: 15 checks, 8 passed, 7 failed in ")


def test_verbose_shows_details_and_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--verbose"], make_app=broken_app)

    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback (most recent call last):" in out
    assert "RuntimeError: validator offline" in out
    assert "auto-deploy: churned-v1, training accuracy 1.00 (" in out


async def test_an_application_that_cannot_be_built_fails_each_scenario() -> None:
    def no_app() -> Application:
        raise OSError("disk full")

    report = await run_scenarios(no_app)

    assert [(r.scenario, r.name, r.passed, r.detail) for r in report.results] == [
        (s.name, "crashed", False, "OSError: disk full") for s in SCENARIOS
    ]


async def test_checks_are_timed_one_after_another() -> None:
    async def two_checks(app: Application, checks: Checks) -> None:
        checks.expect("first", True)
        checks.expect("second", False, "expected 2, got 3")

    report = await run_scenarios(lambda: bootstrap(Settings()), [Scenario("demo", two_checks)])

    assert [(r.name, r.passed) for r in report.results] == [("first", True), ("second", False)]
    assert all(r.seconds >= 0 for r in report.results)
    lines = report.render(marks=("+", "x")).splitlines()
    assert lines[1].startswith("  + demo > first (")
    assert lines[2].startswith("  x demo > second: expected 2, got 3 (")


def test_a_run_with_no_check_is_not_a_success() -> None:
    assert not RunReport((), 0.0).ok


@pytest.mark.slow
def test_the_script_runs_from_the_repository_root() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )

    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[0] == "Cross-domain integration checks"
    assert len(lines) == 19
    assert all(line.startswith("  ✓ ") for line in lines[1:-1])
    assert lines[-1].startswith("Total: 17 checks, 17 passed, 0 failed in ")
    assert done.stderr == ""
