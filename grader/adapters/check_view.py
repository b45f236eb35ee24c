"""What a learner sees after ``check()``: one result as an HTML table or as plain text.

``check_html`` is a pure function of a :class:`GradeResult` and a :class:`CheckView`
(standard library and the grader's domain only), so any notebook front end can import
it, the in-browser one included.

Behaviour choices, stated once:

* Every status is a word and a symbol and a colour (``✓ passed``, ``✗ failed``), so it
  reads without colour and without an emoji font.
* Cells are left-aligned and top-aligned with inline styles (JupyterLab right-aligns
  table cells otherwise); a ``file:line`` never wraps.
* A gate contract earns no points: its points column says ``gate``.
* A run-time import note goes into the row of the contract that covers it (the one with
  a violation at the same ``file:line``, else the run-time or independence contract);
  ignored files are one line (``3 other files ignored``); the grader's own state file is
  never mentioned.
* A broken boundary is drawn (:mod:`grader.adapters.boundary_picture`) in a row of its
  own, as wide as the table, under its contract's row.
* The line under the table says what to do next: when every public test and check
  passes, how many points the hidden tests still hold and which exercise comes next;
  when a boundary is broken, to mend it first (its advice is in its row); otherwise the
  next ``hint()``.
* Hidden tests are never named here: only public results reach this view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from grader.adapters.boundary_picture import boundary_svg
from grader.adapters.reports import COVERAGE_TITLE, coverage_details, number
from grader.domain.result import ContractResult, CoverageResult, Flag, GradeResult, Outcome

GREEN, RED, AMBER = "#1a7f37", "#cf222e", "#9a6700"
STATUS = {
    Outcome.PASSED: ("✓", "passed", GREEN),
    Outcome.FAILED: ("✗", "failed", RED),
    Outcome.ERROR: ("!", "error", RED),
    Outcome.TIMEOUT: ("⏱", "timed out", RED),
    Outcome.MISSING: ("?", "missing", RED),
}
KEPT, BROKEN = ("✓", "kept", GREEN), ("✗", "broken", RED)
COVERED, NOT_YET = ("✓", "passed", GREEN), ("✗", "not yet", RED)
CELL = "text-align:left;vertical-align:top;padding:4px 10px"
COLUMNS = (
    ("Status", "7em"),
    ("Test or check", "24%"),
    ("Points", "4em"),
    ("What happened", "auto"),
)
HIDDEN_NOTE = "These are the public tests. Hidden tests run when your work is graded."


@dataclass(frozen=True)
class CheckView:
    """What the table needs besides the result, all known before it is drawn."""

    hints_total: int = 0
    hints_shown: int = 0
    hidden_points: Decimal = Decimal(0)  # what the hidden tests hold, not shown here
    next_exercise: str | None = None  # the id of the exercise after this one
    link_prefix: str = ""  # turns "course/x.md" into a link from where the table is shown
    next_link: str = ""  # where the next exercise's notebook is, from the same place


def points(earned: Decimal, of: Decimal, mode: str = "points") -> str:
    return "gate" if mode == "gate" else f"{number(earned)}/{number(of)}"


def contract_status(contract: ContractResult) -> tuple[str, str, str]:
    return KEPT if contract.kept else BROKEN


def coverage_status(coverage: CoverageResult) -> tuple[str, str, str]:
    return COVERED if coverage.earned == coverage.points else NOT_YET


@dataclass(frozen=True)
class Folded:
    """Run-time import notes, by the contract whose row shows them."""

    seen: frozenset[tuple[str, str | None, int | None]]  # (contract, file, line) also at run time
    extra: dict[str, list[str]]  # notes with no static violation at their file:line
    left: list[Flag]  # every other flag


def runtime_notes(result: GradeResult) -> Folded:
    """Run-time import flags folded into their contract's row (see the module docstring)."""
    seen: set[tuple[str, str | None, int | None]] = set()
    extra: dict[str, list[str]] = {}
    left: list[Flag] = []
    ids = [c.id for c in result.contracts]
    fallback = next((i for i in ("runtime-imports", "domains-independent") if i in ids), None)
    for flag in result.flags:
        if flag.kind != "runtime-import":
            left.append(flag)
            continue
        owner = next(
            (
                c.id
                for c in result.contracts
                if any(v.file == flag.file and v.line == flag.line for v in c.violations)
            ),
            None,
        )
        if owner is not None:
            seen.add((owner, flag.file, flag.line))
        elif fallback is not None:
            extra.setdefault(fallback, []).append(f"imported at run time: {flag.message}")
        else:
            left.append(flag)
    return Folded(frozenset(seen), extra, left)


