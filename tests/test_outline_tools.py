"""The outline's developer tools, run from the repository root exactly as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run(command: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    """Run an outline command line, with ``python`` meaning this interpreter."""
    args = command.split()
    assert args[0] == "python"
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def test_boundary_violation_check_passes_on_the_repo() -> None:
    done = run(
        "python src/packages/deployment/scripts/boundary-violation-check.py src/packages "
        "--fail-on-violations"
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "boundaries intact" in done.stdout


def test_integration_test_passes() -> None:
    done = run("python src/packages/deployment/validation/simplified_integration_test.py")

    assert done.returncode == 0, done.stdout + done.stderr


def test_pre_commit_hook_installs_and_blocks_a_violation(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)

    installed = run("python src/packages/deployment/scripts/pre-commit-checks.py --install", repo)

    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (repo / ".git/hooks/pre-commit").is_file()
    assert sys.executable in (repo / ".git/hexagon-pre-commit.yaml").read_text()
    bad = repo / "src/packages/data/data_quality/application/shortcut.py"
    bad.write_text("from ai.machine_learning import services\n")
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    env = {**os.environ, "SKIP": "fast-tests", "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    commit = subprocess.run(
        [*git, "commit", "-qm", "shortcut"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert commit.returncode != 0
    assert "data/data_quality/application/shortcut.py:1" in commit.stdout + commit.stderr
