"""MkDocs hook: notebooks on the site, run quietly at build time, linked like pages.

mkdocs-jupyter runs every notebook in a fresh ``python3`` kernel. This hook puts
``_hooks/jupyter`` first on ``JUPYTER_CONFIG_PATH``, whose nbconvert config starts the
kernel with ``--IPKernelApp.log_level=ERROR``: the kernel's notice about its local TCP
transport is then not printed as a WARNING line in the build output, while its errors
still are.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).resolve().parent / "jupyter"
log = logging.getLogger("mkdocs.hooks.notebooks")


def on_config(config: Any) -> Any:
    paths = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    if str(CONFIG) not in paths:
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(CONFIG), *paths])
    return config


# A notebook's Markdown links to other chapters as `x.md`, which works in JupyterLab;
# on the site the chapter lives at another URL. Rewrite those links, and warn (which
# fails a strict build) when a target is not a page of the site.
LINK = re.compile(r'href="(?!https?:|mailto:|#|/)([^"#]+\.(?:md|ipynb))(#[^"]*)?"')


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    folder = posixpath.dirname(page.file.src_uri)

    def rewrite(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(1)))
        found = files.get_file_from_path(target)
        if found is None:
            log.warning("%s links to %s, which is not a page", page.file.src_uri, target)
            return match.group(0)
        return f'href="{found.url_relative_to(page.file)}{match.group(2) or ""}"'

    return LINK.sub(rewrite, html)
