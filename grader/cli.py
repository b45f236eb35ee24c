"""``grader``: check, watch, grade, batch, report, validate and audit from the command line.

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

from grader import api
from grader.adapters.audit_report import audit_html, audit_json, show_audit
from grader.adapters.bundle import build_bundle
from grader.adapters.output_folder import OutputFolder, safe_name, write_atomically
from grader.adapters.reports import to_gradescope, to_html, to_json, to_junit
from grader.adapters.terminal import show
from grader.adapters.watch import watch_and_check
from grader.application.batch import distinct_learners
from grader.configuration import App, locate_course
from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from grader.errors import GraderError

FORMATS = ("json", "gradescope", "junit", "html")


def learner_workspace(app: App, exercise: Exercise, given: str | None) -> Path:
    """The folder to check: the one given, else the exercise's own ``workspace/``."""
    if given:
        folder = Path(given)
        if not folder.is_dir():
            raise GraderError(f"{folder} is not a folder of answer files")
        return folder
    folder = app.course.exercises / exercise.id / "workspace"
    if not folder.is_dir():
        notebook = exercise.notebook.name if exercise.notebook else f"{exercise.id}.ipynb"
        raise GraderError(
            f"{folder} does not exist yet: open exercises/{exercise.id}/{notebook} "
            "(make run) and run its %%answer cells, which create it, or put your answer "
            f"files there under their path in src/packages ({exercise.answer_files[0]})"
        )
    return folder


def _check_once(app: App, exercise: Exercise, workspace: Path, console: Console) -> bool:
    checked = api.checked(app, exercise.id, workspace)
    show(console, checked.result, checked.view)
    console.print("[dim]Hidden tests run when your work is graded.[/]")
    return checked.result.full_marks


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    app = api.app(args.course)
    exercise = app.exercises.get(args.exercise)
    workspace = learner_workspace(app, exercise, args.workspace)
    return 0 if _check_once(app, exercise, workspace, console) else 1


def cmd_watch(args: argparse.Namespace, console: Console) -> int:
    app = api.app(args.course)
    exercise = app.exercises.get(args.exercise)
    workspace = learner_workspace(app, exercise, args.workspace)
    return watch_and_check(
        workspace, lambda: _check_once(app, exercise, workspace, console), console
    )


def cmd_grade(args: argparse.Namespace, console: Console) -> int:
    results = api.grade(args.exercise, Path(args.submission), args.learner, args.course)
    by_id = {e.id: e for e in api.exercises(api.app(args.course), args.exercise)}
    for result in results:
        show(console, result)
        if args.out:
            _write(Path(args.out), result, args.format, by_id[result.exercise])
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
        write_atomically(stem.with_suffix(".html"), to_html(result, *api.feedback(exercise)))


def cmd_batch(args: argparse.Namespace, console: Console) -> int:
    folder = Path(args.submissions)
    if not folder.is_dir():
        raise GraderError(f"{folder} is not a folder of submissions")
    count = len(api.exercises(api.app(args.course), args.exercise))
    total = len(distinct_learners(folder)[0]) * count
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("grading", total=total)
        report = api.batch(
            folder,
            Path(args.out),
            args.jobs,
            args.course,
            args.exercise,
            args.gradebook,
            lambda: bar.advance(task),
            warm=False if args.cold else None,
            cluster=args.cluster,
        )
    outcome, summary = report.outcome, report.summary
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


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    folder = Path(args.out)
    if not folder.is_dir():
        raise GraderError(f"{folder} is not a folder; give the --out folder of a batch")
    path = OutputFolder(folder).write_report()
    console.print(f"wrote {path}")
    return 0


def cmd_validate(args: argparse.Namespace, console: Console) -> int:
    findings = api.validate_course(args.course, args.exercise)
    for finding in findings:
        mark = "[green]✓[/]" if finding.ok else "[red]✗[/]"
        console.print(f"{mark} {finding.exercise}: {escape(finding.message)}", highlight=False)
    failed = [f for f in findings if not f.ok]
    count = len({f.exercise for f in findings})
    console.print(f"{count} exercise(s), {len(failed)} problem(s)")
    return 1 if failed or not findings else 0


def cmd_audit(args: argparse.Namespace, console: Console) -> int:
    minimum = Decimal(args.minimum)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("grading mutants", total=None)
        audits = api.audit(
            args.exercise, args.jobs, args.sample, lambda: bar.advance(task), args.course
        )
    show_audit(console, audits, minimum)
    if args.out:
        out = Path(args.out)
        report = json.dumps(audit_json(audits, minimum), indent=2) + "\n"
        write_atomically(out / "audit.json", report)
        write_atomically(out / "audit.html", audit_html(audits, minimum))
        console.print(f"wrote {out / 'audit.json'} and {out / 'audit.html'}")
    return 0 if all(a.passes(minimum) for a in audits) else 1


def cmd_bundle(args: argparse.Namespace, console: Console) -> int:
    out = Path(args.out)
    if out.suffix != ".zip":
        raise GraderError(f"{out} should end in .zip")
    names = build_bundle(locate_course(args.course).root, out)
    console.print(f"wrote {out}: {len(names)} files (no solutions, hidden tests or workspaces)")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="grader", description=__doc__.splitlines()[0])
    main.add_argument("--course", type=Path, help="the course checkout (default: this one)")
    commands = main.add_subparsers(dest="command", required=True)

    for name, run, about in (
        ("check", cmd_check, "run an exercise's public tests on your work"),
        ("watch", cmd_watch, "check again on every save (Ctrl-C stops)"),
    ):
        command = commands.add_parser(name, help=about)
        command.add_argument("exercise", help="the exercise id, e.g. 01-adapter")
        command.add_argument(
            "workspace",
            nargs="?",
            help="folder with your answer files (default: exercises/<id>/workspace)",
        )
        command.set_defaults(run=run)

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
    batch.add_argument(
        "--cold",
        action="store_true",
        help="start a fresh sandboxed process per test run (no warm workers; slower)",
    )
    batch.add_argument(
        "--cluster",
        metavar="tcp://HOST:8786",
        help="grade on the workers of this Dask scheduler (pip install '.[cluster]')",
    )
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
    report = commands.add_parser("report", help="rebuild report.html in a batch's output folder")
    report.add_argument("out", help="the output folder of a batch")
    report.set_defaults(run=cmd_report)

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
        locate_course(args.course)  # a wrong --course is reported before anything runs
        code: int = args.run(args, console)
        return code
    except GraderError as error:
        print(f"grader: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grader: interrupted; a batch re-run goes on where it stopped", file=sys.stderr)
        return 130
    finally:
        api.close()


if __name__ == "__main__":
    sys.exit(main())
