"""The boundary check on the real tree, and on temporary copies with injected violations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deployment.boundaries import check_boundaries

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "src/packages"
SCRIPT = PACKAGES / "deployment/scripts/boundary-violation-check.py"
CHECKS = {
    "domains-independent",
    "shared-imports-no-domain",
    "only-deployment-wires-domains",
    "hexagon-layers",
    "dynamic-imports",
    "standard-library-only",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "packages"
    shutil.copytree(PACKAGES, copy, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    return copy


def inject(tree: Path, relative: str, source: str) -> str:
    path = tree / relative
    path.write_text(source, encoding="utf-8")
    return relative


def broken(tree: Path) -> dict[str, list[tuple[str, int | None, str]]]:
    report = check_boundaries(tree)
    found: dict[str, list[tuple[str, int | None, str]]] = {}
    for violation in report.violations:
        found.setdefault(violation.check, []).append(
            (violation.file, violation.line, violation.message)
        )
    return found


def test_the_repository_keeps_every_boundary() -> None:
    report = check_boundaries(PACKAGES)

    assert {o.check for o in report.outcomes} == CHECKS
    assert report.ok, [(o.check, o.error, o.violations) for o in report.outcomes if not o.kept]
    assert all(o.examined > 10 for o in report.outcomes)


def test_a_direct_import_between_domains_is_found_with_file_and_line(tree: Path) -> None:
    bad = inject(
        tree,
        "data/data_quality/application/shortcut.py",
        '"""A shortcut."""\n\nfrom ai.machine_learning.application import training\n',
    )

    found = broken(tree)

    assert list(found) == ["domains-independent"]
    (file, line, message), *_ = found["domains-independent"]
    assert (file, line) == (bad, 3)
    assert "ai.machine_learning.application.training" in message


@pytest.mark.parametrize(
    "call",
    [
        'importlib.import_module("ai.machine_learning")',
        '__import__("ai." + "machine_learning")',
        'importlib.import_module(f"ai.mlops")',
        'import_module("integrations.cloud.adapters")',
        'importlib.__import__("ai.machine_learning")',
        'sys.modules["ai.machine_learning.services"]',
        'sys.modules.get("ai." + "mlops")',
        'pkgutil.resolve_name("ai.machine_learning.services:train")',
        'runpy.run_module("ai.mlops")',
        'importlib.util.find_spec("ai.mlops")',
    ],
)
def test_a_dynamic_import_of_another_domain_is_found(tree: Path, call: str) -> None:
    bad = inject(
        tree,
        "data/data_quality/adapters/sneaky.py",
        "import importlib, pkgutil, runpy, sys\nfrom importlib import import_module\n\n"
        f"module = {call}\n",
    )

    found = broken(tree)

    assert list(found) == ["dynamic-imports"]
    assert found["dynamic-imports"][0][:2] == (bad, 4)


def test_a_dynamic_import_inside_ones_own_domain_is_fine(tree: Path) -> None:
    inject(
        tree,
        "data/data_quality/adapters/plugins.py",
        'import importlib\n\nrules = importlib.import_module("data.data_quality.domain")\n',
    )

    assert broken(tree) == {}


def test_the_kernel_importing_a_domain_is_found(tree: Path) -> None:
    inject(tree, "shared/integration/cheat.py", "import data.anomaly_detection\n")

    found = broken(tree)

    assert found["shared-imports-no-domain"][0][:2] == ("shared/integration/cheat.py", 1)


def test_a_domain_importing_the_composition_root_is_found(tree: Path) -> None:
    inject(tree, "integrations/cloud/application/wiring.py", "import deployment.bootstrap\n")

    found = broken(tree)

    assert "only-deployment-wires-domains" in found


def test_an_inward_layer_importing_an_outer_one_is_found(tree: Path) -> None:
    inject(tree, "ai/mlops/domain/leak.py", "from ai.mlops import adapters\n")

    found = broken(tree)

    assert list(found) == ["hexagon-layers"]


def test_a_third_party_import_in_a_domain_is_found(tree: Path) -> None:
    inject(tree, "data/data_science/domain/fast.py", "import numpy as np\n")

    found = broken(tree)

    assert found["standard-library-only"] == [
        (
            "data/data_science/domain/fast.py",
            1,
            "data.data_science.domain.fast imports the third-party module numpy",
        ),
    ]


def test_a_file_that_does_not_parse_is_not_clean(tree: Path) -> None:
    inject(tree, "ai/mlops/application/broken.py", "def oops(:\n")

    found = broken(tree)

    assert found["dynamic-imports"][0][0] == "ai/mlops/application/broken.py"
    assert "does not parse" in found["dynamic-imports"][0][2]


def test_a_check_that_examined_no_import_fails(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty/__init__.py").write_text("")
    for name in ("a", "b"):
        (tmp_path / f"empty/{name}.py").write_text("")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_packages = empty\n\n"
        "[importlinter:contract:c]\nname = a and b\ntype = independence\n"
        "modules =\n    empty.a\n    empty.b\n"
    )

    report = check_boundaries(tmp_path)

    contract = next(o for o in report.outcomes if o.check == "c")
    assert not contract.kept
    assert contract.error == "examined no import: are the root packages right?"
    assert not report.ok


def test_a_wrong_root_package_is_a_clear_failure(tmp_path: Path) -> None:
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_packages = nowhere\n\n"
        "[importlinter:contract:c]\nname = c\ntype = forbidden\n"
        "source_modules = nowhere\nforbidden_modules = elsewhere\n"
    )

    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "--fail-on-violations"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1
    assert "Could not find package 'nowhere'" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_cli_names_file_line_chain_and_remedy(tree: Path) -> None:
    inject(
        tree,
        "data/data_quality/adapters/sneaky.py",
        'import importlib\n\nml = importlib.import_module("ai.machine_learning")\n',
    )

    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tree), "--fail-on-violations"],
        capture_output=True,
        text=True,
        check=False,
    )
    without_flag = subprocess.run(
        [sys.executable, str(SCRIPT), str(tree)], capture_output=True, text=True, check=False
    )

    assert done.returncode == 1
    assert without_flag.returncode == 0
    assert "data/data_quality/adapters/sneaky.py:3" in done.stdout
    assert "chain: data.data_quality.adapters.sneaky -> ai.machine_learning" in done.stdout
    assert "instead: A dynamic import of another domain" in done.stdout
    assert "read: course/" in done.stdout
    assert "1 violation(s)" in done.stdout


def test_the_cli_speaks_json(tree: Path) -> None:
    inject(tree, "ai/mlops/adapters/x.py", "from data.data_quality import domain\n")

    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tree), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )

    report = json.loads(done.stdout)
    assert report["ok"] is False
    (violation,) = [v for c in report["checks"] for v in c["violations"]]
    assert violation["file"] == "ai/mlops/adapters/x.py"
    assert violation["line"] == 1
    assert violation["check"] == "domains-independent"


def test_the_cli_refuses_a_folder_without_config(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False
    )

    assert done.returncode == 2
    expected = f"boundary-violation-check: no boundaries config at {tmp_path}/.importlinter"
    assert done.stderr.strip() == expected