RUN_TIME = " (also imported at run time)"


def notes(flags: Iterable[Flag]) -> list[str]:
    """The flags worth a line each; ignored files as one line."""
    flags = list(flags)
    ignored = sum(f.kind == "ignored-file" for f in flags)
    lines = [f.message for f in flags if f.kind != "ignored-file"]
    if ignored:
        lines.append(f"{ignored} other file{'s' * (ignored != 1)} ignored")
    return lines


def passed_all(result: GradeResult) -> bool:
    return (
        all(t.outcome is Outcome.PASSED for t in result.tests)
        and all(c.kept for c in result.contracts)
        and result.full_marks
    )


def finishing(result: GradeResult, view: CheckView) -> str | None:
    """The sentence for a learner whose every public test and check passes, else None."""
    if not passed_all(result):
        return None
    hidden = (
        f" The hidden tests hold {number(view.hidden_points)} more point"
        f"{'s' * (view.hidden_points != 1)}: they run when your work is graded."
        if view.hidden_points
        else ""
    )
    after = (
        f" Next exercise: {view.next_exercise}."
        if view.next_exercise
        else " That was the last exercise of the course."
    )
    return f"All public tests and checks pass.{hidden}{after}"


def next_step(result: GradeResult, view: CheckView) -> str:
    """What to do now, in one sentence (see the module's docstring)."""
    done = finishing(result, view)
    if done:
        return done
    if any(c.violations for c in result.contracts if not c.kept):
        return "Fix the broken boundary first: what to use instead is shown with it."
    if view.hints_shown < view.hints_total:
        return f"Stuck? hint() shows hint {view.hints_shown + 1} of {view.hints_total}."
    return "Read each failure above: it names the file and line to look at."


# ------------------------------------------------------------------ HTML


def _status(symbol: str, word: str, colour: str) -> str:
    return (
        f"<td class='status' style='{CELL};white-space:nowrap;color:{colour};font-weight:600'>"
        f"{symbol} {word}</td>"
    )


def _cell(content: str, extra: str = "") -> str:
    return f"<td style='{CELL}{extra}'>{content}</td>"


def _pre(text: str) -> str:
    """A test's message: its lines kept, long lines wrapped between words only."""
    return (
        "<pre style='white-space:pre-wrap;word-break:normal;overflow-wrap:normal;margin:0;"
        f"font-size:0.92em;background:none;padding:0'>{escape(text)}</pre>"
    )


def _read(section: str, view: CheckView) -> str:
    if not section:
        return ""
    target = escape(view.link_prefix + section) if view.link_prefix else ""
    shown = escape(section)
    link = f"<a class='chapter' href='{target}'>{shown}</a>" if target else shown
    return f"<div><b>Read:</b> {link}</div>"


def _remedies(contract: ContractResult) -> list[tuple[str, str]]:
    """Each distinct (advice, section) of the contract's violations, in order."""
    return list(dict.fromkeys((v.advice, v.section) for v in contract.violations))


def _pictures(contract: ContractResult) -> str:
    """The contract's boundary pictures, for a row of their own under the contract's."""
    drawn = [boundary_svg(contract.id, v) for v in contract.violations]
    return "".join(f"<div class='picture' style='margin:4px 0'>{svg}</div>" for svg in drawn if svg)


def _contract_html(contract: ContractResult, folded: Folded, view: CheckView) -> str:
    parts = []
    for violation in contract.violations:
        where = f"{violation.file}:{violation.line}" if violation.line else violation.file
        also = RUN_TIME if (contract.id, violation.file, violation.line) in folded.seen else ""
        parts.append(
            f"<div style='margin-bottom:6px'><code style='white-space:nowrap'>{escape(where)}"
            f"</code> {escape(violation.message + also)}</div>"
        )
    for advice, section in _remedies(contract):
        if advice:
            parts.append(f"<div><b>Instead:</b> {escape(advice)}</div>")
        parts.append(_read(section, view))
    if contract.error:
        parts.append(f"<div>{escape(contract.error)}</div>")
    parts += [f"<div><i>{escape(note)}</i></div>" for note in folded.extra.get(contract.id, [])]
    if not parts and contract.kept:
        parts.append("kept")
    return "".join(parts)


