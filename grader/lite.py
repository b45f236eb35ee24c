"""The grader in the browser (JupyterLite, Pyodide): ``%%answer``, ``check()``, ``hint()``,
``progress()`` and ``download_submission()``, with nothing installed and no server.

The lite build rewrites each exercise notebook's first cell to::

    %pip install -q hexagon-course-lite
    %load_ext grader.lite
    from grader.lite import check, hint, progress, download_submission

Behaviour choices, stated once:

* ``%%answer`` is the server's own (:func:`grader.notebook.save_answer`): the workspace is
  ``./workspace`` beside the notebook, which in JupyterLite lives in the browser's storage,
  so answers survive a reload.
* ``check()`` is a **self-check**: the exercise's public tests run in this page with pytest
  (:class:`~grader.adapters.page_runner.InProcessRunner`) and the boundary contracts are
  checked with a pure-Python import graph (:mod:`deployment.boundaries.graph`); the grading
  use case and the result are the server's, and so is the look (:mod:`grader.notebook`'s
  renderer). Hidden tests never reach the browser; the learner's own tests and their
  coverage are measured when the work is graded, not here.
* ``download_submission()`` zips the answer files of every exercise worked on in this
  browser (as ``src/packages/<path>``), which ``grader grade`` and ``grader batch`` accept;
  it shows a download link and also saves the zip beside the notebook.
"""

from __future__ import annotations

import base64
import html
import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path

from deployment.boundaries import graph
from deployment.boundaries.config import load
from grader import api, notebook
from grader.adapters.check_view import check_html, check_text
from grader.adapters.reports import to_json
from grader.application.batch import grade_safely
from grader.configuration import App, build_in_page, locate_course
from grader.domain.exercise import PACKAGES
from grader.domain.result import GradeResult
from grader.errors import GraderError

SUBMISSION = "submission.zip"
SELF_CHECK = (
    "Self-check in your browser: the public tests and boundary checks ran in this page. "
    "Hidden tests never reach the browser; they run when your instructor grades your "
    "submission (download_submission())."
)

load_ipython_extension = notebook.load_ipython_extension  # the server's %%answer magic


_apps: dict[Path, App] = {}


def page_app(course: Path | None = None) -> App:
    """The grader wired for this page (cached per course: the page checks often)."""
    located = locate_course(course)
    if located.root not in _apps:
        roots = load(located.boundaries).root_packages
        _apps[located.root] = build_in_page(located, graph.run_contracts, roots)
    return _apps[located.root]


def self_check(exercise_id: str, workspace: Path, course: Path | None = None) -> GradeResult:
    """Public tests and boundary checks on the answers in ``workspace``, in this process.

    The learner's own tests (where the exercise scores them) are left to the grading.
    """
    wired = page_app(course)
    exercise = replace(wired.exercises.get(exercise_id), coverage=None)
    submission = wired.reader.read(workspace, [exercise], "you")
    return grade_safely(wired.grader, exercise, submission, include_hidden=False)


def _exercise_workspace(exercise_id: str) -> Path:
    """This notebook's workspace, or the one beside the exercise's own notebook."""
    here = Path.cwd()
    if os.environ.get(notebook.WORKSPACE_ENV) or here.name == exercise_id:
        return notebook.workspace()
    return here.parent / exercise_id / "workspace"


# ------------------------------------------------------------------ in the notebook


def check(exercise: str | None = None) -> None:
    """Run the public tests and boundary checks on your answers, here in the page."""
    exercise_id = notebook._exercise(exercise)
    try:
        result = self_check(exercise_id, notebook.workspace())
    except GraderError as error:
        print(f"check: {error}")
        return
    state = notebook._state(notebook.workspace())
    state.setdefault("checks", {})[exercise_id] = to_json(result)
    notebook._save_state(notebook.workspace(), state)
    shown = state.get("hints", {}).get(exercise_id, 0)
    view = api.check_view(page_app(), exercise_id, result, shown, here=Path.cwd())
    title, _, rest = SELF_CHECK.partition(": ")
    banner = (
        "<p class='self-check' style='margin:0 0 .5em;color:#57606a'>"
        f"🧪 <b>{html.escape(title)}</b>: {html.escape(rest)}</p>"
    )
    notebook._display(
        banner + check_html(result, view), f"{SELF_CHECK}\n{check_text(result, view)}"
    )


def hint(exercise: str | None = None) -> None:
    """Reveal the next hint of the exercise (they come one at a time)."""
    exercise_id = notebook._exercise(exercise)
    try:
        hints = page_app().exercises.get(exercise_id).hints
    except GraderError as error:
        print(f"hint: {error}")
        return
    state = notebook._state(notebook.workspace())
    shown = state.setdefault("hints", {}).get(exercise_id, 0)
    if not hints:
        print("This exercise has no hints.")
    elif shown >= len(hints):
        print(f"That was the last hint. Hint {len(hints)}: {hints[-1]}")
    else:
        print(f"Hint {shown + 1} of {len(hints)}: {hints[shown]}")
        state["hints"][exercise_id] = shown + 1
        notebook._save_state(notebook.workspace(), state)


def progress() -> None:
    """Where you stand: the last self-check of every exercise done in this browser."""
    for exercise_id in page_app().exercises.ids():
        last = notebook._state(_exercise_workspace(exercise_id)).get("checks", {})
        done = last.get(exercise_id)
        where = (
            f"{done['score']}/{done['max_score']}" + (" ✅" if done["full_marks"] else "")
            if done
            else "not checked yet"
        )
        print(f"{exercise_id:28} {where}")


def submission_zip() -> tuple[bytes, list[str]]:
    """The zip of every answer file saved in this browser, and the paths it holds."""
    buffer = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for exercise in page_app().exercises.all():
            folder = _exercise_workspace(exercise.id)
            for answer in exercise.answer_files:
                path = folder / answer
                if path.is_file() and f"{PACKAGES}/{answer}" not in names:
                    names.append(f"{PACKAGES}/{answer}")
                    archive.writestr(names[-1], path.read_text(encoding="utf-8"))
    return buffer.getvalue(), names


def download_submission(name: str = SUBMISSION) -> None:
    """Zip your answers for your instructor: a link to download, and a copy beside this
    notebook; ``grader grade`` and ``grader batch`` take the zip as it is."""
    data, names = submission_zip()
    if not names:
        print("Nothing to hand in yet: run your %%answer cells first.")
        return
    Path(name).write_bytes(data)
    listing = "".join(f"<li><code>{html.escape(n)}</code></li>" for n in names)
    link = (
        f"<a class='download-submission' download='{html.escape(name)}' "
        f"href='data:application/zip;base64,{base64.b64encode(data).decode()}'>"
        f"⬇ Download {html.escape(name)}</a>"
    )
    text = f"saved {name} beside this notebook with: " + ", ".join(names)
    notebook._display(
        f"<p>{link} ({len(data)} bytes), also saved beside this notebook. It holds:</p>"
        f"<ul>{listing}</ul><p>Hand it in; your instructor grades it with "
        "<code>grader grade</code> (hidden tests included).</p>",
        text,
    )
