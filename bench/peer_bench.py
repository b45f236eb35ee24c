"""Our grader against nbgrader: one exercise, the same 20 submissions in both forms.

The event-bus exercise (02-events), 20 learners: 10 correct (the reference answers),
5 partly wrong, 3 that do not import, 2 that loop forever. Each learner is written twice
from the same answer texts: as a folder of answer files for ``grader batch`` and as the
exercise notebook with its answer cells filled, in an nbgrader course directory
(``submitted/<student>/02-events/``). Each repetition runs, one after the other so that
machine load hits all alike: ``nbgrader autograde``, ``grader batch --jobs 1``,
``--jobs 2`` (``--jobs 1 --cold`` too when the grader has it), and the floor, bare
``python -m pytest -q`` in a fresh process per submission. It prints per-submission
medians, ratios against the floor and nbgrader, the looping submissions apart, and
whether each runner's scores are right. Timings are printed, never asserted.

    python bench/peer_bench.py                  # 3 repetitions
    python bench/peer_bench.py --reps 5 --json peer.json
    python bench/peer_bench.py --quick          # 1 repetition, one learner of each kind
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench_support import ROOT, batch_results, floor, grader_batch, grader_has_option, passed
from nbgrader.api import Gradebook, MissingEntry

from grader.adapters.manifest import reference_answers
from grader.configuration import App, build, locate_course

EXERCISE = "02-events"
PUBLISH = "data/data_quality/application/validation_events.py"
CLEANUP = "data/data_science/application/cleanup_on_failure.py"
CELL_TIMEOUT = 10  # nbgrader's per-cell limit, in seconds
ALL = ("*",)  # loses every test
CHAIN = "test_the_whole_chain_runs_from_validation_to_cleanup"
CLEANUP_EXCEPT = (
    "        except Exception:\n"
    "            self.handled.discard(event.event_id)  # not cleaned: a redelivery must try again\n"
    "            raise\n"
)


@dataclass(frozen=True)
class Peer:
    """One learner's answers, and the tests they should lose (by function name)."""

    name: str  # the learner's folder and nbgrader student id
    kind: str  # correct, partial, import error, looping
    answers: dict[str, str]
    loses: tuple[str, ...] = ()  # test functions it should fail (looping: that loop)


def edit(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"the reference answer no longer has {old!r} once")
    return text.replace(old, new)


