"""What a learner sees after ``check()``: one result as an HTML table or as plain text.

``check_html`` is a pure function of a :class:`GradeResult` and a :class:`CheckView`
(standard library, the grader's domain and pure adapters: the rows, the boundary picture),
so any notebook front end can import it, the in-browser one included.

Behaviour choices, stated once (statuses, points and titles are the rows of
:mod:`grader.adapters.presentation`, shared by every format):

* Cells are left-aligned and top-aligned with inline styles (JupyterLab right-aligns
  table cells otherwise); a ``file:line`` never wraps.
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
from grader.adapters.presentation import AMBER, GREEN, Kind, Remedy, Row, Status, done, rows, where
from grader.domain.result import ContractResult, Flag, FlagKind, GradeResult
from grader.domain.scoring import plain

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
    ignored = sum(f.kind is FlagKind.IGNORED_FILE for f in flags)
    lines = [f.message for f in flags if f.kind != "ignored-file"]
    if ignored:
        lines.append(f"{ignored} other file{'s' * (ignored != 1)} ignored")
    return lines


def finishing(result: GradeResult, view: CheckView) -> str | None:
    """The sentence for a learner whose every public test and check passes, else None."""
    if not done(result):
        return None
    hidden = (
        f" The hidden tests hold {plain(view.hidden_points)} more point"
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
    finished = finishing(result, view)
    if finished:
        return finished
    if any(r.status is Status.BROKEN for r in rows(result)):
        return "Fix the broken boundary first: what to use instead is shown with it."
    if view.hints_shown < view.hints_total:
        return f"Stuck? hint() shows hint {view.hints_shown + 1} of {view.hints_total}."
    return "Read each failure above: it names the file and line to look at."


# ------------------------------------------------------------------ HTML


def _status(status: Status) -> str:
    return (
        f"<td class='status' style='{CELL};white-space:nowrap;color:{status.colour};"
        f"font-weight:600'>{status.symbol} {status.value}</td>"
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


def _pictures(contract: ContractResult) -> str:
    """The contract's boundary pictures, for a row of their own under the contract's."""
    drawn = [boundary_svg(contract.id, v) for v in contract.violations]
    return "".join(f"<div class='picture' style='margin:4px 0'>{svg}</div>" for svg in drawn if svg)


def found(row: Row, folded: Folded) -> list[tuple[str, str]]:
    """A contract's ``(file:line, violation)`` pairs, then its error and its run-time
    notes with no ``file:line`` of their own."""
    contract = row.source
    if not isinstance(contract, ContractResult):
        return []
    pairs = [
        (
            where(v.file, v.line),
            v.message + (RUN_TIME if (contract.id, v.file, v.line) in folded.seen else ""),
        )
        for v in contract.violations
    ]
    others = ([contract.error] if contract.error else []) + folded.extra.get(contract.id, [])
    return pairs + [("", other) for other in others]


def _contract_html(row: Row, folded: Folded, view: CheckView) -> str:
    parts = [
        f"<div style='margin-bottom:6px'><code style='white-space:nowrap'>{escape(spot)}"
        f"</code> {escape(text)}</div>"
        if spot
        else f"<div><i>{escape(text)}</i></div>"
        for spot, text in found(row, folded)
    ]
    for remedy in row.remedies:
        if remedy.advice:
            parts.append(f"<div><b>Instead:</b> {escape(remedy.advice)}</div>")
        parts.append(_read(remedy.section, view))
    return "".join(parts) or row.status.value


def _row_html(row: Row, folded: Folded, view: CheckView) -> str:
    details = _contract_html(row, folded, view) if row.kind is Kind.CONTRACT else _pre(row.message)
    shown = (
        f"<tr>{_status(row.status)}{_cell(escape(row.label))}"
        f"{_cell(row.points, ';white-space:nowrap')}{_cell(details)}</tr>"
    )
    pictures = _pictures(row.source) if isinstance(row.source, ContractResult) else ""
    if pictures:  # the whole width of the table: the picture stays readable
        shown += f"<tr><td colspan='4' style='{CELL}'>{pictures}</td></tr>"
    return shown


def check_html(result: GradeResult, view: CheckView) -> str:
    """The ``check()`` table and the lines around it, as one HTML fragment."""
    folded = runtime_notes(result)
    drawn = rows(result)
    body = "".join(_row_html(row, folded, view) for row in drawn)
    head = "".join(f"<th style='{CELL};width:{width}'>{name}</th>" for name, width in COLUMNS)
    listed = "".join(f"<li>{escape(line)}</li>" for line in notes(folded.left))
    finished = done(result, drawn)
    colour = GREEN if finished else AMBER
    step = escape(next_step(result, view))
    if view.next_exercise and view.next_link and finished:
        step = step.replace(
            escape(view.next_exercise),
            f"<a class='next' href='{escape(view.next_link)}'>{escape(view.next_exercise)}</a>",
            1,
        )
    return (
        "<div class='hexagon-check' style='text-align:left'>"
        f"<p style='font-weight:600;color:{colour};margin:0 0 6px'>{escape(result.summary)}</p>"
        "<table style='border-collapse:collapse;margin:0;width:100%;table-layout:auto'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        + (f"<ul style='margin:6px 0'>{listed}</ul>" if listed else "")
        + f"<p class='next-step' style='font-weight:600;color:{colour}'>{step}</p>"
        + f"<p style='color:#57606a'><i>{HIDDEN_NOTE}</i></p></div>"
    )


# ------------------------------------------------------------------ plain text


def check_text(result: GradeResult, view: CheckView) -> str:
    """The same content as :func:`check_html`, for a terminal or a plain Python shell."""
    folded = runtime_notes(result)
    lines = []
    for row in rows(result):
        first = row.message.splitlines()[0] if row.message and row.kind is Kind.TEST else ""
        lines.append(
            f"{row.status.symbol} {row.status.value:9} {row.label} ({row.points}) {first}".rstrip()
        )
        if row.kind is Kind.COVERAGE:
            lines += [f"    {line}" for line in row.message.splitlines()]
        lines += [
            f"    {spot} {text}" if spot else f"    {text}" for spot, text in found(row, folded)
        ]
        lines += [f"    {line}" for line in remedy_lines(row.remedies)]
    lines += [f"note: {line}" for line in notes(folded.left)]
    lines.append(result.summary)
    if not result.hidden_included:  # a graded result is final: no next step to suggest
        lines += [next_step(result, view), HIDDEN_NOTE]
    return "\n".join(lines)


def remedy_lines(remedies: Iterable[Remedy]) -> list[str]:
    """``instead: ...`` and ``read: ...``, for a terminal."""
    lines = []
    for remedy in remedies:
        lines += [f"instead: {remedy.advice}"] * bool(remedy.advice)
        lines += [f"read: {remedy.section}"] * bool(remedy.section)
    return lines
