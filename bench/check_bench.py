"""How fast is a learner's ``check()`` once the notebook has checked once already?

A notebook keeps its grader (and so its warm worker) while the kernel runs: the first
``check()`` starts the worker, later ones reuse it. This times the first call and then
N more, on the exercise's reference answer, both warm and cold (a fresh sandboxed
process per test run), and prints the p50 and p95 of the later calls.

    python bench/check_bench.py                    # 01-adapter, 20 later calls
    python bench/check_bench.py --exercise 02-events --n 40
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_support import percentile

from grader import api
from grader.adapters.manifest import reference_answers
from grader.configuration import build, locate_course

GOAL_SECONDS = 0.25


def timings(exercise_id: str, n: int, warm: bool) -> tuple[float, list[float], bool]:
    """The first call's seconds, the later calls' seconds, and whether all got full marks."""
    wired = build(locate_course(), warm=warm)
    try:
        exercise = wired.exercises.get(exercise_id)
        with tempfile.TemporaryDirectory() as folder:
            workspace = Path(folder)
            for path, text in (reference_answers(exercise) or {}).items():
                (workspace / path).parent.mkdir(parents=True, exist_ok=True)
                (workspace / path).write_text(text, encoding="utf-8")
            seconds, right = [], True
            for _ in range(n + 1):
                started = time.perf_counter()
                checked = api.checked(wired, exercise_id, workspace)
                seconds.append(time.perf_counter() - started)
                right &= checked.result.full_marks
    finally:
        wired.close()
    return seconds[0], seconds[1:], right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="01-adapter")
    parser.add_argument("--n", type=int, default=20, help="later calls to time")
    args = parser.parse_args()
    rows = {}
    for warm in (True, False):
        rows["warm" if warm else "cold"] = timings(args.exercise, args.n, warm)
    print(f"check() on {args.exercise}, reference answer, {args.n} calls after the first")
    print(f"{'path':6} {'first':>8} {'p50':>8} {'p95':>8}  full marks every time")
    for name, (first, later, right) in rows.items():
        p50, p95 = statistics.median(later), percentile(later, 95)
        print(f"{name:6} {first:8.3f} {p50:8.3f} {p95:8.3f}  {right}")
    warm_p95 = percentile(rows["warm"][1], 95)
    cold_p50 = statistics.median(rows["cold"][1])
    verdict = "met" if warm_p95 <= GOAL_SECONDS else "missed"
    print(f"warm p95 {warm_p95:.3f} s: goal <= {GOAL_SECONDS} s {verdict}")
    print(f"warm p50 is {cold_p50 / statistics.median(rows['warm'][1]):.1f}x faster than cold p50")


if __name__ == "__main__":
    main()