def submissions(reference: dict[str, str]) -> list[Peer]:
    """The 20 learners, each made by editing the reference answers."""

    def on(path: str, old: str, new: str) -> dict[str, str]:
        return {**reference, path: edit(reference[path], old, new)}

    keep_then_announce = (
        "        self.cleaned[event.dataset_name] = cleaned\n"
        "        await self.event_bus.publish(\n"
        "            DataCleaned(event.dataset_name, report.rows_before, report.rows_after)\n"
        "        )\n"
    )
    keep, *announce = keep_then_announce.splitlines(keepends=True)
    announce_then_keep = "".join(announce) + keep
    clean = "            cleaned, report = await self.cleaner.clean(event.dataset)\n"
    peers = [Peer(f"correct-{i:02}", "correct", dict(reference)) for i in range(1, 11)]
    peers += [
        Peer(  # publishes for a valid dataset too
            "partial-always-publishes",
            "partial",
            on(PUBLISH, "    if not report.is_valid:\n", "    if report.issues is not None:\n"),
            ("test_a_valid_dataset_announces_nothing",),
        ),
        Peer(  # the event does not carry the dataset: nothing to clean
            "partial-no-dataset",
            "partial",
            on(PUBLISH, "messages, dataset)", "messages)"),
            ("test_an_invalid_dataset_is_announced_once", CHAIN),
        ),
        Peer(  # cleans a redelivered event again
            "partial-not-idempotent",
            "partial",
            on(CLEANUP, "if event.event_id in self.handled or event", "if event"),
            ("test_a_redelivered_event_is_cleaned_once",),
        ),
        Peer(  # announces DataCleaned before keeping the result
            "partial-announces-first",
            "partial",
            on(CLEANUP, keep_then_announce, announce_then_keep),
            ("test_the_cleanup_keeps_the_correlation",),
        ),
        Peer(  # a failed cleanup stays marked as handled: a redelivery never cleans
            "partial-no-retry",
            "partial",
            on(CLEANUP, "        try:\n" + clean + CLEANUP_EXCEPT, clean[4:]),
            ("test_a_failed_cleanup_can_be_redelivered",),
        ),
        Peer(
            "import-misspelt-event",
            "import error",
            on(PUBLISH, "events import DataValidationFailed", "events import ValidationFailed"),
            ALL,
        ),
        Peer(
            "import-missing-module",
            "import error",
            on(CLEANUP, "shared.integration.domain_adapters", "shared.integration.adapters"),
            ALL,
        ),
        Peer(
            "import-missing-name",
            "import error",
            on(PUBLISH, "DataSet, ValidationReport", "DataSet, ValidationResult"),
            ALL,
        ),
        Peer(  # validates again until the report is valid: an invalid dataset never is
            "loop-revalidates",
            "looping",
            on(
                PUBLISH,
                "    report = await validator.validate(dataset)\n",
                "    report = await validator.validate(dataset)\n"
                "    while not report.is_valid:  # try again until it passes\n"
                "        report = await validator.validate(dataset)\n",
            ),
            ("test_an_invalid_dataset_is_announced_once", CHAIN),
        ),
        Peer(  # cleans again until nothing is dropped, but always the original dataset
            "loop-cleans-again",
            "looping",
            on(
                CLEANUP,
                clean,
                clean + "            while report.rows_after < report.rows_before:\n"
                "                cleaned, report = await self.cleaner.clean(event.dataset)\n",
            ),
            (
                "test_the_failure_event_triggers_a_cleanup",
                "test_a_redelivered_event_is_cleaned_once",
                "test_the_cleanup_keeps_the_correlation",
                "test_a_failed_cleanup_can_be_redelivered",
                CHAIN,
            ),
        ),
    ]
    return peers


def expected_score(app: App, peer: Peer) -> Decimal:
    """The points of the tests this learner should pass (no contract is broken here)."""
    specs = app.grader.collector.collect(app.exercises.get(EXERCISE), True)
    if peer.loses == ALL:
        return Decimal(0)
    return sum((s.points for s in specs if s.id.rsplit("::", 1)[-1] not in peer.loses), Decimal(0))


def write_folders(peers: list[Peer], folder: Path) -> None:
    """``grader batch``'s form: one folder per learner, answer files under src/packages."""
    for peer in peers:
        for path, text in peer.answers.items():
            (folder / peer.name / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / peer.name / path).write_text(text, encoding="utf-8")


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The kernel nbgrader starts must be this venv's Python, which has the grader.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    command = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    return subprocess.run(command, cwd=course, capture_output=True, text=True, env=env, check=False)


