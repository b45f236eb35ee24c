"""Shows results in the terminal with rich, with the words of ``check()`` in a notebook.

Statuses are words as well as colours; a gate contract says ``gate``; a violation's
``file:line`` is printed on a line of its own that is never wrapped; ignored files are
one line; the last line says what to do next (see :mod:`grader.adapters.check_view`).
Every text a learner's code could have chosen is escaped: ``[/]`` in an exception is
text, never rich markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.adapters.check_view import (
    RUN_TIME,
    STATUS,
    CheckView,
    contract_status,
    coverage_status,
    next_step,
    notes,
    points,
    runtime_notes,
)
from grader.adapters.reports import COVERAGE_TITLE, coverage_details
from grader.domain.result import GradeResult

COLOURS = {"#1a7f37": "green", "#cf222e": "red"}


def _status(symbol: str, word: str, colour: str) -> str:
    return f"[{COLOURS.get(colour, 'yellow')}]{symbol} {word}[/]"


def show(console: Console, result: GradeResult, view: CheckView | None = None) -> None:
    """The table; with a ``view`` (a learner's check), the next step too."""
    folded = runtime_notes(result)
    table = Table(title=escape(f"{result.exercise} · {result.learner}"), title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("test or check")
    table.add_column("points", no_wrap=True)
    table.add_column("what happened")
    for test in result.tests:
        title = escape(test.title) + (" [dim](hidden)[/]" if test.hidden else "")
        table.add_row(
            _status(*STATUS[test.outcome]),
            title,
            points(test.earned, test.points),
            escape(test.message.splitlines()[0]) if test.message else "",
        )
    for contract in result.contracts:
        count = len(contract.violations)
        detail = f"{count} violation{'s' * (count != 1)}, below" if count else ""
        table.add_row(
            _status(*contract_status(contract)),
            f"boundary: {escape(contract.name)}",
            points(contract.earned, contract.points, contract.mode),
            detail or escape(contract.error or ""),
        )
    if result.coverage is not None:
        table.add_row(
            _status(*coverage_status(result.coverage)),
            COVERAGE_TITLE,
            points(result.coverage.earned, result.coverage.points),
            escape(coverage_details(result.coverage)),
        )
    console.print(table)
    for contract in (c for c in result.contracts if c.violations):
        console.print(f"[red]✗ broken[/] {escape(contract.name)}:", highlight=False)
        for violation in contract.violations:
            where = f"{violation.file}:{violation.line}" if violation.line else violation.file
            also = RUN_TIME if (contract.id, violation.file, violation.line) in folded.seen else ""
            console.print(f"  {where}", soft_wrap=True, highlight=False, markup=False)
            console.print(f"    {violation.message}{also}", highlight=False, markup=False)
        for note in folded.extra.get(contract.id, []):
            console.print(f"  {note}", highlight=False, markup=False)
        first = contract.violations[0]
        if first.advice:
            console.print(f"  [cyan]instead:[/] {escape(first.advice)}", highlight=False)
        if first.section:
            console.print(f"  [cyan]read:[/] {escape(first.section)}", highlight=False)
    for line in notes(folded.left):
        console.print(f"[dim]note: {escape(line)}[/]", highlight=False)
    colour = "green" if result.full_marks else "yellow"
    console.print(f"[bold {colour}]{escape(result.summary)}[/]", highlight=False)
    if view is not None:
        console.print(f"[magenta]next:[/] {escape(next_step(result, view))}", highlight=False)
