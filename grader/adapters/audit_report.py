"""An audit's findings as a terminal table, as JSON, and as an HTML page for authors."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.adapters.reports import STYLE, number
from grader.domain.audit import ExerciseAudit, MutantResult, Verdict, hollow_caught


def _row(audit: ExerciseAudit) -> dict[str, Any]:
    return {
        "exercise": audit.exercise,
        "mutants": len(audit.mutants),
        "killed": audit.count(Verdict.KILLED),
        "survived": audit.count(Verdict.SURVIVED),
        "equivalent": audit.count(Verdict.EQUIVALENT),
        "errors": audit.count(Verdict.ERROR),
        "score": number(audit.score),
        "hollow_answers": len(audit.hollows),
        "hollow_caught": audit.hollows_caught,
        "sampled_from": audit.sampled_from or None,
        "seconds": round(audit.seconds, 1),
    }


def _mutant(result: MutantResult) -> dict[str, Any]:
    mutant = result.mutant
    return {
        "id": mutant.id,
        "verdict": result.verdict.value,
        "operator": mutant.operator,
        "file": mutant.file,
        "line": mutant.line,
        "scope": mutant.scope,
        "description": mutant.description,
        "score": number(result.score),
        "max_score": number(result.max_score),
        "caught_by": list(result.caught_by),
        "passed": list(result.passed),
        "requirements": [f"{r.number}: {r.text}" for r in result.requirements],
        "reason": result.reason,
        "diff": mutant.diff,
    }


def audit_json(audits: Sequence[ExerciseAudit], minimum: Decimal) -> dict[str, Any]:
    """Everything the audit found; survivors, errors and hollow answers in full."""
    return {
        "minimum_score": number(minimum),
        "passed": all(a.passes(minimum) for a in audits),
        "exercises": [
            {
                **_row(audit),
                "passed": audit.passes(minimum),
                "stale_equivalent_marks": list(audit.stale_marks),
                "survivors": [_mutant(m) for m in audit.survivors],
                "errors_detail": [_mutant(m) for m in audit.mutants if m.verdict is Verdict.ERROR],
                "equivalents": [
                    _mutant(m) for m in audit.mutants if m.verdict is Verdict.EQUIVALENT
                ],
                "hollows": [{**_mutant(h), "caught": hollow_caught(h)} for h in audit.hollows],
            }
            for audit in audits
        ],
    }


def show_audit(console: Console, audits: Sequence[ExerciseAudit], minimum: Decimal) -> None:
    seconds = sum(a.seconds for a in audits)
    made = sum(len(a.mutants) + len(a.hollows) for a in audits)
    caption = f"{made} answers graded in {seconds:.0f} s; hollow: answers at 0 of 4 kinds"
    table = Table(
        title="Mutation audit",
        title_justify="left",
        caption=caption,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    table.add_column("exercise", no_wrap=True)
    for column in ("made", "killed", "alive", "equiv", "error", "score", "hollow"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    for audit in audits:
        row = _row(audit)
        ok = "green" if audit.passes(minimum) else "red"
        sampled = f"/{audit.sampled_from}" if audit.sampled_from else ""
        table.add_row(
            audit.exercise,
            f"{row['mutants']}{sampled}",
            str(row["killed"]),
            str(row["survived"]),
            str(row["equivalent"]),
            str(row["errors"]),
            f"[{ok}]{row['score']}%[/]",
            f"{audit.hollows_caught}/{len(audit.hollows)}",
        )
    console.print(table)
    for audit in audits:
        for result in (*audit.survivors, *_problems(audit)):
            _show_one(console, audit.exercise, result)
        for stale in audit.stale_marks:
            console.print(
                f"[yellow]{audit.exercise}: equivalent mark {stale} matches no mutant now[/]"
            )


def _problems(audit: ExerciseAudit) -> list[MutantResult]:
    errors = [m for m in audit.mutants if m.verdict is Verdict.ERROR]
    return errors + [h for h in audit.hollows if not hollow_caught(h)]


def _show_one(console: Console, exercise: str, result: MutantResult) -> None:
    mutant = result.mutant
    what = "hollow answer not caught" if mutant.scope == "<every function>" else result.verdict
    console.print(
        f"\n[bold]{exercise} · {what} · {mutant.id}[/] {escape(mutant.operator)} in "
        f"{escape(mutant.scope)} (line {mutant.line}): {escape(mutant.description)}; "
        f"scored {number(result.score)}/{number(result.max_score)}",
        highlight=False,
    )
    for requirement in result.requirements:
        console.print(f"  breaks {requirement.number}: {escape(requirement.text)}", highlight=False)
    if not result.requirements and result.verdict is Verdict.SURVIVED:
        console.print("  no requirement of the traceability table names this code")
    if result.passed and mutant.scope == "<every function>":
        console.print(f"  passed: {escape('; '.join(result.passed))}", highlight=False)
    if result.reason:
        console.print(f"  {escape(result.reason)}", highlight=False)
    console.print(escape(mutant.diff), highlight=False, markup=False)


def _label(result: MutantResult) -> str:
    if result.mutant.scope == "<every function>":
        return "hollow answer not caught"
    return str(result.verdict)


def _diff_html(diff: str) -> str:
    """The diff with its added and removed lines marked (colour and sign both)."""
    e = html.escape
    lines = []
    for line in diff.splitlines():
        kind = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
        if line.startswith(("+++", "---")):
            kind = "head"
        lines.append(f"<span class='{kind}'>{e(line)}</span>" if kind else e(line))
    return "<pre class='diff'>" + "\n".join(lines) + "</pre>"


def _finding_html(exercise: str, result: MutantResult) -> str:
    e = html.escape
    mutant = result.mutant
    hollow = mutant.scope == "<every function>"
    parts = [
        f"<h3>{e(exercise)} · {e(_label(result))} · <code>{e(mutant.id)}</code></h3>",
        f"<p>{e(mutant.operator)} in <code>{e(mutant.scope)}</code>"
        f"{'' if hollow else f' (line {mutant.line})'}: {e(mutant.description)}; "
        f"scored {number(result.score)}/{number(result.max_score)}</p>",
    ]
    parts += [f"<p>Breaks {e(q.number)}: {e(q.text)}</p>" for q in result.requirements]
    if hollow and result.passed:
        parts.append(f"<p>Passed: {e('; '.join(result.passed))}</p>")
    if result.reason:
        parts.append(f"<p>{e(result.reason)}</p>")
    diff = _diff_html(mutant.diff)
    parts.append(
        f"<details><summary>the hollow answer</summary>{diff}</details>" if hollow else diff
    )
    return "".join(parts)


AUDIT_STYLE = """
.diff{background:#f6f8fa;padding:.5rem;border-radius:4px}
.diff .add{color:#1a7f37}.diff .del{color:#cf222e}.diff .head{color:#666}
h3{margin-top:2rem}
"""


def audit_html(audits: Sequence[ExerciseAudit], minimum: Decimal) -> str:
    """The audit section of the author's page: the table, then every survivor's diff."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(a.exercise)}</td><td>{len(a.mutants)}</td>"
        f"<td>{a.count(Verdict.KILLED)}</td><td>{a.count(Verdict.SURVIVED)}</td>"
        f"<td>{a.count(Verdict.EQUIVALENT)}</td><td>{a.count(Verdict.ERROR)}</td>"
        f"<td class='{'passed' if a.passes(minimum) else 'failed'}'>{number(a.score)}%</td>"
        f"<td>{a.hollows_caught}/{len(a.hollows)}</td></tr>"
        for a in audits
    )
    details = "".join(
        _finding_html(a.exercise, r) for a in audits for r in (*a.survivors, *_problems(a))
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mutation audit</title>
<style>{STYLE}{AUDIT_STYLE}</style></head><body>
<h1>Mutation audit</h1>
<section id="audit"><p>Each mutant is a small wrong version of the reference answer, graded
like a submission; a hollow answer empties every function. Goal: {number(minimum)}% of the
mutants killed and every hollow answer at 0.</p>
<table><tr><th>Exercise</th><th>Mutants</th><th>Killed</th><th>Survived</th>
<th>Equivalent</th><th>Errors</th><th>Score</th><th>Hollow answers at 0</th></tr>{rows}</table>
{details or "<p>No survivor.</p>"}</section>
</body></html>
"""
