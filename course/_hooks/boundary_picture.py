"""MkDocs hook: the picture ``check()`` draws for a broken boundary, drawn at build time.

Where a page says ``<!-- generated: boundary-picture -->``, the hook copies
``src/packages`` to a temporary folder, writes the wrong adapter below into it (the
data quality domain importing the anomaly detection domain directly), runs the
grader's own boundary check on that copy and puts the picture of the violation it
finds in the page: the same SVG a learner sees, from real imports.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from grader.adapters.boundary_picture import boundary_svg
from grader.adapters.contracts import BoundaryContracts
from grader.application.ports import Workspace
from grader.domain.exercise import ContractRule

MARKER = "<!-- generated: boundary-picture -->"
ANSWER = "data/data_quality/adapters/anomaly_detection.py"
WRONG = '''"""Data quality reaching into anomaly detection: the boundary check stops this."""

from data.anomaly_detection.application.detection import AnomalyDetectionService
from shared.integration.domain_adapters import BaseDomainAdapter


class AnomalyDetectionAdapter(BaseDomainAdapter):
    domain_name = "anomaly_detection"
'''


def picture(packages: Path) -> str:
    """The SVG of the first violation the check finds in the wrong adapter."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "src" / "packages"
        shutil.copytree(packages, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy / ANSWER).write_text(WRONG, encoding="utf-8")
        checker = BoundaryContracts(packages / ".importlinter")
        workspace = Workspace(Path(folder), copy, ())
        (result,) = checker.check(workspace, [ContractRule("domains-independent")], "")
    svg = next((boundary_svg(result.id, v) for v in result.violations), None)
    if svg is None:
        raise RuntimeError(f"the wrong adapter broke no boundary: {result}")
    return f'<div class="boundary-picture-example">{svg}</div>'


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    packages = Path(config["config_file_path"]).parent / "src" / "packages"
    return markdown.replace(MARKER, picture(packages))
