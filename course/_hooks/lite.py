"""MkDocs hook: the course in the browser (``site/lite/``), JupyterLite with a Pyodide kernel.

After the site is built, this builds a JupyterLite app into ``<site>/lite/`` and reports
its size. It holds the walkthrough notebooks, every chapter as a notebook (converted with
jupytext), the exercises' release notebooks, statements and public tests, and one wheel,
``hexagon-course-lite``, with the learners' world, the grader and the course data the
self-check reads. Nothing under ``solutions/`` is ever read: no hidden test and no
reference answer can reach the browser.

Offline by construction: Pyodide's core is the npm package ``scripts/setup.sh`` fetched,
pinned and integrity-checked, served from ``lite/static/pyodide/``; its lock file is
rewritten to list only the wheel served beside it (micropip); every other wheel is served
from ``lite/pypi/``; the fallbacks to a package index or a CDN are switched off.

The JupyterLite output is cached in ``build/lite/`` and rebuilt only when one of its
inputs changed (a hash of them all); each site build copies it into place. Without the
set-up's downloads (no npm, no network at set-up) the hook says so and skips the app.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "lite"
PYODIDE = ROOT / ".venv/share/npm/pyodide"
WHEELS = ROOT / ".venv/share/lite-wheels"
KERNEL_EXTENSION = ROOT / ".venv/share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension"
DIST = "hexagon_course_lite"
VERSION = "0.1.0"
KERNEL_BOOT = ("micropip",)
REQUIRES = ("pytest", "coverage")  # what the kernel loads from Pyodide's lock before piplite
SKIP = {"__pycache__", ".ipynb_checkpoints", "workspace", ".egg-info"}
INSTALL = (
    "# In the browser: install the course's packages, served by this site (nothing from\n"
    "# elsewhere), and put the learners' world on the import path.\n"
    "%pip install -q hexagon-course-lite\n"
    "import hexagon_course"
)
EXERCISE_SETUP = (
    f"{INSTALL}\n"
    "%load_ext grader.lite\n"
    "from grader.lite import check, download_submission, hint, progress"
)
HAND_IN = (
    "# Hand in: download the zip of your answers and give it to your instructor, who grades\n"
    "# it with `grader grade` (hidden tests included).\n"
    "download_submission()"
)
COURSE_INIT = '''"""The course in this page: the learners' world on the import path, and the
grader's course (exercises, public tests, boundaries config)."""

import os
import sys
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).parent
if str(HERE / "src" / "packages") not in sys.path:
    sys.path.insert(0, str(HERE / "src" / "packages"))
