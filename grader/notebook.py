"""The grader in Jupyter: the ``%%answer`` cell magic, ``check()``, ``hint()``, ``progress()``.

Load it in the first cell of an exercise notebook::

    %load_ext grader.notebook
    from grader.notebook import check, hint, progress

Behaviour choices, stated once:

* ``%%answer <path>`` saves the cell as that module in the workspace
  (``$HEXAGON_WORKSPACE``, else ``./workspace`` beside the notebook), makes it
  importable under its dotted name, and imports it afresh, so the next cells use the
  new code. An error in it is shown in one line, not as a traceback. A file named
  ``test_*.py`` holds the learner's own tests: it is saved, not imported; ``check()``
  runs it.
* ``check()`` runs the exercise's public tests and boundary checks on the workspace in
  a separate process (the same grader instructors use) and shows what failed and why.
  Hidden tests run only when the work is graded.
* ``check()``, ``hint()`` and ``progress()`` show their results and return nothing, so a
  cell ends without a repr; use :mod:`grader.api` for the typed results.
* ``autograde()`` grades only inside ``nbgrader autograde``; run anywhere else it says
  so and shows nothing of the hidden tests.
* ``hint()`` reveals the exercise's hints one at a time; ``progress()`` shows the last
  check of every exercise.
* ``questions("your-id")`` shows the questions drawn for you in an exercise that grades
  a per-learner draw from a question bank (exercise 05).
* The exercise is the notebook's folder name unless given.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import io
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from grader import api
from grader.adapters.check_view import CheckView, check_html, check_text
from grader.adapters.notebooks import answer_path
from grader.adapters.reports import after_grading, to_json
from grader.domain.draw import draw

WORKSPACE_ENV = "HEXAGON_WORKSPACE"
STATE = ".grader-state.json"
GRADING_ENV = "NBGRADER_EXECUTION"  # set by nbgrader while it autogrades
NOT_HERE = (
    "Your instructor grades this cell with nbgrader, hidden tests included.\n"
    "Run check() above for the public tests; nothing here counts yet."
)


def workspace() -> Path:
    return Path(os.environ.get(WORKSPACE_ENV) or Path.cwd() / "workspace")


def _exercise(exercise: str | None) -> str:
    return exercise or Path.cwd().name


def _state(folder: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded


def _save_state(folder: Path, state: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE).write_text(json.dumps(state, indent=1), encoding="utf-8")


# ------------------------------------------------------------------ the %%answer magic


def save_answer(path_line: str, source: str) -> str:
    """Write an answer cell into the workspace and import it; returns one status line."""
    path = answer_path(path_line)
    if path is None:
        return f"'%%answer {path_line.strip()}' must name a .py file under src/packages"
    target = workspace() / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    if Path(path).name.startswith("test_"):  # the learner's own tests: the grader runs them
        return f"saved {path}; check() runs these tests and measures what they cover"
    module = path[: -len(".py")].replace("/", ".")
    try:
        _import_fresh(module, target.parent)
    except Exception as error:  # the learner's code: one readable line, no traceback
        line = _line_of(error, target)
        return f"saved {path}, but importing it failed: {type(error).__name__}: {error}{line}"
    return f"saved {path} and imported {module}"


def _import_fresh(module: str, folder: Path) -> None:
    parent_name, _, _ = module.rpartition(".")
    if parent_name:
        parent = importlib.import_module(parent_name)
        search = getattr(parent, "__path__", None)
        if search is not None and str(folder) not in list(search):
            search.insert(0, str(folder))  # the workspace copy wins over the repository
    importlib.invalidate_caches()
    sys.modules.pop(module, None)
    importlib.import_module(module)


def _line_of(error: BaseException, target: Path) -> str:
    if isinstance(error, SyntaxError) and error.lineno:
        return f" (line {error.lineno})"
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename) == target:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f" (line {line})" if line else ""


def load_ipython_extension(ipython: Any) -> None:
    def answer(line: str, cell: str) -> None:
        print(save_answer(line, cell))

    ipython.register_magic_function(answer, magic_kind="cell", magic_name="answer")


# ------------------------------------------------------------------ check, hint, progress


def check(exercise: str | None = None) -> None:
    """Run the public tests and boundary checks on your answers, and show the outcome."""
    exercise_id = _exercise(exercise)
    state = _state(workspace())
    shown = state.get("hints", {}).get(exercise_id, 0)
    checked = api.checked(api.app(), exercise_id, workspace(), shown, here=Path.cwd())
    state.setdefault("checks", {})[exercise_id] = to_json(checked.result)
    _save_state(workspace(), state)
    _display(check_html(checked.result, checked.view), check_text(checked.result, checked.view))


def hint(exercise: str | None = None) -> None:
    """Reveal the next hint of the exercise (they come one at a time)."""
    exercise_id = _exercise(exercise)
    hints = api.app().exercises.get(exercise_id).hints
    state = _state(workspace())
    shown = state.setdefault("hints", {}).get(exercise_id, 0)
    if not hints:
        text = "This exercise has no hints."
    elif shown >= len(hints):
        text = f"That was the last hint. Hint {len(hints)}: {hints[-1]}"
    else:
        text = f"Hint {shown + 1} of {len(hints)}: {hints[shown]}"
        state["hints"][exercise_id] = shown + 1
        _save_state(workspace(), state)
    print(text)


def progress() -> None:
    """Where you stand: the last check of every exercise, from its workspace."""
    wired = api.app()
    rows: dict[str, str] = {}
    for exercise_id in wired.exercises.ids():
        folder = Path(
            os.environ.get(WORKSPACE_ENV) or wired.course.exercises / exercise_id / "workspace"
        )
        last = _state(folder).get("checks", {}).get(exercise_id)
        rows[exercise_id] = (
            f"{last['score']}/{last['max_score']}"
            + (" ✓ all public tests pass" if last["full_marks"] else "")
            if last
            else "not checked yet"
        )
    for exercise_id, where in rows.items():
        print(f"{exercise_id:28} {where}")


LEARNER_ENV = ("GRADER_LEARNER", "JUPYTERHUB_USER")


def questions(learner: str | None = None, exercise: str | None = None) -> None:
    """Show the questions ``learner`` is graded on, in an exercise that draws them from a
    bank. The id must be the one your instructor grades you under (your submission's
    name); without one, ``$GRADER_LEARNER`` or ``$JUPYTERHUB_USER`` is used."""
    exercise_id = _exercise(exercise)
    bank = api.app().exercises.get(exercise_id).draw
    who = learner or next((os.environ[v] for v in LEARNER_ENV if os.environ.get(v)), "")
    if bank is None:
        print(f"{exercise_id} does not draw questions: every learner answers the same ones.")
        return
    if not who.strip():
        print('Give your learner id, as your instructor grades you: questions("your-id").')
        return
    drawn = draw(bank, who.strip())
    text = [f"Your {len(drawn)} questions, {who.strip()}:"]
    markup = [f"<p>Your {len(drawn)} questions, <b>{html.escape(who.strip())}</b>:</p><ol>"]
    for question in drawn:
        options = "  ".join(f"{letter}) {option}" for letter, option in question.options)
        text.append(f'"{question.id}" ({question.topic}): {question.prompt}\n    {options}')
        items = "".join(
            f"<li>{letter}) {html.escape(option)}</li>" for letter, option in question.options
        )
        markup.append(
            f'<li><code>"{question.id}"</code> <i>{html.escape(question.topic)}</i><br>'
            f"<b>{html.escape(question.prompt)}</b><ul style='list-style:none'>{items}</ul></li>"
        )
    _display("".join(markup) + "</ol>", "\n".join(text))


def autograde(exercise: str) -> float | None:
    """For nbgrader test cells: grade this notebook's answers, hidden tests included.

    Only inside ``nbgrader autograde`` (``$NBGRADER_EXECUTION`` is ``autograde``): there
    it returns the score, which nbgrader records as the cell's partial credit. Anywhere
    else (Run All Cells on the learner's machine, nbgrader's Validate) it says that the
    instructor grades this cell and returns None: no hidden test's title, no second score.
    """
    if os.environ.get(GRADING_ENV) != "autograde":
        print(NOT_HERE)
        return None
    # nbgrader gives 0 to a grade cell that wrote to stderr: keep stray warnings out.
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (result,) = api.grade(exercise, workspace(), learner=nbgrader_student())
        _, explained_all = api.feedback(api.app().exercises.get(exercise))
        explained = after_grading(explained_all, result)
    print(check_text(result, CheckView()))
    if explained:
        print("\n" + explained)
    return float(result.score)


def nbgrader_student(folder: Path | None = None) -> str:
    """The learner's id under ``nbgrader autograde``, which runs each notebook in
    ``autograded/<student>/<assignment>/``; ``"notebook"`` anywhere else. Exercises that
    draw questions per learner need it to grade the learner's own draw."""
    here = (folder or Path.cwd()).resolve()
    return here.parent.name if here.parent.parent.name == "autograded" else "notebook"


# ------------------------------------------------------------------ rendering


def _display(markup: str, text: str) -> None:
    try:
        from IPython.display import HTML, display
    except ImportError:  # plain Python: print instead
        print(text)
        return
    if getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)() is None:
        print(text)
    else:
        display(HTML(markup))  # type: ignore[no-untyped-call]
