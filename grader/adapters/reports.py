"""Writes a :class:`GradeResult` as our JSON, Gradescope's results.json, JUnit XML, HTML.

Every format draws the same rows (:mod:`grader.adapters.presentation`), so they cannot
disagree on a status or a number of points. Hidden tests carry no message in the result
itself, so no format can leak their text. Our JSON keeps the whole result as it is and
adds the rows, as every other format shows them.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from grader.adapters.boundary_picture import boundary_svg
from grader.adapters.presentation import OUTCOMES, Kind, Row, Status, rows, where
from grader.domain.result import (
    ContractResult,
    CoverageResult,
    FileCoverage,
    Flag,
    GradeResult,
    Outcome,
    Severity,
    TestResult,
    ViolationInfo,
)
from grader.domain.scoring import plain

SCHEMA = "hexagon-grader/result/v1"


def number(value: Decimal) -> int | float:
    """A JSON number that says exactly what the Decimal says (3, not 3.0; 0.5 stays 0.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def to_json(result: GradeResult) -> dict[str, Any]:
    data = _jsonable(asdict(result))
    return {
        "schema": SCHEMA,
        **data,
        "full_marks": result.full_marks,
        "needs_review": result.needs_review,
        "rows": [_row_json(row) for row in rows(result)],
    }


def _row_json(row: Row) -> dict[str, Any]:
    return {
        "kind": row.kind.value,
        "id": row.id,
        "title": row.label,
        "status": row.status.value,
        "points": row.points,
        "earned": number(row.earned),
        "possible": number(row.possible),
        "text": row.text,
    }


def from_json(data: dict[str, Any]) -> GradeResult:
    """The result that :func:`to_json` wrote (numbers back to Decimals, lists to tuples):
    ``from_json(to_json(r)) == r``. How a result comes back from a Dask worker."""
    coverage = data.get("coverage")
    return GradeResult(
        exercise=data["exercise"],
        learner=data["learner"],
        score=_decimal(data["score"]),
        max_score=_decimal(data["max_score"]),
        tests=tuple(_test(t) for t in data["tests"]),
        contracts=tuple(_contract(c) for c in data["contracts"]),
        flags=tuple(
            Flag(f["kind"], f["message"], Severity(f["severity"]), f["file"], f["line"])
            for f in data["flags"]
        ),
        coverage=None
        if coverage is None
        else CoverageResult(
            points=_decimal(coverage["points"]),
            earned=_decimal(coverage["earned"]),
            percent=_decimal(coverage["percent"]),
            message=coverage["message"],
            files=tuple(
                FileCoverage(f["path"], f["statements"], tuple(f["missing"]))
                for f in coverage["files"]
            ),
            tests=tuple(_test(t) for t in coverage["tests"]),
        ),
        summary=data["summary"],
        hidden_included=data["hidden_included"],
        fingerprint=data["fingerprint"],
        environment=dict(data["environment"]),
        duration=data["duration"],
    )


def _decimal(value: int | float) -> Decimal:
    return Decimal(str(value))  # str: 0.1 stays 0.1, not its binary neighbour


def _test(data: dict[str, Any]) -> TestResult:
    return TestResult(
        id=data["id"],
        title=data["title"],
        points=_decimal(data["points"]),
        earned=_decimal(data["earned"]),
        outcome=Outcome(data["outcome"]),
        duration=data["duration"],
        message=data["message"],
        hidden=data["hidden"],
    )


def _contract(data: dict[str, Any]) -> ContractResult:
    violations = tuple(
        ViolationInfo(
            file=v["file"],
            line=v["line"],
            message=v["message"],
            chain=tuple(v["chain"]),
            advice=v["advice"],
            section=v["section"],
            imports=tuple(v["imports"]),
        )
        for v in data["violations"]
    )
    return ContractResult(
        id=data["id"],
        name=data["name"],
        mode=data["mode"],
        points=_decimal(data["points"]),
        earned=_decimal(data["earned"]),
        kept=data["kept"],
        violations=violations,
        error=data["error"],
    )


def to_gradescope(result: GradeResult) -> dict[str, Any]:
    tests = [
        {
            "name": row.label,
            "score": number(row.earned),
            "max_score": number(row.possible),
            "status": "passed" if row.status.ok else "failed",
            "output": row.text or row.status.value,
        }
        for row in rows(result)
    ]
    return {"score": number(result.score), "output": result.summary, "tests": tests}


CLASSNAMES = {Kind.TEST: "", Kind.CONTRACT: ".contracts", Kind.COVERAGE: ".coverage"}


def to_junit(results: Iterable[GradeResult]) -> str:
    """One suite per result; a row that could not be judged is an error, else a failure.
    JUnit has no points: a row's points are in Gradescope's format and the others."""
    suites = ET.Element("testsuites")
    for result in results:
        drawn = rows(result)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{result.learner}/{result.exercise}",
            tests=str(len(drawn)),
            failures=str(sum(not r.status.ok and not r.status.unjudged for r in drawn)),
            errors=str(sum(r.status.unjudged for r in drawn)),
            time=f"{result.duration:.3f}",
        )
        for row in drawn:
            case = ET.SubElement(
                suite, "testcase", classname=result.exercise + CLASSNAMES[row.kind], name=row.title
            )
            if row.duration is not None:
                case.set("time", f"{row.duration:.3f}")
            if not row.status.ok:
                tag = "error" if row.status.unjudged else "failure"
                child = ET.SubElement(case, tag, message=row.message or row.status.value)
                child.text = row.text or None
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


