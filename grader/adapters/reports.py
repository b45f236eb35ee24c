"""Writes a :class:`GradeResult` as our JSON, Gradescope's results.json, JUnit XML, HTML.

Every format is made from the same result, so they cannot disagree. Hidden tests
carry no message in the result itself, so no format can leak their text.
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

SCHEMA = "hexagon-grader/result/v1"


def number(value: Decimal) -> int | float:
    """A JSON number that says exactly what the Decimal says (3, not 3.0; 0.5 stays 0.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_json(result: GradeResult) -> dict[str, Any]:
    data = _plain(asdict(result))
    return {
        "schema": SCHEMA,
        **data,
        "full_marks": result.full_marks,
        "needs_review": result.needs_review,
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
            "name": t.title + (" (hidden)" if t.hidden else ""),
            "score": number(t.earned),
            "max_score": number(t.points),
            "status": "passed" if t.outcome is Outcome.PASSED else "failed",
            "output": t.message or t.outcome.value,
        }
        for t in result.tests
    ]
    tests += [
        {
            "name": f"Boundary check: {c.name}",
            "score": number(c.earned),
            "max_score": number(c.points),
            "status": "passed" if c.kept else "failed",
            "output": "\n".join(f"{v.file}:{v.line}: {v.message}" for v in c.violations)
            or (c.error or "kept"),
        }
        for c in result.contracts
    ]
    if result.coverage is not None:
        tests.append(
            {
                "name": COVERAGE_TITLE,
                "score": number(result.coverage.earned),
                "max_score": number(result.coverage.points),
                "status": "passed" if result.coverage.earned else "failed",
                "output": coverage_details(result.coverage),
            }
        )
    return {"score": number(result.score), "output": result.summary, "tests": tests}


COVERAGE_TITLE = "Your own tests: coverage of your answer"
SHOWN_FAILURES = 3  # of the learner's own tests, in one cell of a table


def coverage_details(coverage: CoverageResult) -> str:
    """The coverage message, then each of the learner's tests that did not pass."""
    failing = [t for t in coverage.tests if t.outcome is not Outcome.PASSED]
    lines = [coverage.message]
    lines += [
        f"{t.title}: {t.outcome.value}" + (f": {t.message.splitlines()[0]}" if t.message else "")
        for t in failing[:SHOWN_FAILURES]
    ]
    if len(failing) > SHOWN_FAILURES:
        lines.append(f"and {len(failing) - SHOWN_FAILURES} more of your tests did not pass")
    return "\n".join(lines)


def to_junit(results: Iterable[GradeResult]) -> str:
    suites = ET.Element("testsuites")
    for result in results:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{result.learner}/{result.exercise}",
            tests=str(len(result.tests) + len(result.contracts) + (result.coverage is not None)),
            failures=str(
                sum(t.outcome is Outcome.FAILED for t in result.tests)
                + sum(not c.kept for c in result.contracts)
                + bool(result.coverage and result.coverage.earned < result.coverage.points)
            ),
            errors=str(
                sum(t.outcome not in (Outcome.PASSED, Outcome.FAILED) for t in result.tests)
            ),
            time=f"{result.duration:.3f}",
        )
        for test in result.tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=result.exercise,
                name=test.title,
                time=f"{test.duration:.3f}",
            )
            if test.outcome is Outcome.FAILED:
                ET.SubElement(case, "failure", message=test.message or "failed")
            elif test.outcome is not Outcome.PASSED:
                ET.SubElement(case, "error", message=test.message or test.outcome.value)
        for contract in result.contracts:
            case = ET.SubElement(
                suite, "testcase", classname=f"{result.exercise}.contracts", name=contract.name
            )
            if not contract.kept:
                text = "; ".join(f"{v.file}:{v.line} {v.message}" for v in contract.violations)
                ET.SubElement(case, "failure", message=text or contract.error or "broken")
        if result.coverage is not None:
            case = ET.SubElement(
                suite, "testcase", classname=f"{result.exercise}.coverage", name=COVERAGE_TITLE
            )
            if result.coverage.earned < result.coverage.points:
                ET.SubElement(case, "failure", message=coverage_details(result.coverage))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1f24}
