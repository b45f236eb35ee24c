"""``report.html``: one self-contained page that shows a class's results at a glance.

Behaviour choices, stated once:

* Self-contained: the style, the charts (inline SVG, see :mod:`grader.adapters.charts`)
  and the few lines of script that sort the learner table are in the page; it loads
  nothing, so it opens from disk and works offline. Without script the table is still
  there, sorted by learner.
* Every chart has a table of the same numbers right under it (its text alternative);
  the page follows the reader's light or dark colour scheme.
* Links to feedback pages are relative (``feedback/<learner>/<exercise>.html``), so the
  output folder can be moved or zipped whole.
* Hidden tests appear by title only, marked "hidden", as in every other report.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from decimal import Decimal
from statistics import median

from grader.adapters import charts
from grader.adapters.class_stats import Bin, ClassStats, Result, analyse, histogram
from grader.domain.scoring import plain

Link = Callable[[str, str], str]  # (learner, exercise) -> relative URL of the feedback page
TOP_FAILING = 10
SHOWN_DURATIONS = 30

STYLE = """
:root{color-scheme:light dark;--bg:#ffffff;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;
--bar:#3b6fb6;--alert:#c2410c;--head:#f6f8fa;--link:#0b5cad}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--ink:#e6edf3;--muted:#9aa4ae;
--line:#30363d;--bar:#6ea8fe;--alert:#fb8c4a;--head:#161b22;--link:#79b8ff}}
body{background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,sans-serif;
max-width:64rem;margin:2rem auto;padding:0 1rem}
a{color:var(--link)}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.2rem;
border-bottom:1px solid var(--line)}h3{font-size:1rem}
.chart{width:100%;height:auto;display:block;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}#learners{width:auto;min-width:50%}
th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;
vertical-align:top}th{background:var(--head)}td.n,th.n{text-align:right}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:var(--muted)}
.facts{display:flex;gap:2rem;flex-wrap:wrap}.facts div{font-size:.9rem;color:var(--muted)}
.facts b{display:block;font-size:1.4rem;color:var(--ink)}
th button{all:inherit;cursor:pointer;padding:0}th button::after{content:" ↕";
color:var(--muted)}.review{color:var(--alert);font-weight:600}
small,.muted{color:var(--muted)}
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th button").forEach(function (button, column) {
    button.addEventListener("click", function () {
      var th = button.parentElement, body = table.tBodies[0];
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var rows = Array.from(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.sort, y = b.cells[column].dataset.sort;
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
        return up ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(
        f"<th{' class=n' if i in numeric else ''}>{html.escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numbers(table: str) -> str:
    return f"<details><summary>The numbers</summary>{table}</details>"


def _histogram(bins: list[Bin], title: str, what: str, table_id: str) -> str:
    description = "; ".join(f"{b.label}: {b.count}" for b in bins)
    chart = charts.columns(
        [b.label for b in bins],
        [b.count for b in bins],
        title,
        what,
        "learners",
        f"Learners per {what}: {description}",
    )
    table = _table([what, "learners"], [[b.label, str(b.count)] for b in bins], {1})
    return chart + _numbers(table.replace("<table>", f"<table id='{table_id}'>", 1))


def _overview(stats: ClassStats) -> str:
    totals = [stats.total(learner) for learner in stats.learners]
    middle = Decimal(median(totals)) if totals else Decimal(0)
    facts = [
        ("learners", str(len(stats.learners))),
        ("exercises", str(len(stats.exercises))),
        ("median total", f"{plain(middle)} of {plain(stats.total_max)}"),
        ("full marks overall", str(sum(t == stats.total_max for t in totals))),
        ("to review", str(len(stats.review))),
    ]
    cells = "".join(
        f"<div id='fact-{name.replace(' ', '-')}'><b>{value}</b> {name}</div>"
        for name, value in facts
    )
    return f"<div class='facts'>{cells}</div>"


def _exercises(stats: ClassStats) -> str:
    parts = []
    for exercise in stats.exercises:
        scores = stats.exercise_scores(exercise)
        maximum = stats.maximum[exercise]
        line = (
            f"<p id='ex-{html.escape(exercise)}'>{len(scores)} learners · median "
            f"{plain(Decimal(median(scores)))} of {plain(maximum)} · full marks "
            f"{sum(s == maximum for s in scores)} · zero {sum(s == 0 for s in scores)}</p>"
        )
        parts.append(
            f"<h3>{html.escape(exercise)}</h3>{line}"
            + _histogram(
                histogram(scores, maximum),
                f"Scores on {exercise}",
                "score",
                f"hist-{exercise}",
            )
        )
    return "".join(parts)


def _failing(stats: ClassStats) -> str:
    top = stats.failing[:TOP_FAILING]
    if not top:
        return "<p>Every test passed for every learner.</p>"
    labels = [f"{f.exercise} · {f.title}" + (" (hidden)" if f.hidden else "") for f in top]
    chart = charts.rows(
        labels,
        [f.learners for f in top],
        "Tests most learners fail",
        "learners whose result did not pass it",
        "; ".join(f"{label}: {f.learners} of {f.of}" for label, f in zip(labels, top, strict=True)),
    )
    rows = [
        [
            html.escape(f.exercise),
            html.escape(f.title) + (" <small>(hidden)</small>" if f.hidden else ""),
            str(f.learners),
            str(f.of),
        ]
        for f in top
    ]
    table = _table(["exercise", "test", "failed", "of"], rows, {2, 3})
    return chart + _numbers(table.replace("<table>", "<table id='failing'>", 1))


def _pairs(stats: ClassStats) -> str:
    if not stats.pairs:
        return "<p>No boundary violations.</p>"
    importers = sorted({a for a, _ in stats.pairs})
    imported = sorted({b for _, b in stats.pairs})
    description = "; ".join(f"{a} imports {b}: {n}" for (a, b), n in sorted(stats.pairs.items()))
    chart = charts.matrix(
        importers,
        imported,
        dict(stats.pairs),
        "Boundary violations by domain pair",
        f"Submissions with a violation, per importing and imported domain: {description}",
    )
    rows = [[html.escape(a), html.escape(b), str(n)] for (a, b), n in sorted(stats.pairs.items())]
    table = _table(["importing domain", "imported domain", "submissions"], rows, {2})
    return chart + _numbers(table.replace("<table>", "<table id='pairs'>", 1))


def _review(stats: ClassStats, link: Link) -> str:
    if not stats.review:
        return "<p>Nothing to review.</p>"
    rows = [
        [
            html.escape(item.learner),
            f"<a href='{html.escape(link(item.learner, item.exercise))}'>"
            f"{html.escape(item.exercise)}</a>",
            "<br>".join(html.escape(reason) for reason in item.reasons) or "flagged for review",
        ]
        for item in sorted(stats.review, key=lambda i: (i.learner, i.exercise))
    ]
    return _table(["learner", "feedback", "why"], rows, set()).replace(
        "<table>", "<table id='review'>", 1
    )


def _durations(stats: ClassStats) -> str:
    if not stats.durations:
        return ""
    shown = stats.durations[:SHOWN_DURATIONS]
    queued = {(item.learner, item.exercise) for item in stats.review}
    labels = [f"{learner} · {exercise}" for learner, exercise, _ in shown]
    seconds = [d for _, _, d in stats.durations]
    more = len(stats.durations) - len(shown)
    chart = charts.rows(
        labels,
        [d for _, _, d in shown],
        "Grading time per submission",
        "seconds",
        "; ".join(f"{label}: {d:.2f} s" for label, (_, _, d) in zip(labels, shown, strict=True)),
        alert=[(learner, exercise) in queued for learner, exercise, _ in shown],
    )
    legend = (
        "<p class='muted'>Bars in <span class=review>orange</span> are submissions in the "
        "review queue.</p>"
        if any((learner, exercise) in queued for learner, exercise, _ in shown)
        else ""
    )
    note = f"<p class='muted'>The {len(shown)} slowest of {len(seconds)} shown.</p>" if more else ""
    line = (
        f"<p id='time'>{len(seconds)} submissions · {sum(seconds):.2f} s in all · median "
        f"{median(seconds):.2f} s · slowest {max(seconds):.2f} s</p>"
    )
    rows = [[html.escape(a), html.escape(b), f"{d:.3f}"] for a, b, d in stats.durations]
    table = _table(["learner", "exercise", "seconds"], rows, {2})
    return (
        line
        + chart
        + legend
        + note
        + _numbers(table.replace("<table>", "<table id='durations'>", 1))
    )


def _learners(stats: ClassStats, link: Link) -> str:
    headers = ["learner", *stats.exercises, "total", "review"]
    head = "".join(
        f"<th{' class=n' if 0 < i < len(headers) - 1 else ''}><button type='button'>"
        f"{html.escape(h)}</button></th>"
        for i, h in enumerate(headers)
    )
    rows = []
    for learner in stats.learners:
        cells = [f"<td data-sort='{html.escape(learner)}'>{html.escape(learner)}</td>"]
        for exercise in stats.exercises:
            score = stats.scores[learner].get(exercise)
            if score is None:
                cells.append("<td class=n data-sort='-1'>–</td>")
            else:
                url = html.escape(link(learner, exercise))
                shown = plain(score)
                cells.append(f"<td class=n data-sort='{shown}'><a href='{url}'>{shown}</a></td>")
        total = stats.total(learner)
        cells.append(f"<td class=n data-sort='{plain(total)}'>{plain(total)}</td>")
        flagged = learner in stats.flagged
        mark = "<span class=review>yes</span>" if flagged else ""
        cells.append(f"<td data-sort='{int(flagged)}'>{mark}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    maxima = " · ".join(f"{e}: {plain(stats.maximum[e])}" for e in stats.exercises)
    return (
        f"<p class='muted'>Out of: {html.escape(maxima)} · total {plain(stats.total_max)}. "
        "Click a heading to sort; a score links to that learner's feedback page.</p>"
        f"<table id='learners' class='sortable'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def class_report(results: Sequence[Result], link: Link) -> str:
    """The whole page for ``results`` (every stored result of one output folder)."""
    stats = analyse(results)
    if not stats.learners:
        body = "<p>No results yet: this folder holds no graded work.</p>"
    else:
        totals = [stats.total(learner) for learner in stats.learners]
        body = (
            _overview(stats)
            + "<h2>Total scores</h2>"
            + _histogram(histogram(totals, stats.total_max), "Total scores", "total", "hist-total")
            + "<h2>Scores per exercise</h2>"
            + _exercises(stats)
            + "<h2>Tests most learners fail</h2>"
            + _failing(stats)
            + "<h2>Boundary violations by domain pair</h2>"
            + _pairs(stats)
            + "<h2>Review queue</h2><p class='muted'>Integrity flags, timeouts and crashes: "
            "look before the scores are final.</p>"
            + _review(stats, link)
            + "<h2>Grading time per submission</h2>"
            + _durations(stats)
            + "<h2>Learners</h2>"
            + _learners(stats, link)
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report</title><style>{STYLE}</style></head><body>
<h1>Class report</h1>
{body}
<script>{SORT_SCRIPT}</script>
</body></html>
"""