def write_notebooks(peers: list[Peer], course: Path) -> None:
    """nbgrader's form: a course directory with the assignment generated from its source,
    and per student the released notebook with its answer cells filled."""
    shutil.copytree(ROOT / "solutions" / EXERCISE, course / "solutions" / EXERCISE)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    done = nbgrader(course, "generate_assignment", EXERCISE, "--force")
    if done.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{done.stdout}{done.stderr}")
    release = json.loads((ROOT / "exercises" / EXERCISE / f"{EXERCISE}.ipynb").read_text())
    for peer in peers:
        for cell in release["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and source.startswith("%%answer"):
                path = source.splitlines()[0].split(maxsplit=1)[1]
                cell["source"] = f"%%answer {path}\n{peer.answers[path]}"
        folder = course / "submitted" / peer.name / EXERCISE
        folder.mkdir(parents=True)
        (folder / f"{EXERCISE}.ipynb").write_text(json.dumps(release), encoding="utf-8")


@dataclass
class Run:
    """One runner's pass over the class: wall time, and per learner seconds and score."""

    wall: float
    seconds: dict[str, float]
    scores: dict[str, float | None]
    notes: dict[str, str]


def run_nbgrader(course: Path, peers: list[Peer]) -> Run:
    """``nbgrader autograde``; per student, the time from its first log line to the next
    student's (nbgrader grades one notebook after another), read from timestamped logs."""
    stamped = ["--Application.log_format=%(asctime)s.%(msecs)03d %(message)s"]
    stamped += ["--Application.log_datefmt=%Y-%m-%dT%H:%M:%S"]
    limit = f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}"
    started = time.time()
    done = nbgrader(course, "autograde", EXERCISE, "--create", "--force", limit, *stamped)
    wall = time.time() - started
    starts: list[tuple[float, str]] = []
    notes: dict[str, list[str]] = {}
    for line in done.stderr.splitlines():
        if line.strip().startswith("nbclient.exceptions.") and starts:
            notes.setdefault(starts[-1][1], []).append(line.strip().split(".", 2)[-1])
        stamp, _, message = line.partition(" ")
        if "Creating/updating student with ID" in message:
            when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").timestamp()
            starts.append((when, message.split("'")[1]))
        elif message.startswith("Removing failed assignment") and starts:
            notes.setdefault(starts[-1][1], []).append("nbgrader removed the notebook")
    ends = [when for when, _ in starts[1:]] + [started + wall]
    seconds = {name: end - when for (when, name), end in zip(starts, ends, strict=True)}
    scores: dict[str, float | None] = {}
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        for peer in peers:
            try:
                scores[peer.name] = float(gradebook.find_submission(EXERCISE, peer.name).score)
            except MissingEntry:
                scores[peer.name] = None
    return Run(wall, seconds, scores, {name: "; ".join(n) for name, n in notes.items()})


