"""Loads ``exercises/<id>/exercise.toml`` into an :class:`Exercise`, strictly.

Unknown keys are errors (a typo must not silently drop a limit), and every error names
the file and the field.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from grader.adapters.notebooks import NotebookError, answer_cells
from grader.domain.draw import Bank, Question
from grader.domain.exercise import ContractMode, ContractRule, CoverageRule, Exercise, Limits
from grader.errors import ManifestError, UnknownExercise

MANIFEST = "exercise.toml"
TOP_KEYS = {
    "id",
    "title",
    "points",
    "section",
    "answer_files",
    "public_tests",
    "hidden_tests",
    "hints",
    "limits",
    "contracts",
    "notebook",
    "coverage",
    "draw",
}
LIMIT_KEYS = {f for f in Limits.__dataclass_fields__}
CONTRACT_KEYS = {"id", "mode", "points"}
COVERAGE_KEYS = {"tests", "tiers"}
DRAW_KEYS = {"bank", "per_topic", "seed"}
QUESTION_KEYS = {"id", "topic", "prompt", "options"}
QUESTION_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LETTERS = "abcdefgh"


class _Reader:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, field: str | None, problem: str) -> ManifestError:
        return ManifestError(self.path, field, problem)

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.fail(
                prefix + extra[0], f"unknown key; allowed: {', '.join(sorted(allowed))}"
            )

    def text(self, field: str, required: bool = True) -> str:
        value = self.data.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def texts(self, field: str, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(field, f"must be a list of non-empty strings, got {value!r}")
        if required and not value:
            raise self.fail(field, "must name at least one entry")
        return tuple(value)

    def points(self, field: str, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"must be a number, got {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - str() of a float is always valid
            raise self.fail(field, f"must be a number, got {value!r}") from None
        if not number.is_finite() or number < 0:  # TOML allows nan and inf
            raise self.fail(field, f"must be a finite number, 0 or more, got {value!r}")
        return number


def _toml(path: Path) -> dict[str, Any]:
    """A TOML file's table, or a ManifestError naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(path, None, "no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ManifestError(path, None, f"not valid TOML ({error})") from None