def check_html(result: GradeResult, view: CheckView) -> str:
    """The ``check()`` table and the lines around it, as one HTML fragment."""
    folded = runtime_notes(result)
    rows = [
        f"<tr>{_status(*STATUS[t.outcome])}{_cell(escape(t.title))}"
        f"{_cell(points(t.earned, t.points), ';white-space:nowrap')}"
        f"{_cell(_pre(t.message))}</tr>"
        for t in result.tests
    ]
    for c in result.contracts:
        rows.append(
            f"<tr>{_status(*contract_status(c))}{_cell('Boundary: ' + escape(c.name))}"
            f"{_cell(points(c.earned, c.points, c.mode), ';white-space:nowrap')}"
            f"{_cell(_contract_html(c, folded, view))}</tr>"
        )
        pictures = _pictures(c)
        if pictures:  # the whole width of the table: the picture stays readable
            rows.append(f"<tr><td colspan='4' style='{CELL}'>{pictures}</td></tr>")
    if result.coverage is not None:
        cov = result.coverage
        rows.append(
            f"<tr>{_status(*coverage_status(cov))}"
            f"{_cell(COVERAGE_TITLE)}{_cell(points(cov.earned, cov.points), ';white-space:nowrap')}"
            f"{_cell(_pre(coverage_details(cov)))}</tr>"
        )
    head = "".join(f"<th style='{CELL};width:{width}'>{name}</th>" for name, width in COLUMNS)
    listed = "".join(f"<li>{escape(line)}</li>" for line in notes(folded.left))
    colour = GREEN if passed_all(result) else AMBER
    step = next_step(result, view)
    if view.next_exercise and view.next_link and passed_all(result):
        step = escape(step).replace(
            escape(view.next_exercise),
            f"<a class='next' href='{escape(view.next_link)}'>{escape(view.next_exercise)}</a>",
            1,
        )
    else:
        step = escape(step)
    return (
        "<div class='hexagon-check' style='text-align:left'>"
        f"<p style='font-weight:600;color:{colour};margin:0 0 6px'>{escape(result.summary)}</p>"
        "<table style='border-collapse:collapse;margin:0;width:100%;table-layout:auto'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<ul style='margin:6px 0'>{listed}</ul>" if listed else "")
        + f"<p class='next-step' style='font-weight:600;color:{colour}'>{step}</p>"
        + f"<p style='color:#57606a'><i>{HIDDEN_NOTE}</i></p></div>"
    )


# ------------------------------------------------------------------ plain text


def check_text(result: GradeResult, view: CheckView) -> str:
    """The same content as :func:`check_html`, for a terminal or a plain Python shell."""
    folded = runtime_notes(result)
    lines = []
    for test in result.tests:
        symbol, word, _ = STATUS[test.outcome]
        first = test.message.splitlines()[0] if test.message else ""
        lines.append(
            f"{symbol} {word:9} {test.title} ({points(test.earned, test.points)}) {first}".rstrip()
        )
    for contract in result.contracts:
        symbol, word, _ = contract_status(contract)
        shown = points(contract.earned, contract.points, contract.mode)
        lines.append(f"{symbol} {word:9} boundary: {contract.name} ({shown})")
        for violation in contract.violations:
            where = f"{violation.file}:{violation.line}" if violation.line else violation.file
            also = RUN_TIME if (contract.id, violation.file, violation.line) in folded.seen else ""
            lines.append(f"    {where} {violation.message}{also}")
        for advice, section in _remedies(contract):
            lines += [f"    instead: {advice}"] * bool(advice) + [f"    read: {section}"] * bool(
                section
            )
        lines += [f"    {note}" for note in folded.extra.get(contract.id, [])]
        if contract.error:
            lines.append(f"    {contract.error}")
    if result.coverage is not None:
        cov = result.coverage
        symbol, word, _ = coverage_status(cov)
        lines.append(f"{symbol} {word:9} {COVERAGE_TITLE} ({points(cov.earned, cov.points)})")
        lines += [f"    {line}" for line in coverage_details(cov).splitlines()]
    lines += [f"note: {line}" for line in notes(folded.left)]
    lines.append(result.summary)
    if not result.hidden_included:  # a graded result is final: no next step to suggest
        lines += [next_step(result, view), HIDDEN_NOTE]
    return "\n".join(lines)