def run_grader(submissions: Path, out: Path, jobs: int, extra: list[str]) -> Run:
    """``grader batch``; per learner, the ``duration`` its result JSON carries."""
    wall = grader_batch(submissions, out, EXERCISE, jobs, extra)
    results = batch_results(out, EXERCISE)
    shutil.rmtree(out)
    return Run(
        wall,
        {name: r["duration"] for name, r in results.items()},
        {name: float(r["score"]) for name, r in results.items()},
        {
            name: f"{sum(t['outcome'] == 'timeout' for t in r['tests'])} test(s) timed out"
            for name, r in results.items()
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--quick", action="store_true", help="1 repetition, 4 learners")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    app = build(locate_course(ROOT))
    exercise = app.exercises.get(EXERCISE)
    reference = reference_answers(exercise)
    assert reference, "the bench needs the exercise's reference answers (solutions/)"
    peers = submissions(reference)
    reps = args.reps
    if args.quick:
        peers = [
            next(p for p in peers if p.kind == k) for k in dict.fromkeys(p.kind for p in peers)
        ]
        reps = 1
    expected = {p.name: float(expected_score(app, p)) for p in peers}
    runners = ["nbgrader autograde", "grader --jobs 1", "grader --jobs 2"]
    if grader_has_option("batch", "--cold"):
        runners.append("grader --jobs 1 --cold")
    floor_name = "bare pytest (floor)"

    runs: dict[str, list[Run]] = {name: [] for name in [*runners, floor_name]}
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as folder, ExitStack() as stack:
        temp = Path(folder)
        write_folders(peers, temp / "folders")
        write_notebooks(peers, temp / "nbgrader")
        floors = {
            p.name: stack.enter_context(floor(app.course, exercise, p.answers))
            for p in peers
            if p.kind != "looping"  # bare pytest has no time limit: it would never end
        }
        for rep in range(reps):
            print(f"repetition {rep + 1} of {reps}...", file=sys.stderr, flush=True)
            for name in runners:
                if name.startswith("nbgrader"):
                    runs[name].append(run_nbgrader(temp / "nbgrader", peers))
                else:
                    jobs = int(name.split()[2])
                    extra = ["--cold"] if name.endswith("--cold") else []
                    runs[name].append(run_grader(temp / "folders", temp / "out", jobs, extra))
            started = time.perf_counter()
            timed = {name: run() for name, run in floors.items()}
            per_test = exercise.points / max(passed(timed[peers[0].name][1]), 1)
            runs[floor_name].append(
                Run(
                    time.perf_counter() - started,
                    {name: seconds for name, (seconds, _) in timed.items()},
                    {name: float(passed(line) * per_test) for name, (_, line) in timed.items()},
                    {},
                )
            )
    figures = report(peers, expected, runs, floor_name)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


def report(
    peers: list[Peer], expected: dict[str, float], runs: dict[str, list[Run]], floor_name: str
) -> dict[str, Any]:
    """Print the tables; return the figures (raw runs included) for --json."""

    def median(name: str, learner: str) -> float | None:
        times = [r.seconds[learner] for r in runs[name] if learner in r.seconds]
        return statistics.median(times) if times else None

    def cell(value: float | None, width: int = 11) -> str:
        return f"{value:{width}.2f}" if value is not None else f"{'-':>{width}}"

    names = list(runs)
    typical = [p.name for p in peers if p.kind != "looping"]
    looping = [p.name for p in peers if p.kind == "looping"]
    reps = len(runs[floor_name])
    print(f"\nexercise {EXERCISE}: {len(peers)} submissions", end=" ")
    kinds = {k: sum(p.kind == k for p in peers) for k in dict.fromkeys(p.kind for p in peers)}
    print("(" + ", ".join(f"{n} {k}" for k, n in kinds.items()) + f"), {reps} repetition(s)")
    print(
        f"limits: nbgrader --ExecutePreprocessor.timeout={CELL_TIMEOUT} (per cell); grader: "
        "the exercise's own (exercise.toml), not settable from the CLI"
    )
    print("seconds per submission: nbgrader = from its log line for one student to the next;")
    print("grader = the result's duration; floor = one fresh pytest process; whole run: the")
    print("floor is the sum over the typical submissions, the others include start-up\n")
    header = "".join(f"{n[:22]:>24}" for n in names)
    print(f"{'submission, median (s)':34}{header}")
    for learner in typical:
        print(f"{learner:34}" + "".join(cell(median(n, learner), 24) for n in names))
    medians = {n: statistics.median([median(n, t) or 0.0 for t in typical]) for n in names}
    walls = {n: statistics.median(r.wall for r in runs[n]) for n in names}
    print(f"{'median of the typical':34}" + "".join(cell(medians[n], 24) for n in names))
    for label, base in (("vs floor", floor_name), ("vs nbgrader", names[0])):
        ratios = "".join(f"{medians[n] / medians[base]:23.2f}x" for n in names)
        print(f"{label:34}{ratios}")
    print(f"{'whole run, wall (s)':34}" + "".join(cell(walls[n], 24) for n in names))
    ratios = "".join(f"{walls[n] / walls[names[0]]:23.2f}x" for n in names)
    print(f"{'  vs nbgrader':34}{ratios}")
    print("\nlooping submissions, median (s): bare pytest is not run (no limit: it never ends)")
    for learner in looping:
        print(f"{learner:34}" + "".join(cell(median(n, learner), 24) for n in names))
    print("\nscores (right = the points of the tests each submission should pass):")
    verdicts: dict[str, Any] = {}
    for name in names:
        right = min(sum(r.scores.get(t) == expected[t] for t in typical) for r in runs[name])
        last = runs[name][-1]
        wrong = [f"{t} {last.scores.get(t)} (expected {expected[t]})" for t in typical]
        wrong = [
            w for w, t in zip(wrong, typical, strict=True) if last.scores.get(t) != expected[t]
        ]
        print(f"  {name}: {right}/{len(typical)} typical right in every repetition")
        for line in wrong:
            print(f"    wrong: {line}")
        for learner in looping if name != floor_name else []:
            got = last.scores.get(learner)
            mark = "right" if got == expected[learner] else "WRONG"
            note = f"; {last.notes[learner]}" if last.notes.get(learner) else ""
            print(f"    {learner}: {got} (expected {expected[learner]}) {mark}{note}")
        verdicts[name] = {"typical_right": right, "typical": len(typical)}
    return {
        "exercise": EXERCISE,
        "repetitions": reps,
        "cell_timeout": CELL_TIMEOUT,
        "submissions": {p.name: {"kind": p.kind, "expected": expected[p.name]} for p in peers},
        "median_typical_seconds": medians,
        "median_wall_seconds": walls,
        "scores_right": verdicts,
        "runs": {n: [vars(r) for r in rs] for n, rs in runs.items()},
    }


if __name__ == "__main__":
    main()
