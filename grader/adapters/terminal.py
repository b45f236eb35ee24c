"""Shows results in the terminal with rich, with the words of ``check()`` in a notebook.

Statuses, points and titles are the rows of :mod:`grader.adapters.presentation`. A
broken contract's violations, error and run-time notes are printed under the table, each
violation's ``file:line`` on a line of its own that is never wrapped, then its remedies
(a contract without violations says its error or notes in its row);
ignored files are one line; the last line says what to do next (see
:mod:`grader.adapters.check_view`). Every text a learner's code could have chosen is
escaped: ``[/]`` in an exception is text, never rich markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.adapters.check_view import (
    CheckView,
    Folded,
    found,
    next_step,
    notes,
    remedy_lines,
    runtime_notes,
)
from grader.adapters.presentation import GREEN, RED, Kind, Row, Status, done, rows
from grader.domain.result import GradeResult

COLOURS = {GREEN: "green", RED: "red"}  # partial's amber is yellow


def _status(status: Status) -> str:
    return f"[{COLOURS.get(status.colour, 'yellow')}]{status.symbol} {status.value}[/]"


def _detail(row: Row, below: list[tuple[str, str]]) -> str:
    """The table's last cell: a contract's violations are printed under the table."""
    if row.kind is Kind.COVERAGE:
        return escape(row.message)
    if row.kind is Kind.CONTRACT:
        count = sum(bool(spot) for spot, _ in below)
        if count:
            return f"{count} violation{'s' * (count != 1)}, below"
        return escape("\n".join(text for _, text in below))
    return escape(row.message.splitlines()[0]) if row.message else ""


def _below(console: Console, row: Row, findings: list[tuple[str, str]]) -> None:
    console.print(f"{_status(row.status)} {escape(row.title)}:", highlight=False)
    for spot, text in findings:
        if spot:
            console.print(f"  {spot}", soft_wrap=True, highlight=False, markup=False)
        console.print(f"    {text}" if spot else f"  {text}", highlight=False, markup=False)
    for line in remedy_lines(row.remedies):
        word, _, rest = line.partition(" ")
        console.print(f"  [cyan]{word}[/] {escape(rest)}", highlight=False)


def show(console: Console, result: GradeResult, view: CheckView | None = None) -> None:
    """The table; with a ``view`` (a learner's check), the next step too."""
    folded: Folded = runtime_notes(result)
    drawn = rows(result)
    findings = {row.id: found(row, folded) for row in drawn if row.kind is Kind.CONTRACT}
    table = Table(title=escape(f"{result.exercise} · {result.learner}"), title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("test or check")
    table.add_column("points", no_wrap=True)
    table.add_column("what happened")
    for row in drawn:
        below = findings.get(row.id, []) if row.kind is Kind.CONTRACT else []
        table.add_row(_status(row.status), escape(row.label), row.points, _detail(row, below))
    console.print(table)
    for row in drawn:
        if row.kind is Kind.CONTRACT and any(spot for spot, _ in findings[row.id]):
            _below(console, row, findings[row.id])
    for line in notes(folded.left):
        console.print(f"[dim]note: {escape(line)}[/]", highlight=False)
    colour = "green" if done(result, drawn) else "yellow"
    console.print(f"[bold {colour}]{escape(result.summary)}[/]", highlight=False)
    if view is not None:
        console.print(f"[magenta]next:[/] {escape(next_step(result, view))}", highlight=False)
