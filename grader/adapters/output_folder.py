"""A batch's output folder: results, feedback pages, gradebook CSV, JUnit, summary.

Layout (everything a batch writes stays inside it)::

    results/<learner>/<exercise>.json   our result JSON, one per piece of work
    feedback/<learner>/<exercise>.html  the learner's feedback page
    gradebook.csv                       one row per learner, one column per exercise
    junit.xml                           every result, for CI dashboards
    summary.json, summary.md            distribution, hardest tests, violations, reviews
    .work/                              temporary workspaces, removed as they finish

Files are written to a temporary name and renamed, so an interrupted batch leaves
whole files or none.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from grader.adapters.reports import to_html, to_json, to_junit
from grader.domain.result import GradeResult

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@")


def safe_name(name: str) -> str:
    """A file name for ``name``; two different names never get the same one (a name that
    had to be changed carries a short hash of itself)."""
    cleaned = "".join(c if c in SAFE else "_" for c in name).lstrip(".")
    if cleaned == name:
        return name
    return f"{cleaned or '_'}~{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class OutputFolder:
    def __init__(
        self,
        root: Path,
        hints: dict[str, tuple[str, ...]] | None = None,
        explanations: dict[str, str] | None = None,
    ) -> None:
        self.root = root
        self.hints = hints or {}
        self.explanations = explanations or {}

    @property
    def work(self) -> Path:
        return self.root / ".work"

    def _result_path(self, learner: str, exercise: str) -> Path:
        return self.root / "results" / safe_name(learner) / f"{safe_name(exercise)}.json"

    def is_done(self, learner: str, exercise: str, fingerprint: str) -> bool:
        path = self._result_path(learner, exercise)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(stored.get("fingerprint") == fingerprint)

    def save(self, result: GradeResult) -> None:
        data = to_json(result)
        write_atomically(
            self._result_path(result.learner, result.exercise), json.dumps(data, indent=2) + "\n"
        )
        feedback = (
            self.root
            / "feedback"
            / safe_name(result.learner)
            / f"{safe_name(result.exercise)}.html"
        )
        write_atomically(
            feedback,
            to_html(
                result,
                self.hints.get(result.exercise, ()),
                self.explanations.get(result.exercise, ""),
            ),
        )

    def stored(self) -> list[dict[str, Any]]:
        return [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((self.root / "results").glob("*/*.json"))
        ]

    def finish(self, exercises: Sequence[str], fresh: Iterable[GradeResult]) -> dict[str, Any]:
        """Write the class-wide files from every stored result; returns the summary."""
        results = self.stored()
        # Earlier batches into this folder may have graded other exercises: keep them.
        every = sorted({*exercises, *(r["exercise"] for r in results)})
        write_atomically(self.root / "gradebook.csv", gradebook_csv(results, every))
        write_atomically(self.root / "junit.xml", to_junit(list(fresh)))
        summary = summarise(results)
        write_atomically(self.root / "summary.json", json.dumps(summary, indent=2) + "\n")
        write_atomically(self.root / "summary.md", summary_markdown(summary))
        return summary


def gradebook_csv(results: list[dict[str, Any]], exercises: Sequence[str]) -> str:
    rows: dict[str, dict[str, Any]] = {}
    for result in results:
        row = rows.setdefault(result["learner"], {"learner": result["learner"]})
        row[result["exercise"]] = result["score"]
        if result["needs_review"]:
            row["needs_review"] = "yes"
    maximum: dict[str, Any] = {}
    for result in results:  # a check without hidden tests has a smaller max: take the largest
        maximum[result["exercise"]] = max(maximum.get(result["exercise"], 0), result["max_score"])
    out = io.StringIO()
    columns = ["learner", *exercises, "total", "max", "needs_review"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore")  # only the listed exercises
    writer.writeheader()
    for learner in sorted(rows):
        row = rows[learner]
        row["total"] = sum(row.get(e, 0) for e in exercises)
        row["max"] = sum(maximum.get(e, 0) for e in exercises)
        row.setdefault("needs_review", "")
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """Numbers rounded; text a spreadsheet would run as a formula made plain text."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    by_exercise: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_exercise.setdefault(result["exercise"], []).append(result)
    exercises = {}
    for exercise, items in sorted(by_exercise.items()):
        scores = [r["score"] for r in items]
        failing: Counter[str] = Counter()
        violations: Counter[str] = Counter()
        for r in items:
            failing.update(t["title"] for t in r["tests"] if t["outcome"] != "passed")
            violations.update(c["id"] for c in r["contracts"] if not c["kept"])
        exercises[exercise] = {
            "learners": len(items),
            "max_score": max(r["max_score"] for r in items),
            "median": statistics.median(scores),
            "mean": round(statistics.fmean(scores), 3),
            "full_marks": sum(r["full_marks"] for r in items),
            "zero": sum(r["score"] == 0 for r in items),
            "distribution": dict(sorted(Counter(scores).items())),
            "most_failed_tests": failing.most_common(5),
            "contract_violations": dict(violations),
        }
    review = [
        {
            "learner": r["learner"],
            "exercise": r["exercise"],
            "why": [f["message"] for f in r["flags"] if f["severity"] == "review"],
        }
        for r in results
        if r["needs_review"]
    ]
    return {"exercises": exercises, "needs_review": review}


def summary_markdown(summary: dict[str, Any]) -> str:
    lines = ["# Batch summary", ""]
    for exercise, data in summary["exercises"].items():
        lines += [
            f"## {exercise}",
            f"- learners: {data['learners']}; median {data['median']} of {data['max_score']}; "
            f"full marks: {data['full_marks']}; zero: {data['zero']}",
            "- distribution: " + ", ".join(f"{k}: {v}" for k, v in data["distribution"].items()),
        ]
        if data["most_failed_tests"]:
            lines.append(
                "- most failed: " + "; ".join(f"{t} ({n})" for t, n in data["most_failed_tests"])
            )
        if data["contract_violations"]:
            lines.append(
                "- boundary violations: "
                + ", ".join(f"{c} ({n})" for c, n in data["contract_violations"].items())
            )
        lines.append("")
    if summary["needs_review"]:
        lines += ["## Needs review", ""]
        lines += [
            f"- {r['learner']} / {r['exercise']}: {'; '.join(r['why'])}"
            for r in summary["needs_review"]
        ]
    return "\n".join(lines) + "\n"