def _relative(reader: _Reader, field: str, value: str, suffix: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or not value.endswith(suffix):
        raise reader.fail(field, f"{value!r} must be a relative path ending in {suffix}, no '..'")
    return path.as_posix()


def load_manifest(
    folder: Path,
    solutions: Path | None,
    known_contracts: Iterable[str] = (),
    packages: Path | None = None,
) -> Exercise:
    """Read ``folder/exercise.toml``; hidden tests resolve under ``solutions/<id>``, a
    question bank under ``packages`` (default: the course's ``src/packages``)."""
    folder = folder.resolve()
    path = folder / MANIFEST
    data = _toml(path)
    reader = _Reader(path, data)
    reader.unknown(data, TOP_KEYS)
    exercise_id = reader.text("id")
    if exercise_id != folder.name:
        raise reader.fail("id", f"is {exercise_id!r} but the folder is {folder.name!r}")
    solution_folder = (
        solutions / exercise_id if solutions and (solutions / exercise_id).is_dir() else None
    )

    def files(field: str, base: Path | None, must_exist: bool) -> tuple[Path, ...]:
        found = []
        for name in reader.texts(field, required=field == "public_tests"):
            relative = _relative(reader, field, name, ".py")
            if base is None:
                continue  # hidden tests in a checkout without solutions/: nothing to run
            full = base / relative
            if must_exist and not full.is_file():
                raise reader.fail(field, f"{full} does not exist")
            found.append(full)
        return tuple(found)

    answer_files = tuple(
        _relative(reader, "answer_files", a, ".py") for a in reader.texts("answer_files", True)
    )
    notebook, starter = _starter(reader, folder, answer_files)
    return Exercise(
        id=exercise_id,
        title=reader.text("title"),
        points=reader.points("points", data.get("points")),
        answer_files=answer_files,
        public_tests=files("public_tests", folder, True),
        hidden_tests=files("hidden_tests", solution_folder, True),
        contracts=_contracts(reader, set(known_contracts)),
        limits=_limits(reader),
        hints=reader.texts("hints"),
        section=reader.text("section", required=False),
        folder=folder,
        solution_folder=solution_folder,
        notebook=notebook,
        starter=starter,
        coverage=_coverage(reader, answer_files),
        draw=_draw(reader, packages or folder.parents[1] / "src" / "packages"),
    )


def _starter(
    reader: _Reader, folder: Path, answer_files: tuple[str, ...]
) -> tuple[Path | None, dict[str, str]]:
    """The release notebook and its answer cells: what a learner starts from."""
    name = reader.text("notebook", required=False)
    if not name:
        return None, {}
    path = folder / _relative(reader, "notebook", name, ".ipynb")
    try:
        cells, problems = answer_cells(path.read_bytes(), path.name)
    except (OSError, NotebookError) as error:
        raise reader.fail("notebook", f"cannot be read: {error}") from None
    starter = {c.path: c.source for c in sorted(cells, key=lambda c: c.order)}
    stray = sorted(set(starter) - set(answer_files)) + problems
    if stray:
        raise reader.fail("notebook", f"has answer cells for files not in answer_files: {stray}")
    return path, starter


def _limits(reader: _Reader) -> Limits:
    table = reader.data.get("limits", {})
    if not isinstance(table, dict):
        raise reader.fail("limits", "must be a table")
    reader.unknown(table, LIMIT_KEYS, "limits.")
    values: dict[str, Any] = {}
    for key, value in table.items():
        default = getattr(Limits, key)
        cast: Callable[[Any], Any] = type(default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise reader.fail(f"limits.{key}", f"must be a finite positive number, got {value!r}")
        if cast is int and not float(value).is_integer():
            raise reader.fail(f"limits.{key}", f"must be a whole number, got {value!r}")
        values[key] = cast(value)
    return Limits(**values)


def _contracts(reader: _Reader, known: set[str]) -> tuple[ContractRule, ...]:
    entries = reader.data.get("contracts", [])
    if not isinstance(entries, list):
        raise reader.fail("contracts", "must be an array of tables ([[contracts]])")
    rules = []
    for index, entry in enumerate(entries):
        field = f"contracts[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(field, "must be a table with id, mode and points")
        reader.unknown(entry, CONTRACT_KEYS, field + ".")
        contract_id = entry.get("id")
        if not isinstance(contract_id, str) or (known and contract_id not in known):
            listing = ", ".join(sorted(known))
            raise reader.fail(
                f"{field}.id", f"{contract_id!r} is not a known check; known: {listing}"
            )
        try:
            mode = ContractMode(entry.get("mode", "gate"))
        except ValueError:
            raise reader.fail(f"{field}.mode", "must be 'gate' or 'points'") from None
        points = reader.points(f"{field}.points", entry.get("points", 0))
        if mode is ContractMode.GATE and points:
            raise reader.fail(f"{field}.points", "a gate earns no points; use mode = 'points'")
        rules.append(ContractRule(contract_id, mode, points))
    return tuple(rules)


def _optional_table(reader: _Reader, name: str, allowed: set[str]) -> dict[str, Any] | None:
    """The manifest's ``[name]`` table, None when absent; only ``allowed`` keys."""
    table = reader.data.get(name)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise reader.fail(name, f"must be a table with {', '.join(sorted(allowed))}")
    reader.unknown(table, allowed, name + ".")
    return table


def _coverage(reader: _Reader, answer_files: tuple[str, ...]) -> CoverageRule | None:
    """``[coverage]``: the learner's test files (answer files too) and the tiers they earn."""
    table = _optional_table(reader, "coverage", COVERAGE_KEYS)
    if table is None:
        return None
    tests = _Reader(reader.path, table).texts("tests", required=True)
    for test in tests:
        if test not in answer_files:
            raise reader.fail("coverage.tests", f"{test!r} must be one of the answer_files")
        if not PurePosixPath(test).name.startswith("test_"):
            raise reader.fail("coverage.tests", f"{test!r}: a test file's name starts with test_")
    if set(tests) == set(answer_files):
        raise reader.fail("coverage.tests", "leaves no answer file whose coverage to measure")
    tiers = table.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        raise reader.fail("coverage.tiers", "must be a list of [percent, points] pairs")
    parsed: list[tuple[Decimal, Decimal]] = []
    for index, tier in enumerate(tiers):
        field = f"coverage.tiers[{index}]"
        if not isinstance(tier, list) or len(tier) != 2:
            raise reader.fail(field, f"must be a [percent, points] pair, got {tier!r}")
        percent, points = (reader.points(field, value) for value in tier)
        if not 0 < percent <= 100 or not points:
            raise reader.fail(field, "needs a percent in (0, 100] and points above 0")
        if parsed and (percent <= parsed[-1][0] or points <= parsed[-1][1]):
            raise reader.fail(field, "percents and points must both rise from tier to tier")
        parsed.append((percent, points))
    return CoverageRule(tests, tuple(parsed))


def _draw(reader: _Reader, packages: Path) -> Bank | None:
    """``[draw]``: grade each learner on questions drawn from a bank (see domain/draw.py)."""
    table = _optional_table(reader, "draw", DRAW_KEYS)
    if table is None:
        return None
    inner = _Reader(reader.path, table)
    path = packages / _relative(reader, "draw.bank", inner.text("bank"), ".toml")
    per_topic = table.get("per_topic", 1)
    if isinstance(per_topic, bool) or not isinstance(per_topic, int) or per_topic < 1:
        raise reader.fail("draw.per_topic", f"must be a whole number, 1 or more, got {per_topic!r}")
    seed = table.get("seed", "")
    if not isinstance(seed, str):
        raise reader.fail("draw.seed", f"must be a string, got {seed!r}")
    bank = Bank(load_bank(path), per_topic, seed)
    thin = [t for t in bank.topics if sum(q.topic == t for q in bank.questions) < per_topic]
    if thin:
        raise reader.fail("draw.per_topic", f"topic {thin[0]!r} has fewer questions than that")
    return bank


def load_bank(path: Path) -> tuple[Question, ...]:
    """The ``[[question]]`` entries of a bank file: id, topic, prompt, options (lettered
    a, b, ... in their order). Ids are unique, lower-case words joined by ``-``."""
    data = _toml(path)
    reader = _Reader(path, data)
    reader.unknown(data, {"question"})
    entries = data.get("question")
    if not isinstance(entries, list) or not entries:
        raise reader.fail("question", "must be an array of tables ([[question]])")
    questions: list[Question] = []
    for index, entry in enumerate(entries):
        field = f"question[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(field, "must be a table with id, topic, prompt and options")
        reader.unknown(entry, QUESTION_KEYS, field + ".")
        inner = _Reader(path, entry)
        question_id = inner.text("id")
        if not QUESTION_ID.fullmatch(question_id):
            raise reader.fail(f"{field}.id", f"{question_id!r}: use lower-case words and '-'")
        if any(q.id == question_id for q in questions):
            raise reader.fail(f"{field}.id", f"{question_id!r} is used twice")
        options = inner.texts("options", required=True)
        if not 2 <= len(options) <= len(LETTERS):
            raise reader.fail(f"{field}.options", f"needs 2 to {len(LETTERS)} options")
        questions.append(
            Question(
                question_id,
                inner.text("topic"),
                inner.text("prompt"),
                tuple(zip(LETTERS, options, strict=False)),
            )
        )
    return tuple(questions)


class ExerciseFolder:
    """The exercises of a course checkout: ``exercises/<id>/exercise.toml`` each."""

    def __init__(self, exercises: Path, solutions: Path | None, known_contracts: Iterable[str]):
        self.exercises = exercises
        self.solutions = solutions if solutions and solutions.is_dir() else None
        self.known_contracts = tuple(known_contracts)

    def ids(self) -> list[str]:
        return sorted(p.parent.name for p in self.exercises.glob(f"*/{MANIFEST}"))

    def get(self, exercise_id: str) -> Exercise:
        folder = self.exercises / exercise_id
        if "/" in exercise_id or not (folder / MANIFEST).is_file():
            raise UnknownExercise(exercise_id, self.ids())
        return load_manifest(folder, self.solutions, self.known_contracts)

    def all(self) -> list[Exercise]:
        return [self.get(i) for i in self.ids()]


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def reference_answers(exercise: Exercise) -> dict[str, str] | None:
    """The reference answers: ``solutions/<id>/reference/<path>`` files, else the answer
    cells of the nbgrader source notebook with the solution markers taken out."""
    if exercise.solution_folder is None:
        return None
    folder = exercise.solution_folder / "reference"
    if folder.is_dir():
        found = {
            a: (folder / a).read_text(encoding="utf-8")
            for a in exercise.answer_files
            if (folder / a).is_file()
        }
        return found
    if exercise.notebook is None:
        return None
    source = exercise.solution_folder / exercise.notebook.name
    if not source.is_file():
        return None
    cells, _ = answer_cells(source.read_bytes(), source.name)
    return {
        cell.path: "".join(
            line
            for line in cell.source.splitlines(keepends=True)
            if line.strip() not in SOLUTION_MARKERS
        )
        for cell in sorted(cells, key=lambda c: c.order)
    }


def explanations(exercise: Exercise) -> str:
    """What the instructor explains once the work is graded (``solutions/<id>/explanations.md``)."""
    if exercise.solution_folder is None:
        return ""
    path = exercise.solution_folder / "explanations.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
