"""How fast does the grader grade, against the floor of a bare pytest run?

Generates N submissions for one exercise (correct, partial, broken, looping), grades
them serially and with ``--jobs`` workers, and prints the per-submission median, the
throughput, and the ratio against ``python -m pytest`` on the same tests in a fresh
process (the floor: what any grader that runs pytest in a new process must pay).

    python bench/grade_bench.py                 # the grader's fixture exercise
    python bench/grade_bench.py --course . --exercise adapter --n 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_support import floor, variants

from grader.adapters.manifest import reference_answers
from grader.application.batch import grade_safely
from grader.configuration import Course, build
from grader.domain.submission import Submission

FIXTURE = Path(__file__).resolve().parents[1] / "tests/grader/fixtures/course"


def mix(n: int) -> list[str]:
    """Mostly correct and partial work, some broken, one looping in every ten."""
    pattern = [
        "correct",
        "partial",
        "correct",
        "broken",
        "correct",
        "partial",
        "correct",
        "correct",
        "partial",
        "looping",
    ]
    return [pattern[i % len(pattern)] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=FIXTURE)
    parser.add_argument("--exercise", default="rules")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    course = Course(args.course.resolve())
    app = build(course)
    exercise = app.exercises.get(args.exercise)
    reference = reference_answers(exercise)
    assert reference, "the bench needs the exercise's reference answers"
    kinds = variants(reference)
    submissions = [(kind, kinds[kind]) for kind in mix(args.n)]

    def grade(item: tuple[str, dict[str, str]]) -> tuple[str, float]:
        kind, answers = item
        started = time.perf_counter()
        grade_safely(app.grader, exercise, Submission("bench", answers, "bench"), True)
        return kind, time.perf_counter() - started

    with floor(course, exercise, reference) as run:
        floor_times = [run()[0] for _ in range(7)]
    started = time.perf_counter()
    serial = [grade(s) for s in submissions]
    serial_wall = time.perf_counter() - started
    started = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(grade, submissions))
    parallel_wall = time.perf_counter() - started

    floor_median = statistics.median(floor_times)
    typical = [t for kind, t in serial if kind != "looping"]
    median_all = statistics.median(t for _, t in serial)
    print(f"exercise {exercise.id}: {args.n} submissions ({', '.join(sorted(set(mix(args.n))))})")
    measuring = " + coverage run of the learner's tests" if exercise.coverage else ""
    print(f"floor, bare pytest{measuring} in a fresh process: median {floor_median * 1000:.0f} ms")
    for kind in kinds:
        times = [t for k, t in serial if k == kind]
        if times:
            print(f"  {kind:8} median {statistics.median(times) * 1000:6.0f} ms  (n={len(times)})")
    typical_median = statistics.median(typical)
    print(
        f"grader per submission, typical (no loop): median {typical_median * 1000:.0f} ms"
        f" = {typical_median / floor_median:.2f}x the floor"
    )
    print(
        f"grader per submission, whole mix: median {median_all * 1000:.0f} ms"
        f" = {median_all / floor_median:.2f}x the floor"
    )
    print(f"throughput serial: {args.n / serial_wall:.2f} submissions/s ({serial_wall:.1f} s)")
    print(
        f"throughput --jobs {args.jobs}: {args.n / parallel_wall:.2f} submissions/s "
        f"({parallel_wall:.1f} s), {serial_wall / parallel_wall:.2f}x serial"
    )


if __name__ == "__main__":
    main()
