"""Shows results in the terminal with rich.

Every text a learner's code could have chosen (messages, file names, the summary) is
escaped: ``[/]`` in an exception is text, never rich markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.adapters.reports import COVERAGE_TITLE, coverage_details, number
from grader.domain.result import GradeResult, Outcome

MARKS = {
    Outcome.PASSED: "[green]✓[/]",
    Outcome.FAILED: "[red]✗[/]",
    Outcome.ERROR: "[red]![/]",
    Outcome.TIMEOUT: "[red]⏱[/]",
    Outcome.MISSING: "[red]?[/]",
}


def show(console: Console, result: GradeResult, hint: str | None = None) -> None:
    table = Table(title=escape(f"{result.exercise} · {result.learner}"), title_justify="left")
    table.add_column("")
    table.add_column("test or check")
    table.add_column("points", justify="right")
    table.add_column("what happened", overflow="fold")
    for test in result.tests:
        title = escape(test.title) + (" [dim](hidden)[/]" if test.hidden else "")
        table.add_row(
            MARKS[test.outcome],
            title,
            f"{number(test.earned)}/{number(test.points)}",
            escape(test.message.splitlines()[0]) if test.message else "",
        )
    for contract in result.contracts:
        detail = "; ".join(f"{v.file}:{v.line or ''} {v.message}" for v in contract.violations)
        table.add_row(
            "[green]✓[/]" if contract.kept else "[red]✗[/]",
            f"boundary: {escape(contract.name)} [dim]({contract.mode})[/]",
            f"{number(contract.earned)}/{number(contract.points)}",
            escape(detail or (contract.error or "")),
        )
    if result.coverage is not None:
        table.add_row(
            "[green]✓[/]" if result.coverage.earned == result.coverage.points else "[red]✗[/]",
            COVERAGE_TITLE,
            f"{number(result.coverage.earned)}/{number(result.coverage.points)}",
            escape(coverage_details(result.coverage)),
        )
    console.print(table)
    for flag in result.flags:
        style = "yellow" if flag.severity == "review" else "dim"
        console.print(f"[{style}]note ({flag.kind}): {escape(flag.message)}[/]", highlight=False)
    for contract in result.contracts:
        for violation in contract.violations[:3]:
            if violation.advice:
                console.print(f"[cyan]instead:[/] {escape(violation.advice)}", highlight=False)
                if violation.section:
                    console.print(f"[cyan]read:[/] {escape(violation.section)}", highlight=False)
                break
    colour = "green" if result.full_marks else "yellow"
    console.print(f"[bold {colour}]{escape(result.summary)}[/]", highlight=False)
    if hint:
        console.print(f"[magenta]hint:[/] {escape(hint)}", highlight=False)