STYLE = (
    """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1f24}
h1{font-size:1.4rem}.score{font-size:2rem;font-weight:600}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:0;font-size:.85rem}
.flag{background:#fff8c5;padding:.5rem;margin:.3rem 0;border-radius:4px}
footer{color:#666;font-size:.8rem;margin-top:2rem}
code,td:first-child{white-space:nowrap}
"""
    + "".join(f".{s.css}{{color:{s.colour}}}" for s in Status)
    + "\n"
)


def to_html(result: GradeResult, hints: Iterable[str] = (), explanations: str = "") -> str:
    """The feedback page; ``explanations`` are shown only for graded (hidden-test) results."""
    e = html.escape
    drawn = rows(result)
    tests = "".join(
        _row_html(r, f"<pre>{e(r.message)}</pre>") for r in drawn if r.kind is Kind.TEST
    )
    contracts = "".join(_row_html(r, _contract_html(r)) for r in drawn if r.kind is Kind.CONTRACT)
    own = "".join(_coverage_html(r) for r in drawn if r.kind is Kind.COVERAGE)
    flags = "".join(f"<div class='flag'>{e(f.kind)}: {e(f.message)}</div>" for f in result.flags)
    hint_list = "".join(f"<li>{e(h)}</li>" for h in hints)
    environment = ", ".join(f"{e(k)} {e(v)}" for k, v in result.environment.items())
    shown = after_grading(explanations, result) if result.hidden_included else ""
    explained = f"<h2>After grading</h2><pre>{e(shown)}</pre>" if shown else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(result.exercise)}: feedback</title>
<style>{STYLE}</style></head><body>
<h1>{e(result.exercise)} · {e(result.learner)}</h1>
<p class="score">{plain(result.score)} / {plain(result.max_score)}</p>
<p>{e(result.summary)}</p>
<h2>Tests</h2><table>{_head("Test")}
{tests}</table>
{f"<h2>Boundary checks</h2><table>{_head('Check')}{contracts}</table>" if contracts else ""}
{own}
{f"<h2>Notes</h2>{flags}" if flags else ""}
{f"<h2>Hints</h2><ul>{hint_list}</ul>" if hint_list else ""}
{explained}
<footer>Hidden tests show their title and outcome only. {environment}</footer>
</body></html>
"""


def after_grading(explanations: str, result: GradeResult) -> str:
    """The explanations this result may show: the text before the first ``## test_...``
    heading, then the body of each ``## test_<name>`` section whose test this result ran,
    in the result's order (a learner graded on drawn questions sees theirs only)."""
    intro, *sections = re.split(r"^## (test_\w+)[ \t]*\n", explanations, flags=re.M)
    bodies = dict(zip(sections[::2], sections[1::2], strict=True))
    names = [t.id.rsplit("::", 1)[-1] for t in result.tests]
    kept = [intro.strip(), *(bodies[n].strip() for n in names if n in bodies)]
    return "\n\n".join(part for part in kept if part)


def _head(what: str) -> str:
    """The same columns in every table, so they line up down the page."""
    return (
        "<tr><th style='width:7em'>Result</th>"
        f"<th style='width:30%'>{what}</th><th style='width:5em'>Points</th><th>Details</th></tr>"
    )


def _row_html(row: Row, details: str) -> str:
    """A row of four cells: status, title, points, details (already HTML)."""
    hidden = " <em>(hidden)</em>" if row.hidden else ""
    return (
        f"<tr><td class='{row.status.css}'>{row.status.value}</td>"
        f"<td>{html.escape(row.title)}{hidden}</td><td>{row.points}</td><td>{details}</td></tr>"
    )


def _contract_html(row: Row) -> str:
    e = html.escape
    source = row.source
    assert isinstance(source, ContractResult)
    shown = "".join(_violation(source.id, v) for v in source.violations) + e(source.error or "")
    for remedy in row.remedies:
        said = [f"Instead: {e(remedy.advice)}"] * bool(remedy.advice)
        said += [f"Read: {e(remedy.section)}"] * bool(remedy.section)
        shown += f"<p>{'<br>'.join(said)}</p>"
    return shown


def _coverage_html(row: Row) -> str:
    """The coverage row, then each of the learner's own tests (no points of their own)."""
    e = html.escape
    coverage = row.source
    assert isinstance(coverage, CoverageResult)
    own = "".join(
        f"<tr class='own'><td class='{OUTCOMES[t.outcome].css}'>{OUTCOMES[t.outcome].value}</td>"
        f"<td>{e(t.title)}</td><td></td><td><pre>{e(t.message)}</pre></td></tr>"
        for t in coverage.tests
    )
    coverage_row = _row_html(row, e(coverage.message))
    return f"<h2>Your own tests</h2><table>{_head('Test')}{coverage_row}{own}</table>"


def _violation(check: str, violation: ViolationInfo) -> str:
    e = html.escape
    chain = " → ".join(violation.chain)
    picture = boundary_svg(check, violation)
    return (
        f"<p><code>{e(where(violation.file, violation.line))}</code> {e(violation.message)}"
        f"<br><small>{e(chain)}</small></p>"
        + (f"<div class='picture'>{picture}</div>" if picture else "")
    )
