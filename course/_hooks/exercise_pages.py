"""MkDocs hook: the "Exercises" section, generated from ``exercises/*/``.

Each exercise folder with an ``exercise.toml`` becomes one page: its title, its points,
the course section to read first, and its statement (the folder's ``README.md``). Only
those two files are read, and only from ``exercises/``, plus, for an exercise that draws
its questions from a bank (``[draw]``), that public bank under ``src/packages`` (prompts
and options: it holds no answers); nothing under ``solutions/`` is ever opened, so no
reference answer or hidden test can reach the site. With no exercise yet, the section
is one index page that says so.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

SECTION = "Exercises"
FOLDER = "exercises"
# [text](target) or ![alt](target), for targets that are not URLs or anchors
RELATIVE_LINK = re.compile(r"(!?)\[([^\]]*)\]\((?!https?:|mailto:|#)([^)\s]+)\)")


@dataclass(frozen=True)
class ExercisePage:
    id: str
    title: str
    points: float
    section: str  # what to read first, as the manifest says it ("course/x.md")
    statement: str
    bank: tuple[dict[str, Any], ...] = ()  # the [[question]] entries of a [draw] bank

    @property
    def uri(self) -> str:
        return f"{FOLDER}/{self.id}.md"


def find_exercises(exercises: Path) -> list[ExercisePage]:
    """Every ``exercises/<id>/`` with a manifest, sorted by id."""
    pages = []
    for manifest in sorted(exercises.glob("*/exercise.toml")):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        statement = manifest.parent / "README.md"
        draw = data.get("draw") or {}
        bank_file = exercises.parent / "src" / "packages" / str(draw.get("bank", ""))
        bank = (
            tomllib.loads(bank_file.read_text(encoding="utf-8")).get("question", [])
            if draw and bank_file.is_file()
            else []
        )
        pages.append(
            ExercisePage(
                id=manifest.parent.name,
                title=str(data.get("title") or manifest.parent.name),
                points=float(data.get("points", 0)),
                section=str(data.get("section", "")),
                statement=statement.read_text(encoding="utf-8") if statement.is_file() else "",
                bank=tuple(bank),
            )
        )
    return pages


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _read_first(page: ExercisePage, docs: Path) -> str:
    """A link to the section, titled as its page, when it is a page of this site."""
    relative = page.section.removeprefix("course/")
    target = docs / relative
    if relative and target.is_file():
        lines = target.read_text(encoding="utf-8").splitlines()
        heads = [line[2:].strip() for line in lines if line.startswith("# ")]
        return f"[{heads[0] if heads else relative}](../{relative})"
    return f"`{page.section}`" if page.section else "the course chapters"


def _statement(page: ExercisePage) -> str:
    """The README without its title and its own "**Points:**" line (the page shows
    both from the manifest), headings one level down, local links as plain paths."""
    lines = page.statement.strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    while lines and not lines[0].strip():
        lines = lines[1:]
    if lines and lines[0].startswith("**Points:**"):
        while lines and lines[0].strip():  # that whole paragraph
            lines = lines[1:]
    text = "\n".join("#" + line if line.startswith("#") else line for line in lines).strip()

    def local(match: re.Match[str]) -> str:
        image, label, target = match.groups()
        path = f"`{FOLDER}/{page.id}/{target}`"
        return f"{label} ({path})" if not image else f"(image: {path})"

    return RELATIVE_LINK.sub(local, text) or "*This exercise has no statement yet.*"


def bank_markdown(bank: tuple[dict[str, Any], ...]) -> str:
    """The bank's questions by topic, with their lettered options (and no answers)."""
    if not bank:
        return ""
    parts = [
        f"## The question bank\n\nEach learner is graded on one question of each topic, "
        f"drawn by their learner id from these {len(bank)}.\n"
    ]
    topic = None
    for question in bank:
        if question["topic"] != topic:
            topic = question["topic"]
            parts.append(f"### {topic}\n")
        options = "\n".join(
            f"    {letter}) {option}"
            for letter, option in zip("abcdefgh", question["options"], strict=False)
        )
        parts.append(f"`{question['id']}` {question['prompt']}\n\n{options}\n")
    return "\n".join(parts) + "\n"


def exercise_markdown(page: ExercisePage, docs: Path) -> str:
    return (
        f"# {page.title}\n\n"
        f"**{_points(page.points)}** · exercise id `{page.id}` · "
        f"read first: {_read_first(page, docs)}\n\n"
        f"{_statement(page)}\n\n"
        f"{bank_markdown(page.bank)}"
        "---\n\n"
        f"Open the exercise's notebook from `{FOLDER}/{page.id}/` in JupyterLab "
        "(`make run`), and check your work from the repository root with "
        f"`.venv/bin/grader check {page.id}` (its `workspace/`, which the notebook's "
        f"`%%answer` cells fill), or `.venv/bin/grader watch {page.id}` to check again "
        "on every save.\n"
    )


def index_markdown(pages: list[ExercisePage]) -> str:
    head = "# Exercises\n\n"
    if not pages:
        return head + (
            "There is no exercise in this course yet: the `exercises/` folder holds no "
            "`exercise.toml`. Exercises appear here as soon as they are added, each with "
            "its statement, its points and the chapter to read first.\n"
        )
    rows = "\n".join(f"| [{p.title}]({p.id}.md) | `{p.id}` | {p.points:g} |" for p in pages)
    return head + (
        "Each exercise is a notebook you solve in JupyterLab; `.venv/bin/grader check <id>` runs "
        "its public tests on your work, and the hidden tests run when it is graded.\n\n"
        f"| exercise | id | points |\n|---|---|---:|\n{rows}\n"
    )


def _exercises(config: Any) -> list[ExercisePage]:
    return find_exercises(Path(config["config_file_path"]).parent / FOLDER)


def on_config(config: Any) -> Any:
    """Fill the nav's Exercises section with the generated pages."""
    children: list[Any] = [f"{FOLDER}/index.md"]
    children += [{page.title: page.uri} for page in _exercises(config)]
    for position, item in enumerate(config["nav"] or []):
        if isinstance(item, dict) and SECTION in item:
            config["nav"][position] = {SECTION: children}
    return config


def on_files(files: Files, config: Any) -> Files:
    pages = _exercises(config)
    docs = Path(config["docs_dir"])
    files.append(File.generated(config, f"{FOLDER}/index.md", content=index_markdown(pages)))
    for page in pages:
        files.append(File.generated(config, page.uri, content=exercise_markdown(page, docs)))
    return files
