"""The boundary check: import-linter contracts plus the checks it cannot make.

``check_boundaries(tree)`` runs every check on a ``src/packages`` tree and returns a
:class:`~deployment.boundaries.model.BoundaryReport`. A check that examined nothing
is reported as not kept: a vacuous pass would hide a misconfigured check.
"""

from __future__ import annotations

from pathlib import Path

from deployment.boundaries import config as _config
from deployment.boundaries.import_contracts import run_contracts
from deployment.boundaries.model import BoundaryReport, CheckOutcome, Violation
from deployment.boundaries.static_scan import scan

__all__ = ["BoundaryReport", "CheckOutcome", "Violation", "check_boundaries"]


def check_boundaries(
    tree: Path, config_path: Path | None = None, contract_ids: tuple[str, ...] | None = None
) -> BoundaryReport:
    """Check ``tree`` against the config (default: ``tree/.importlinter``).

    ``contract_ids`` limits the import-linter contracts run (``None``: all of them;
    ``()``: none); the source scans always run.
    """
    tree = tree.resolve()
    config = _config.load(config_path or tree / _config.CONFIG_NAME)
    contracts = run_contracts(tree, config, contract_ids or ()) if contract_ids != () else []
    outcomes = [*contracts, *scan(tree, config)]
    return BoundaryReport(str(tree), tuple(outcomes))
