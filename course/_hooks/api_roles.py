"""MkDocs hook: tidy Sphinx roles left in the kernel's docstrings on the API pages.

The kernel's docstrings say ``:class:`~shared.exceptions.AdapterError```, which
Markdown renders as ":class:" followed by code. This hook keeps the code and drops the
role, shortening ``~a.b.C`` to ``C`` as Sphinx would.
"""

from __future__ import annotations

import re
from typing import Any

ROLE = re.compile(r":(?:class|func|meth|mod|attr|exc|data|obj):<code>(~?)([\w.]+)</code>")


def tidy(html: str) -> str:
    return ROLE.sub(
        lambda m: f"<code>{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}</code>",
        html,
    )


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return tidy(html) if page.file.src_uri.startswith("reference/") else html