h1{font-size:1.4rem}.score{font-size:2rem;font-weight:600}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:0;font-size:.85rem}
.passed{color:#1a7f37}.failed,.error,.timeout,.missing,.broken{color:#cf222e}
.flag{background:#fff8c5;padding:.5rem;margin:.3rem 0;border-radius:4px}
footer{color:#666;font-size:.8rem;margin-top:2rem}
code{white-space:nowrap}
"""


def to_html(result: GradeResult, hints: Iterable[str] = (), explanations: str = "") -> str:
    """The feedback page; ``explanations`` are shown only for graded (hidden-test) results."""
    e = html.escape
    rows = "".join(
        f"<tr><td class='{t.outcome.value}'>{e(t.outcome.value)}</td><td>{e(t.title)}"
        f"{' <em>(hidden)</em>' if t.hidden else ''}</td>"
        f"<td>{number(t.earned)}/{number(t.points)}</td><td><pre>{e(t.message)}</pre></td></tr>"
        for t in result.tests
    )
    contracts = "".join(
        f"<tr><td class='{'passed' if c.kept else 'broken'}'>{'kept' if c.kept else 'broken'}</td>"
        f"<td>{e(c.name)} <small>({e(c.mode)})</small></td>"
        f"<td>{number(c.earned)}/{number(c.points)}</td>"
        f"<td>{''.join(_violation(c.id, v) for v in c.violations)}{e(c.error or '')}</td></tr>"
        for c in result.contracts
    )
    own = _coverage_html(result.coverage) if result.coverage else ""
    flags = "".join(f"<div class='flag'>{e(f.kind)}: {e(f.message)}</div>" for f in result.flags)
    hint_list = "".join(f"<li>{e(h)}</li>" for h in hints)
    environment = ", ".join(f"{e(k)} {e(v)}" for k, v in result.environment.items())
    shown = after_grading(explanations, result) if result.hidden_included else ""
    explained = f"<h2>After grading</h2><pre>{e(shown)}</pre>" if shown else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(result.exercise)}: feedback</title>
<style>{STYLE}</style></head><body>
<h1>{e(result.exercise)} · {e(result.learner)}</h1>
<p class="score">{number(result.score)} / {number(result.max_score)}</p>
<p>{e(result.summary)}</p>
<h2>Tests</h2><table><tr><th>Result</th><th>Test</th><th>Points</th><th>Details</th></tr>
{rows}</table>
{f"<h2>Boundary checks</h2><table>{contracts}</table>" if contracts else ""}
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


def _coverage_html(coverage: CoverageResult) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td class='{t.outcome.value}'>{e(t.outcome.value)}</td><td>{e(t.title)}</td>"
        f"<td><pre>{e(t.message)}</pre></td></tr>"
        for t in coverage.tests
    )
    return (
        f"<h2>{COVERAGE_TITLE}</h2>"
        f"<p><b>{number(coverage.earned)}/{number(coverage.points)}</b> · "
        f"{e(coverage.message)}</p>" + (f"<table>{rows}</table>" if rows else "")
    )


def _violation(check: str, violation: ViolationInfo) -> str:
    e = html.escape
    chain = " → ".join(violation.chain)
    read = f"<br>Read: {e(violation.section)}" if violation.section else ""
    picture = boundary_svg(check, violation)
    return (
        f"<p><code>{e(violation.file)}:{violation.line or ''}</code> {e(violation.message)}"
        f"<br><small>{e(chain)}</small><br>{e(violation.advice)}{read}</p>"
        + (f"<div class='picture'>{picture}</div>" if picture else "")
    )
