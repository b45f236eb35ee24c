"""The pure-Python contract check (the browser's) against import-linter (the server's).

Same tree, same config: the same contracts kept or broken, the same violations named.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deployment.boundaries import config as boundaries_config
from deployment.boundaries import graph, import_contracts
from deployment.boundaries.model import CheckOutcome

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "src/packages"

# (file, source): one injected change per case, each breaking some contract or none.
CASES = {
    "clean": None,
    "direct import between domains": (
        "data/data_quality/adapters/cheat.py",
        '"""x"""\n\nfrom ai.machine_learning.domain import model\n',
    ),
    "indirect chain through the kernel": (
        "shared/integration/relay.py",
        "import enterprise.security.domain\n",
    ),
    "relative import across layers": ("ai/mlops/domain/leak.py", "from .. import adapters\n"),
    "from-import of a package name": ("ai/mlops/domain/leak.py", "from ai.mlops import adapters\n"),
    "a domain wires the composition root": (
        "integrations/cloud/application/wiring.py",
        "def wire():\n    import deployment.bootstrap\n",
    ),
    "import inside TYPE_CHECKING": (
        "data/anomaly_detection/domain/typed.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import data.data_science\n",
    ),
    "two names, one a module": (
        "data/data_science/domain/mixed.py",
        "from data.anomaly_detection import adapters, domain\n",
    ),
}


def verdicts(outcomes: list[CheckOutcome]) -> dict[str, bool]:
    """Per contract: kept or not."""
    return {o.check: o.kept for o in outcomes}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_the_graph_check_agrees_with_import_linter(case: str, tmp_path: Path) -> None:
    tree = tmp_path / "packages"
    shutil.copytree(PACKAGES, tree, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    change = CASES[case]
    if change is not None:
        (tree / change[0]).write_text(change[1], encoding="utf-8")
    config = boundaries_config.load(tree / ".importlinter")

    ours = graph.run_contracts(tree, config)
    theirs = import_contracts.run_contracts(tree, config)

    assert verdicts(ours) == verdicts(theirs)
    assert [o.name for o in ours] == [o.name for o in theirs]
    if change is not None:
        assert not all(o.kept for o in ours), "each injected change breaks a contract"
        # The import the change made is named as the server names it: file, line, message.
        # (For chains, import-linter sometimes names a layer or a chain's middle link;
        # ours names the module that starts the chain, which is where the fix goes.)
        lines = {(v.file, v.line, v.message) for o in ours for v in o.violations}
        server = {(v.file, v.line, v.message) for o in theirs for v in o.violations}
        assert {v for v in server if v[0] == change[0]} <= lines


def test_a_violation_names_file_line_and_chain(tmp_path: Path) -> None:
    tree = tmp_path / "packages"
    shutil.copytree(PACKAGES, tree, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    (tree / "shared/integration/relay.py").write_text(
        '"""relay"""\n\nimport enterprise.security.domain\n', encoding="utf-8"
    )
    config = boundaries_config.load(tree / ".importlinter")

    (outcome,) = graph.run_contracts(tree, config, ("shared-imports-no-domain",))

    assert not outcome.kept
    (violation,) = outcome.violations
    assert (violation.file, violation.line) == ("shared/integration/relay.py", 3)
    assert violation.message == "shared.integration.relay imports enterprise.security.domain"
    assert "shared/interfaces" in violation.advice


def test_an_unknown_contract_type_is_not_kept(tmp_path: Path) -> None:
    config_text = (PACKAGES / ".importlinter").read_text(encoding="utf-8")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/__init__.py").write_text("import shared.x\n", encoding="utf-8")
    (tmp_path / "shared/x.py").write_text("", encoding="utf-8")
    odd = config_text + "\n[importlinter:contract:odd]\nname = Odd\ntype = acyclic_siblings\n"
    (tmp_path / ".importlinter").write_text(odd, encoding="utf-8")
    config = boundaries_config.load(tmp_path / ".importlinter")

    (outcome,) = graph.run_contracts(tmp_path, config, ("odd",))

    assert not outcome.kept
    assert outcome.error == "contract type 'acyclic_siblings' is not checked here"


def test_a_tree_with_no_import_is_not_kept(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/__init__.py").write_text("", encoding="utf-8")
    shutil.copy(PACKAGES / ".importlinter", tmp_path / ".importlinter")
    config = boundaries_config.load(tmp_path / ".importlinter")

    outcomes = graph.run_contracts(tmp_path, config)

    assert outcomes
    assert not any(o.kept for o in outcomes)
