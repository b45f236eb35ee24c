"""Trees of links: files shared, never written through; copies where links cannot be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.adapters.linking import link_tree, replace_file


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "m.py").write_text("x = 1\n")
    (root / "top.py").write_text("y = 2\n")


def test_a_linked_tree_shares_the_files_and_a_replaced_one_leaves_the_source_alone(
    tmp_path: Path,
) -> None:
    _tree(tmp_path / "source")

    link_tree(tmp_path / "source", tmp_path / "target")
    replace_file(tmp_path / "target" / "top.py", "y = 3\n")

    assert (tmp_path / "target/a/b/m.py").stat().st_ino == (
        tmp_path / "source/a/b/m.py"
    ).stat().st_ino
    assert (tmp_path / "source/top.py").read_text() == "y = 2\n"
    assert (tmp_path / "target/top.py").read_text() == "y = 3\n"


def test_without_hard_links_the_files_are_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path / "source")
    monkeypatch.delattr(os, "link")  # as in a browser's Python

    link_tree(tmp_path / "source", tmp_path / "target")

    copied = tmp_path / "target/a/b/m.py"
    assert copied.read_text() == "x = 1\n"
    assert copied.stat().st_ino != (tmp_path / "source/a/b/m.py").stat().st_ino
