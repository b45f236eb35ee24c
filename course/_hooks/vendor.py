"""MkDocs hook: serve the npm packages the setup installed (mermaid) from the site itself.

``scripts/setup.sh`` fetches them, pinned and integrity-checked, into ``.venv/share/npm``;
the site then loads nothing from other hosts and works offline.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
ASSETS = {"assets/vendor/mermaid.min.js": ROOT / ".venv/share/npm/mermaid/dist/mermaid.min.js"}
log = logging.getLogger("mkdocs.hooks.vendor")


def on_files(files: Files, config: Any) -> Files:
    for destination, source in ASSETS.items():
        if not source.is_file():
            log.warning("%s is missing: run 'make setup' to fetch it (diagrams need it)", source)
            continue
        files.append(File.generated(config, destination, abs_src_path=str(source)))
    return files
