"""A picture of a broken boundary: the import graph around one violation, as SVG.

Drawn from the violation alone (its chain, file:line and the importer's own imports,
which the contract check read from the workspace), so every report can draw it: the
notebook's ``check()``, the HTML feedback page, the docs. Standard library only, and
no I/O, so an in-browser notebook can import it too.

Behaviour choices, stated once:

* Only boundary violations get a picture: a chain of at least two modules of the
  monorepo. A third-party import (``standard-library-only``) has no route to draw.
* Modules are drawn by where they live: a domain (``data.data_quality``), the kernel
  (``shared``) or the composition root (``deployment``); the learner's module by name.
* The forbidden edge is red, solid, labelled with ``file:line`` (and the modules in
  between, for an indirect chain). The allowed route is green and dashed and goes
  through the kernel (or, for the kernel's own violations, through the composition
  root), labelled with what to use there. The importer's other imports are grey.
* Colour is never the only signal: the edges also say "forbidden" and "allowed".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from grader.domain.result import ViolationInfo

DOMAIN_TOPS = ("data", "ai", "enterprise", "integrations")
MONOREPO = (*DOMAIN_TOPS, "shared", "deployment")
NOT_BOUNDARIES = ("standard-library-only",)
RED, GREEN, GREY, INK = "#cf222e", "#1a7f37", "#8c959f", "#1f2328"
CHAR = 7.3  # px per character of the 12 px monospace font, with a little room
BOX_H, GAP, PAD = 44, 18, 16


@dataclass(frozen=True)
class Route:
    """The allowed way from the importer to what it wanted, for one kind of contract."""

    via: str  # the box the route passes through
    label: str


ROUTES = {
    "shared-imports-no-domain": Route(
        "deployment", "allowed: the domain registers a port's adapter in bootstrap"
    ),
    "only-deployment-wires-domains": Route("shared", "allowed: an injected locator or adapter"),
    "hexagon-layers": Route("a port (Protocol)", "allowed: depend on a port, inject the adapter"),
}
DEFAULT_ROUTE = Route("shared", "allowed: adapter, event or saga through shared")


def area(module: str) -> str:
    """Where a module lives: its domain (two segments), else its top-level package."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in DOMAIN_TOPS and len(parts) > 1 else parts[0]


def is_boundary(check: str, violation: ViolationInfo) -> bool:
    """Whether ``violation`` can be drawn: two or more modules, all in the monorepo."""
    chain = violation.chain
    return (
        check not in NOT_BOUNDARIES
        and len(chain) >= 2
        and all(module.split(".")[0] in MONOREPO for module in chain)
    )


def _box(x: float, y: float, width: float, title: str, caption: str, colour: str) -> str:
    return (
        f'<g class="node" data-module="{escape(title)}">'
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{BOX_H}" rx="6" '
        f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
        f'<text x="{x + 10:.0f}" y="{y + 18:.0f}" font-weight="600">{escape(title)}</text>'
        f'<text x="{x + 10:.0f}" y="{y + 35:.0f}" fill="#57606a" font-size="11">'
        f"{escape(caption)}</text></g>"
    )


def _edge(
    points: Sequence[tuple[float, float]],
    colour: str,
    css: str,
    label: str,
    at: tuple[float, float],
    under: tuple[str, tuple[float, float]] | None = None,
) -> str:
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.0f},{y:.0f}" for i, (x, y) in enumerate(points))
    dash = ' stroke-dasharray="7 5"' if css == "allowed" else ""
    width = 3 if css == "forbidden" else 2
    text = (
        f'<text x="{at[0]:.0f}" y="{at[1]:.0f}" fill="{colour}" font-weight="600" '
        f'stroke="#ffffff" stroke-width="4" paint-order="stroke">{escape(label)}</text>'
        if label
        else ""
    )
    if under is not None:
        text += (
            f'<text x="{under[1][0]:.0f}" y="{under[1][1]:.0f}" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="4" paint-order="stroke">{escape(under[0])}</text>'
        )
    return (
        f'<g class="{css}"><path d="{path}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}"{dash} marker-end="url(#{css}-arrow)"/>{text}</g>'
    )


def _marker(name: str, colour: str) -> str:
    return (
        f'<marker id="{name}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{colour}"/></marker>'
    )


