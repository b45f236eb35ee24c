"""A whole class through ``grader batch``: 1,000 submissions of exercise 01, end to end.

Generates a class (a mix of correct, partial, wrong, crashing and looping work, each
answer marked with its learner so that no two are the same file), grades it with one
``grader batch --jobs 2`` in its own process, and prints submissions per second and
the p50/p95 seconds per submission, from the ``duration`` each result JSON carries (the
grading of that submission, from test collection to score; the batch's start-up and
class report are in the wall time only). The goal: the class in 3 minutes or less.

    python bench/class_bench.py                 # 1,000 learners, --jobs 2
    python bench/class_bench.py --n 200 --jobs 2 --json class.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from bench_support import ROOT, batch_results, grader_batch, percentile, variants

from grader.adapters.manifest import reference_answers
from grader.configuration import build, locate_course

EXERCISE = "01-adapter"
GOAL_SECONDS = 180
# Per 20 learners: 11 correct, 4 partial, 2 wrong, 2 crashing, 1 looping.
PATTERN = ["correct"] * 11 + ["partial"] * 4 + ["wrong"] * 2 + ["crashing"] * 2 + ["looping"]


def kinds_of_work(reference: dict[str, str]) -> dict[str, dict[str, str]]:
    """correct, partial, looping as grade_bench makes them; wrong: the adapter names the
    wrong domain; crashing: a left-over ``sys.exit()`` ends the process at import."""
    made = variants(reference)
    (path, text), *_ = sorted(reference.items())
    wrong = text.replace('domain_name = "anomaly_detection"', 'domain_name = "data_quality"')
    assert wrong != text, "the reference answer no longer sets domain_name"
    crashing = text + '\nimport sys\n\nsys.exit("stop here while debugging")\n'
    return {
        "correct": made["correct"],
        "partial": made["partial"],
        "wrong": {**reference, path: wrong},
        "crashing": {**reference, path: crashing},
        "looping": made["looping"],
    }


def write_class(folder: Path, n: int, kinds: dict[str, dict[str, str]]) -> dict[str, str]:
    """One folder per learner, answer files under src/packages; returns learner -> kind."""
    roster = {}
    for i in range(n):
        learner, kind = f"learner-{i:04}", PATTERN[i % len(PATTERN)]
        roster[learner] = kind
        for path, text in kinds[kind].items():
            (folder / learner / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / learner / path).write_text(f"{text}\n# {learner}\n", encoding="utf-8")
    return roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="learners (default 1000)")
    parser.add_argument("--jobs", type=int, default=2, help="grader batch --jobs (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    app = build(locate_course(ROOT))
    reference = reference_answers(app.exercises.get(EXERCISE))
    assert reference, "the bench needs the exercise's reference answers (solutions/)"
    with tempfile.TemporaryDirectory(prefix="class-bench-") as folder:
        roster = write_class(Path(folder) / "class", args.n, kinds_of_work(reference))
        wall = grader_batch(Path(folder) / "class", Path(folder) / "out", EXERCISE, args.jobs)
        results = batch_results(Path(folder) / "out", EXERCISE)

    durations = [float(r["duration"]) for r in results.values()]
    by_kind = {
        kind: [float(r["duration"]) for name, r in results.items() if roster[name] == kind]
        for kind in dict.fromkeys(PATTERN)
    }
    mix = Counter(roster.values())
    print(f"exercise {EXERCISE}: {args.n} learners ({', '.join(f'{mix[k]} {k}' for k in mix)})")
    print(f"grader batch --jobs {args.jobs}: {wall:.1f} s end to end, {len(results)} results")
    print(f"throughput: {args.n / wall:.2f} submissions/s")
    print(
        f"per submission (result duration): p50 {statistics.median(durations):.2f} s, "
        f"p95 {percentile(durations, 95):.2f} s"
    )
    for kind, times in by_kind.items():
        print(
            f"  {kind:9} p50 {statistics.median(times):6.2f} s  p95 {percentile(times, 95):6.2f} s"
        )
    scores = Counter((roster[name], float(r["score"])) for name, r in results.items())
    print("scores: " + ", ".join(f"{k} {s:g}: {c}" for (k, s), c in sorted(scores.items())))
    projected = wall / args.n * 1000
    if args.n != 1000:
        print(f"at this rate 1000 learners take about {projected:.0f} s (extrapolated)")
    print(f"goal ≤ {GOAL_SECONDS} s for 1000: {'met' if projected <= GOAL_SECONDS else 'missed'}")
    if args.json:
        figures = {
            "exercise": EXERCISE,
            "learners": args.n,
            "jobs": args.jobs,
            "wall_seconds": wall,
            "per_second": args.n / wall,
            "p50": statistics.median(durations),
            "p95": percentile(durations, 95),
            "projected_1000_seconds": projected,
            "goal_met": projected <= GOAL_SECONDS,
            "durations": {name: r["duration"] for name, r in results.items()},
            "kinds": roster,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
