"""The boundary picture's promises, checked on every result the grading tests produce.

Every violation of a boundary contract that names two or more modules gets a picture;
the picture is valid SVG (parsed with ``xml.etree``), its forbidden edge is the
violation's own (importer to imported, labelled with ``file:line``), and the learner's
module and the domain it reached are boxes in it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from grader.adapters.boundary_picture import area, boundary_svg
from grader.domain.result import ContractResult, ViolationInfo

SVG = "{http://www.w3.org/2000/svg}"
BOUNDARY_CHECKS = {
    "domains-independent",
    "shared-imports-no-domain",
    "only-deployment-wires-domains",
    "hexagon-layers",
    "dynamic-imports",
    "runtime-imports",
}


def check_picture(check: str, violation: ViolationInfo) -> ET.Element:
    """The parsed picture of one boundary violation, after checking what it must show."""
    svg = boundary_svg(check, violation)
    assert svg is not None, f"no picture for {check}: {violation}"
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    importer, imported = violation.chain[0], violation.chain[-1]
    assert root.get("data-forbidden") == f"{importer} -> {imported}"
    (edge,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "forbidden"]
    where = f"{violation.file}:{violation.line}" if violation.line else violation.file
    assert where in "".join(edge.itertext())
    boxes = {g.get("data-module") for g in root.iter(f"{SVG}g") if g.get("class") == "node"}
    assert {importer, area(imported)} <= boxes
    assert any(g.get("class") == "allowed" for g in root.iter(f"{SVG}g"))
    return root


def check_pictures(contracts: Iterable[ContractResult]) -> int:
    """Check the picture of every boundary violation; how many there were."""
    drawn = 0
    for contract in contracts:
        for violation in contract.violations:
            if contract.id in BOUNDARY_CHECKS and len(violation.chain) >= 2:
                check_picture(contract.id, violation)
                drawn += 1
    return drawn


def check_pictures_in_json(contracts: Iterable[Mapping[str, Any]]) -> int:
    """The same, on the ``contracts`` of a result as JSON."""
    return check_pictures(
        ContractResult(
            c["id"],
            c["name"],
            c["mode"],
            c["points"],
            c["earned"],
            c["kept"],
            tuple(
                ViolationInfo(**{**v, "chain": tuple(v["chain"]), "imports": tuple(v["imports"])})
                for v in c["violations"]
            ),
            c["error"],
        )
        for c in contracts
    )
