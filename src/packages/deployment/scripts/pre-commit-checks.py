"""The checks to run before every commit, and the git hook that runs them.

    python src/packages/deployment/scripts/pre-commit-checks.py --install   # install the hook
    python src/packages/deployment/scripts/pre-commit-checks.py             # run the checks now

The hook is managed by pre-commit with local hooks only (nothing is downloaded). Its
config is written into ``.git/`` because it names this machine's interpreter: the one
that ran ``--install``, so the hook uses the same environment from any shell.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HOOK_CONFIG = "hexagon-pre-commit.yaml"
BOUNDARY_CHECK = "src/packages/deployment/scripts/boundary-violation-check.py"

# id, name, arguments after the interpreter, whether it takes the staged file names
CHECKS = (
    (
        "boundaries",
        "domain boundaries",
        [BOUNDARY_CHECK, "src/packages", "--fail-on-violations"],
        False,
    ),
    ("ruff", "ruff lint", ["-m", "ruff", "check", "--force-exclude"], True),
    (
        "fast-tests",
        "fast tests",
        ["-m", "pytest", "-q", "-x", "-m", "not slow", "-p", "no:cacheprovider"],
        False,
    ),
)


def repo_root() -> Path:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        sys.exit("pre-commit-checks: run this inside the project's git checkout")
    return Path(out.stdout.strip())


def hook_config(python: str) -> str:
    lines = [
        "# Written by pre-commit-checks.py --install; local hooks, no downloads.",
        "repos:",
        "  - repo: local",
        "    hooks:",
    ]
    for check_id, name, args, takes_files in CHECKS:
        entry = " ".join([python, *args])
        lines += [
            f"      - id: {check_id}",
            f"        name: {name}",
            f"        entry: {entry}",
            "        language: system",
            "        types: [python]",
            f"        pass_filenames: {'true' if takes_files else 'false'}",
        ]
    return "\n".join(lines) + "\n"


def install(root: Path) -> int:
    config = root / ".git" / HOOK_CONFIG
    config.write_text(hook_config(sys.executable), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--config", str(config)],
        cwd=root,
        check=False,
    )
    if result.returncode == 0:
        print(f"pre-commit hook installed; it runs: {', '.join(c[1] for c in CHECKS)}")
    return result.returncode


def run_all(root: Path) -> int:
    failed = []
    for check_id, name, args, takes_files in CHECKS:
        command = [sys.executable, *args, *(["."] if takes_files else [])]
        print(f"── {name}", flush=True)
        if subprocess.run(command, cwd=root, check=False).returncode != 0:
            failed.append(check_id)
    print("all checks passed" if not failed else f"failed: {', '.join(failed)}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="pre-commit-checks", description=__doc__.split("\n")[0])
    parser.add_argument("--install", action="store_true", help="install the git pre-commit hook")
    args = parser.parse_args()
    root = repo_root()
    return install(root) if args.install else run_all(root)


if __name__ == "__main__":
    sys.exit(main())