os.environ.setdefault("GRADER_COURSE", str(HERE))
'''
log = logging.getLogger("mkdocs.hooks.lite")


def on_post_build(config: Any) -> None:
    missing = [
        str(p) for p in (PYODIDE / "pyodide.mjs", WHEELS / ".requirements") if not p.exists()
    ]
    if missing:
        log.warning("the in-browser course is not built: %s missing (run 'make setup')", missing)
        return
    built = build(CACHE)
    target = Path(config["site_dir"]) / "lite"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built, target)
    files = [p for p in target.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    log.info("in-browser course: %.1f MB in %d files (%s)", size / 1e6, len(files), target)


# ------------------------------------------------------------------ "Open in the browser"


def lite_path(src_uri: str) -> str | None:
    """The notebook in the lite app for a page of the site, if it has one."""
    if src_uri.startswith("exercises/") and src_uri.count("/") == 1:
        exercise = src_uri.removeprefix("exercises/").removesuffix(".md")
        wanted = f"exercises/{exercise}/{exercise}.ipynb"
        return wanted if wanted in exercise_files() else None
    wanted = f"course/{Path(src_uri).with_suffix('.ipynb').as_posix()}"
    return wanted if wanted in chapter_files() else None


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    target = lite_path(page.file.src_uri)
    if target is None:
        return html
    up = "../" * page.url.count("/")
    link = (
        f'<p class="open-in-browser"><a class="md-button" '
        f'href="{up}lite/notebooks/index.html?path={quote(target)}">Open in the browser</a> '
        "runs this page as a notebook in your browser: nothing to install.</p>"
    )
    head, found, rest = html.partition("</h1>")  # under the page's title
    return head + found + link + rest if found else link + html


# ------------------------------------------------------------------ inputs


def _files(folder: Path, suffixes: Iterable[str] | None = None) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(p in SKIP or p.endswith(".egg-info") for p in relative) or not path.is_file():
            continue
        if suffixes is None or path.suffix in suffixes or path.name.startswith("."):
            yield path


@functools.cache
def exercise_files() -> dict[str, Path]:
    """What a learner may see of each exercise: manifest, statement, notebook, public tests."""
    found: dict[str, Path] = {}
    for manifest in sorted((ROOT / "exercises").glob("*/exercise.toml")):
        folder = manifest.parent
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        wanted = [manifest, folder / "README.md", folder / data.get("notebook", "")]
        wanted += [folder / t for t in data.get("public_tests", [])]
        for path in wanted:
            if path.is_file():
                found[f"exercises/{folder.name}/{path.relative_to(folder).as_posix()}"] = path
    return found


@functools.cache
def chapter_files() -> dict[str, Path]:
    """The walkthrough notebooks and the Markdown chapters (not the API reference)."""
    course = ROOT / "course"
    found = {}
    for path in _files(course, {".md", ".ipynb"}):
        relative = path.relative_to(course)
        if relative.parts[0] in ("_hooks", "reference", "assets") or path.name.startswith("."):
            continue
        found[f"course/{relative.with_suffix('.ipynb').as_posix()}"] = path
    return found


def wheel_files() -> dict[str, bytes]:
    """The course wheel's files: the grader, and ``hexagon_course`` with the learners' world
    (``src/packages``) and the exercises (as released, public tests only)."""
    found: dict[str, bytes] = {}
    for path in _files(ROOT / "grader", {".py"}):
        found[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    packages = ROOT / "src/packages"
    for path in _files(packages, {".py", ".ini", ".toml"}):  # quiz/questions.toml: a bank
        if path.name.startswith(".") and path.name != ".importlinter":
            continue
        found[f"hexagon_course/src/packages/{path.relative_to(packages).as_posix()}"] = (
            path.read_bytes()
        )
    for name, path in exercise_files().items():
        found[f"hexagon_course/{name}"] = path.read_bytes()
    found["hexagon_course/__init__.py"] = COURSE_INIT.encode()
    return found


# ------------------------------------------------------------------ notebooks


def _cell(source: str, cell_type: str = "code") -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def exercise_notebook(text: str) -> str:
    """The release notebook for the browser: its set-up cell loads ``grader.lite``, and its
    grading cell (which needs the hidden tests) becomes the hand-in."""
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] != "code":
            continue
        if "%load_ext grader.notebook" in source:
            cell["source"] = EXERCISE_SETUP
        elif "autograde(" in source:
            cell["source"] = HAND_IN
            cell.get("metadata", {}).pop("nbgrader", None)
            cell["outputs"] = []
    return json.dumps(notebook, indent=1, ensure_ascii=False)


def chapter_notebook(path: Path) -> str:
    """A walkthrough, or a Markdown chapter through jupytext; first cell: the install."""
    import jupytext  # the docs build's own dependency

    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
    else:
        converted = jupytext.reads(path.read_text(encoding="utf-8"), fmt="md")
        notebook = json.loads(jupytext.writes(converted, fmt="ipynb"))
    notebook["cells"].insert(0, _cell(INSTALL))
    notebook.setdefault("metadata", {})["kernelspec"] = {
        "name": "python",
        "display_name": "Python (Pyodide)",
        "language": "python",
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False)


# ------------------------------------------------------------------ the build


def make_wheel(folder: Path, files: dict[str, bytes]) -> Path:
    """A pure-Python wheel of ``files``, reproducible (fixed dates, sorted entries)."""
    info = f"{DIST}-{VERSION}.dist-info"
    metadata = (
        f"Metadata-Version: 2.1\nName: hexagon-course-lite\nVersion: {VERSION}\n"
        "Summary: The course's learners' world, grader and exercises, for the browser\n"
        # What the self-check imports: pytest runs the tests, the grader imports coverage.
        + "".join(f"Requires-Dist: {name}\n" for name in REQUIRES)
    )
    wheel = (
        "Wheel-Version: 1.0\nGenerator: course/_hooks/lite.py\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )
    entries = {**files, f"{info}/METADATA": metadata.encode(), f"{info}/WHEEL": wheel.encode()}
    record = []
    for name, data in sorted(entries.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    entries[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    target = folder / f"{DIST}-{VERSION}-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(entries.items()):
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return target


def lite_config() -> dict[str, Any]:
    kernel = {
        # Relative to the app's page (lite/<app>/index.html): lite/static/pyodide/.
        "pyodideUrl": "../static/pyodide/pyodide.mjs",
        "disablePyPIFallback": True,
    }
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Cross-domain integration patterns",
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
        },
    }


def stage(folder: Path) -> tuple[Path, list[Path]]:
    """The JupyterLite build's inputs: its config, the contents and the wheels."""
    shutil.rmtree(folder, ignore_errors=True)
    contents = folder / "contents"
    for name, path in exercise_files().items():
        target = contents / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        target.write_text(
            exercise_notebook(text) if path.suffix == ".ipynb" else text, encoding="utf-8"
        )
    for name, path in chapter_files().items():
        target = contents / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(chapter_notebook(path), encoding="utf-8")
    (folder / "jupyter-lite.json").write_text(json.dumps(lite_config(), indent=1))
    wheels = [make_wheel(folder / "wheels", wheel_files())]
    wheels += sorted(p for p in WHEELS.glob("*.whl") if p.name.split("-")[0] not in KERNEL_BOOT)
    return contents, wheels


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    for path in (Path(__file__), PYODIDE / ".integrity", WHEELS / ".requirements"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build(cache: Path) -> Path:
    """The JupyterLite app in ``cache/out``, rebuilt when an input changed."""
    staged = cache / "src"
    contents, wheels = stage(staged)
    output = cache / "out"
    stamp = cache / "fingerprint"
    fingerprint = _fingerprint(staged)
    if output.is_dir() and stamp.is_file() and stamp.read_text() == fingerprint:
        return output
    shutil.rmtree(output, ignore_errors=True)
    command = [
        *(sys.executable, "-m", "jupyterlite_core", "build"),
        *("--lite-dir", str(staged), "--contents", str(contents), "--output-dir", str(output)),
        *("--apps", "notebooks", "--apps", "tree"),
        *("--no-sourcemaps", "--no-unused-shared-packages"),
        # Only the kernel's extension: not every JupyterLab extension of this environment.
        *("--ignore-sys-prefix", f"--LiteBuildConfig.federated_extensions={KERNEL_EXTENSION}"),
        *(arg for wheel in wheels for arg in ("--piplite-wheels", str(wheel))),
    ]
    env = {**os.environ, "JUPYTERLITE_NO_NETWORK": "1"}
    done = subprocess.run(command, cwd=staged, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"jupyter lite build failed:\n{(done.stdout + done.stderr)[-3000:]}")
    serve_pyodide(output / "static" / "pyodide")
    stamp.write_text(fingerprint)
    return output


def serve_pyodide(target: Path) -> None:
    """Pyodide's npm core, with the kernel's boot wheels beside it and a lock that lists
    exactly those (the npm lock names hundreds of packages the npm package does not ship).
    Its demo consoles (which load from a CDN) are left out."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        PYODIDE,
        target,
        ignore=shutil.ignore_patterns("*.map", "*.d.ts", ".integrity", "console*.html"),
    )
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text(encoding="utf-8"))
    packages = {}
    for name in KERNEL_BOOT:
        (wheel,) = WHEELS.glob(f"{name}-*.whl")
        shutil.copy(wheel, target / wheel.name)
        entry = dict(lock["packages"][name])
        version = wheel.name.split("-")[1]
        entry.update(
            file_name=wheel.name,
            version=version,
            sha256=hashlib.sha256(wheel.read_bytes()).hexdigest(),
            depends=[],
        )
        packages[name] = entry
    lock["packages"] = packages
    (target / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
