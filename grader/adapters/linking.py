"""Trees of hard links: one copy of the course's packages, seen in many places at once.

Behaviour choices, stated once: a file is linked where the file system allows it and
copied where it does not (another file system, a browser's); directories are always
made anew. A linked file is never written through: whoever changes one replaces it
(:func:`replace_file`), so every other place keeps the original.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_file(source: Path, target: Path) -> None:
    link = getattr(os, "link", None)  # a browser's Python has none
    try:
        if link is None:
            raise OSError("no hard links here")
        link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_tree(source: Path, target: Path) -> None:
    """``source``'s folders made again under ``target``, its files linked there."""
    for folder, _, files in os.walk(source):
        here = Path(folder)
        there = target / here.relative_to(source)
        there.mkdir(parents=True, exist_ok=True)
        for name in files:
            link_file(here / name, there / name)


def replace_file(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` as a new file: a link there is cut, not written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    target.write_text(text, encoding="utf-8")
