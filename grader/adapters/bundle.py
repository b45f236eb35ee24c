"""The learner bundle: everything a trainee needs, nothing an instructor keeps back.

It holds the kernel and the domains, the grader (for ``check()``), the released
exercises, the course and the set-up files; never ``solutions/``, the project's own
tests or benchmarks, nor anyone's workspace.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

INCLUDED = (
    "README.md",
    "Makefile",
    "pyproject.toml",
    "mkdocs.yml",
    "requirements",
    "scripts",
    "src/packages",
    "grader",
    "exercises",
    "course",
    "jupyter",  # make run's JupyterLab settings for trainees
    "jupytext.toml",  # how JupyterLab opens the chapters as notebooks
)
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", "workspace", ".pytest_cache"}
SKIPPED_SUFFIXES = (".pyc", ".egg-info")


def _files(root: Path) -> Iterator[Path]:
    for name in INCLUDED:
        path = root / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in candidates:
            relative = file.relative_to(root)
            if (
                file.is_file()
                and not file.is_symlink()
                and not SKIPPED_PARTS & set(relative.parts)
                and not any(part.endswith(SKIPPED_SUFFIXES) for part in relative.parts)
                and file.name != ".grader-state.json"
            ):
                yield relative


def build_bundle(root: Path, out: Path, prefix: str = "hexagon-course") -> list[str]:
    """Write the bundle to ``out`` (a .zip); returns the names it holds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in _files(root):
            name = f"{prefix}/{relative.as_posix()}"
            archive.write(root / relative, name)
            names.append(name)
    return names
