"""Charts for the class report, drawn with matplotlib and returned as inline SVG text.

Behaviour choices, stated once:

* matplotlib, through its object-oriented ``Figure`` API (no pyplot, so no global state
  and no display is touched), with the SVG backend only. It draws on the machine that
  runs the batch, needs no browser, no JavaScript and no network, and its SVG keeps
  text as text (``svg.fonttype = none``), so the page's own font and colour apply.
* Light and dark: every ink (text, axes, ticks) is drawn in a placeholder colour that
  becomes ``currentColor`` and every bar in a placeholder that becomes ``var(--bar)``,
  so the page's colour scheme decides both. The figure background is transparent.
* Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``; the page
  puts the same numbers in a table beside it (the text alternative).
* The SVG is deterministic (the chart's title as hash salt, no date), so a rebuilt
  report is the same file when the results are.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

INK = "#010203"  # placeholder colours, replaced after drawing
BAR = "#040506"
ALERT = "#070809"
WIDTH = 10.0  # inches: at the page's column width, chart text is about body-text size

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "text.parse_math": False,  # "$" in a learner id or a test title is just a "$"
        "font.family": "sans-serif",
        "font.size": 10,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def _figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    figure.patch.set_alpha(0)
    axes = figure.add_subplot()
    axes.patch.set_alpha(0)
    return figure, axes


def _svg(figure: Figure, title: str, description: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": title}):  # ids unique per chart in a page
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or doctype inside HTML
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r"<svg \1", text, count=1)
    for colour, css in ((INK, "currentColor"), (BAR, "var(--bar)"), (ALERT, "var(--alert)")):
        text = text.replace(colour, css)
    slug = _slug(title)
    # matplotlib numbers its ids per figure (figure_1, patch_1...): prefix them with the
    # chart's slug so that several charts in one page keep every id unique.
    text = re.sub(r'\bid="([^"]+)"', rf'id="{slug}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{slug}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{slug}-\1"', text)
    opening = re.match(r"<svg[^>]*>", text)
    assert opening is not None  # matplotlib always writes one
    head = opening.group(0).replace(
        "<svg ", f'<svg role="img" aria-labelledby="{slug}-t {slug}-d" class="chart" ', 1
    )
    label = (
        f'<title id="{slug}-t">{html.escape(title)}</title>'
        f'<desc id="{slug}-d">{html.escape(description)}</desc>'
    )
    return head + label + text[opening.end() :]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def columns(
    labels: Sequence[str],
    counts: Sequence[float],
    title: str,
    x_label: str,
    y_label: str,
    description: str,
) -> str:
    """Vertical bars, one per label, in order (a histogram whose bins are the labels)."""
    figure, axes = _figure(2.8)
    positions = range(len(labels))
    axes.bar(positions, counts, color=BAR, width=0.8)
    axes.set_xticks(list(positions), list(labels))
    if len(labels) > 12:
        axes.tick_params(axis="x", labelrotation=90)
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _svg(figure, title, description)


def rows(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    x_label: str,
    description: str,
    alert: Sequence[bool] = (),
) -> str:
    """Horizontal bars, the first label on top; ``alert`` bars are drawn in the alert colour."""
    figure, axes = _figure(0.8 + 0.26 * max(1, len(labels)))
    positions = list(range(len(labels)))
    colours = [ALERT if flagged else BAR for flagged in (alert or [False] * len(labels))]
    axes.barh(positions, values, color=colours, height=0.7)
    axes.set_yticks(positions, [_short(label) for label in labels])
    axes.invert_yaxis()
    axes.set_xlabel(x_label)
    if all(float(v).is_integer() for v in values):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _svg(figure, title, description)


def matrix(
    importers: Sequence[str],
    imported: Sequence[str],
    counts: dict[tuple[str, str], int],
    title: str,
    description: str,
) -> str:
    """A grid of circles: one row per importing domain, one column per imported domain,
    each circle's area and number the violations of that pair."""
    figure, axes = _figure(1.2 + 0.5 * max(1, len(importers)))
    largest = max(counts.values(), default=1)
    for (row, column), count in counts.items():
        x, y = imported.index(column), importers.index(row)
        axes.scatter([x], [y], s=900 * count / largest, color=ALERT, alpha=0.35)
        axes.annotate(str(count), (x, y), ha="center", va="center", fontweight="bold")
    axes.set_xticks(range(len(imported)), list(imported))
    axes.set_yticks(range(len(importers)), list(importers))
    axes.set_xlim(-0.6, len(imported) - 0.4)
    axes.set_ylim(len(importers) - 0.4, -0.6)
    axes.set_xlabel("imported domain (each row imports from the column)")
    axes.grid(color=INK, alpha=0.15)
    return _svg(figure, title, description)


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