def boundary_svg(check: str, violation: ViolationInfo) -> str | None:
    """The picture of ``violation`` of contract ``check``, or None if it is not drawable."""
    if not is_boundary(check, violation):
        return None
    importer, target = violation.chain[0], violation.chain[-1]
    home, reached = area(importer), area(target)
    route = ROUTES.get(check, DEFAULT_ROUTE)
    others = sorted(
        {area(m) for m in violation.imports if m.split(".")[0] in MONOREPO}
        - {home, reached, route.via}
    )
    where = f"{violation.file}:{violation.line}" if violation.line else violation.file
    via = " via " + " → ".join(violation.chain[1:-1]) if len(violation.chain) > 2 else ""
    forbidden_label = f"{where}{via}"  # under the edge; "forbidden" is written above it

    left_w = max(len(importer), len(f"your module, in {home}")) * CHAR + 24
    right_titles = [reached, *others]
    right_w = max(max(len(t) for t in right_titles), len(target), 14) * CHAR + 24
    left_x, top = PAD, PAD + 26  # below the heading
    # The allowed route runs down from the learner's box, along its label, into the box
    # it goes through, then up to what was wanted: nothing may overlap on the way.
    route_x = left_x + left_w / 2
    via_w = max(len(route.via), len("the kernel")) * CHAR + 24
    via_x = route_x + 8 + len(route.label) * CHAR + 16
    right_x = max(left_x + left_w + len(forbidden_label) * CHAR + 40, via_x + via_w + 60)
    width = right_x + right_w + PAD
    via_y = top + BOX_H + 64
    rows = max(len(right_titles), 1)
    height = max(via_y + BOX_H, top + rows * (BOX_H + GAP) - GAP) + PAD + 4

    learner_mid = top + BOX_H / 2
    parts = [
        _box(left_x, top, left_w, importer, f"your module, in {home}", "#0969da"),
        _box(right_x, top, right_w, reached, target, RED),
        _box(via_x, via_y, via_w, route.via, _via_caption(route.via), GREEN),
        _edge(
            [(left_x + left_w, learner_mid), (right_x - 2, learner_mid)],
            RED,
            "forbidden",
            "✗ forbidden",
            (left_x + left_w + 12, learner_mid - 7),
            (forbidden_label, (left_x + left_w + 12, learner_mid + 16)),
        ),
        _edge(
            [
                (left_x + left_w / 2, top + BOX_H),
                (left_x + left_w / 2, via_y + BOX_H / 2),
                (via_x - 2, via_y + BOX_H / 2),
            ],
            GREEN,
            "allowed",
            route.label,
            (route_x + 8, via_y + BOX_H / 2 - 8),
        ),
        _edge(
            [(via_x + via_w, via_y + BOX_H / 2), (right_x - 2, top + BOX_H - 8)],
            GREEN,
            "allowed",
            "",
            (0, 0),
        ),
    ]
    for index, other in enumerate(others, start=1):
        y = top + index * (BOX_H + GAP)
        parts.append(_box(right_x, y, right_w, other, "also imported", GREY))
        parts.append(
            _edge(
                [(left_x + left_w * 0.8, top + BOX_H), (right_x - 2, y + BOX_H / 2)],
                GREY,
                "also",
                "",
                (0, 0),
            )
        )
    heading = f"Boundary broken: {importer} imports {target}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="boundary-picture" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'data-check="{escape(check)}" data-forbidden="{escape(importer)} -&gt; '
        f'{escape(target)}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
        f'font-size="12" fill="{INK}" style="max-width:100%;height:auto">'
        f"<title>{escape(heading)}</title>"
        f"<defs>{_marker('forbidden', RED)}{_marker('allowed', GREEN)}{_marker('also', GREY)}"
        "</defs>"
        f'<rect width="100%" height="100%" fill="#f6f8fa" rx="8"/>'
        f'<text x="{PAD}" y="{PAD + 10}" font-weight="600">{escape(heading)}</text>'
        + "".join(parts)
        + "</svg>"
    )


def _via_caption(via: str) -> str:
    return {"shared": "the kernel", "deployment": "the composition root"}.get(via, "in your domain")
