"""``grader``: check, grade, batch and validate from the command line.

Bad input is reported in one sentence on stderr with exit status 2, never as a
traceback; ``check`` exits 1 when public tests or checks fail, so it can gate CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from grader.adapters.audit_files import audit_marks
from grader.adapters.audit_report import audit_html, audit_json, show_audit
from grader.adapters.bundle import build_bundle
from grader.adapters.gradebook import NbgraderGradebook
from grader.adapters.manifest import explanations, reference_answers
from grader.adapters.output_folder import OutputFolder, safe_name, write_atomically
from grader.adapters.reports import to_gradescope, to_html, to_json, to_junit
from grader.adapters.terminal import show
from grader.application.audit import audit_all
from grader.application.batch import distinct_learners, grade_safely, run_batch
from grader.application.validation import validate
from grader.configuration import App, build, locate_course
from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from grader.errors import GraderError

FORMATS = ("json", "gradescope", "junit", "html")


def _exercises(app: App, which: str) -> list[Exercise]:
    return app.exercises.all() if which == "all" else [app.exercises.get(which)]


def cmd_check(app: App, args: argparse.Namespace, console: Console) -> int:
    exercise = app.exercises.get(args.exercise)
    workspace = Path(args.workspace) if args.workspace else app.course.packages
    submission = app.reader.read(workspace, [exercise], "you")
    result = grade_safely(app.grader, exercise, submission, include_hidden=False)
    hint = exercise.hints[0] if exercise.hints and not result.full_marks else None
    show(console, result, hint)
    console.print("[dim]Hidden tests run when your work is graded.[/]")
    return 0 if result.full_marks else 1


def cmd_grade(app: App, args: argparse.Namespace, console: Console) -> int:
    exercises = _exercises(app, args.exercise)
    whole = app.reader.read(Path(args.submission), exercises, args.learner)
    results: list[GradeResult] = []
    for exercise in exercises:
        result = grade_safely(app.grader, exercise, whole, include_hidden=True)
        results.append(result)
        show(console, result)
        if args.out:
            _write(Path(args.out), result, args.format, exercise)
    if args.out and "junit" in args.format:
        write_atomically(Path(args.out) / "junit.xml", to_junit(results))
    return 0


def _write(out: Path, result: GradeResult, formats: Sequence[str], exercise: Exercise) -> None:
    stem = out / safe_name(result.exercise)
    if "json" in formats:
        write_atomically(stem.with_suffix(".json"), json.dumps(to_json(result), indent=2) + "\n")
    if "gradescope" in formats:
        write_atomically(
            out / f"{safe_name(result.exercise)}.gradescope.json",
            json.dumps(to_gradescope(result), indent=2) + "\n",
        )
    if "html" in formats:
        page = to_html(result, exercise.hints, explanations(exercise))
        write_atomically(stem.with_suffix(".html"), page)


def cmd_batch(app: App, args: argparse.Namespace, console: Console) -> int:
    folder = Path(args.submissions)
    if not folder.is_dir():
        raise GraderError(f"{folder} is not a folder of submissions")
    exercises = (
        [app.exercises.get(e) for e in args.exercise] if args.exercise else app.exercises.all()
    )
    out = OutputFolder(
        Path(args.out),
        {e.id: e.hints for e in exercises},
        {e.id: explanations(e) for e in exercises},
    )
    app = build(app.course, workspace_base=out.work)
    by_id = {e.id: e for e in exercises}
    gradebook = NbgraderGradebook(args.gradebook) if args.gradebook else None

    def save(result: GradeResult) -> None:
        out.save(result)
        if gradebook is not None:
            gradebook.record(by_id[result.exercise], result)

    total = len(distinct_learners(folder)[0]) * len(exercises)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("grading", total=total)
        outcome = run_batch(
            folder,
            exercises,
            app.reader,
            app.grader,
            args.jobs,
            out.is_done,
            save,
            lambda: bar.advance(task),
        )
    summary = out.finish([e.id for e in exercises], outcome.graded)
    refused = f", refused {len(outcome.refused)} submission(s)" if outcome.refused else ""
    console.print(
        f"graded {len(outcome.graded)}, skipped {len(outcome.skipped)} already done{refused}; "
        f"{len(summary['needs_review'])} need review. Output: {escape(args.out)}"
    )
    for entry, why in outcome.refused:
        console.print(f"[yellow]refused {escape(entry)}:[/] {escape(why)}")
    for exercise, data in summary["exercises"].items():
        console.print(
            f"  {exercise}: median {data['median']}/{data['max_score']}, "
            f"full marks {data['full_marks']}/{data['learners']}"
        )
    return 0


def cmd_validate(app: App, args: argparse.Namespace, console: Console) -> int:
    ids = app.exercises.ids() if args.exercise == "all" else [args.exercise]
    findings = validate(ids, app.exercises.get, reference_answers, app.grader)
    for finding in findings:
        mark = "[green]✓[/]" if finding.ok else "[red]✗[/]"
        console.print(f"{mark} {finding.exercise}: {escape(finding.message)}", highlight=False)
    failed = [f for f in findings if not f.ok]
    console.print(f"{len(ids)} exercise(s), {len(failed)} problem(s)")
    return 1 if failed or not ids else 0


def cmd_audit(app: App, args: argparse.Namespace, console: Console) -> int:
    exercises = _exercises(app, args.exercise)
    if args.sample is not None and args.sample < 1:
        raise GraderError("--sample must be a positive number of mutants")
    minimum = Decimal(args.minimum)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("grading mutants", total=None)
        audits = audit_all(
            exercises,
            reference_answers,
            audit_marks,
            app.grader,
            args.jobs,
            args.sample,
            lambda: bar.advance(task),
        )
    show_audit(console, audits, minimum)
    if args.out:
        out = Path(args.out)
        report = json.dumps(audit_json(audits, minimum), indent=2) + "\n"
        write_atomically(out / "audit.json", report)
        write_atomically(out / "audit.html", audit_html(audits, minimum))
        console.print(f"wrote {out / 'audit.json'} and {out / 'audit.html'}")
    return 0 if all(a.passes(minimum) for a in audits) else 1


def cmd_bundle(app: App, args: argparse.Namespace, console: Console) -> int:
    out = Path(args.out)
    if out.suffix != ".zip":
        raise GraderError(f"{out} should end in .zip")
    names = build_bundle(app.course.root, out)
    console.print(f"wrote {out}: {len(names)} files (no solutions, hidden tests or workspaces)")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="grader", description=__doc__.splitlines()[0])
    main.add_argument("--course", type=Path, help="the course checkout (default: this one)")
    commands = main.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="run an exercise's public tests on your work")
    check.add_argument("exercise", help="the exercise id, e.g. 01-adapter")
    check.add_argument(
        "workspace", nargs="?", help="folder with your answer files (default: src/packages)"
    )
    check.set_defaults(run=cmd_check)

    grade = commands.add_parser("grade", help="grade one submission, hidden tests included")
    grade.add_argument("exercise", help="an exercise id, or 'all'")
    grade.add_argument("submission", help="a folder, a .zip or a notebook")
    grade.add_argument("--learner", default="learner", help="the learner's id in the reports")
    grade.add_argument("--out", help="write reports into this folder")
    grade.add_argument(
        "--format", nargs="+", choices=FORMATS, default=list(FORMATS), help="reports to write"
    )
    grade.set_defaults(run=cmd_grade)

    batch = commands.add_parser("batch", help="grade a folder of submissions in parallel")
    batch.add_argument("submissions", help="a folder: one sub-folder, .zip or .ipynb per learner")
    batch.add_argument("--out", required=True, help="the output folder (re-use it to resume)")
    batch.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    batch.add_argument("--exercise", action="append", help="limit to this exercise (repeatable)")
    batch.add_argument("--gradebook", help="also write scores to this nbgrader gradebook (a URL)")
    batch.set_defaults(run=cmd_batch)

    audit = commands.add_parser(
        "audit", help="authors: how many wrong answers the tests catch (mutation testing)"
    )
    audit.add_argument("exercise", nargs="?", default="all", help="an exercise id, or all")
    audit.add_argument("--jobs", type=int, default=2, help="mutants graded at once")
    audit.add_argument("--sample", type=int, help="grade only this many mutants per exercise")
    audit.add_argument("--minimum", default="95", help="the mutation score to reach, in %%")
    audit.add_argument("--out", help="write audit.json and audit.html into this folder")
    audit.set_defaults(run=cmd_audit)

    bundle = commands.add_parser("bundle", help="instructors: the learner bundle as a zip")
    bundle.add_argument("out", help="the .zip to write, e.g. dist/learner-bundle.zip")
    bundle.set_defaults(run=cmd_bundle)

    check_all = commands.add_parser("validate", help="authors: check every exercise")
    check_all.add_argument("exercise", nargs="?", default="all", help="an exercise id, or all")
    check_all.set_defaults(run=cmd_validate)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(highlight=False)
    try:
        app = build(locate_course(args.course))
        code: int = args.run(app, args, console)
        return code
    except GraderError as error:
        print(f"grader: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grader: interrupted; a batch re-run goes on where it stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
