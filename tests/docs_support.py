"""Helpers for the docs tests: the course's Markdown code samples, and a built site.

A page's ```` ```python ```` blocks are its samples. They run in order in one
namespace per page (top-level ``await`` allowed), as a reader would paste them. A
sample followed directly by a ```` ```text title="Output" ```` block must print exactly
that text.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import functools
import inspect
import io
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Sample:
    page: str
    line: int
    code: str
    output: str | None  # what it must print, when the page shows it


def samples(page: Path) -> list[Sample]:
    """The Python samples of one Markdown page, each with the output shown after it."""
    text = page.read_text(encoding="utf-8")
    fences = list(FENCE.finditer(text))
    found = []
    for index, fence in enumerate(fences):
        if fence.group("info").strip().split(" ")[0] != "python":
            continue
        output = None
        if index + 1 < len(fences):
            following = fences[index + 1]
            between = text[fence.end() : following.start()]
            if not between.strip() and 'title="Output"' in following.group("info"):
                output = following.group("body")
        line = text.count("\n", 0, fence.start()) + 1
        found.append(Sample(page.relative_to(COURSE).as_posix(), line, fence.group("body"), output))
    return found


def pages_with_samples() -> list[Path]:
    return sorted(p for p in COURSE.rglob("*.md") if "_hooks" not in p.parts and samples(p))


async def run_page(page: Path) -> list[tuple[Sample, str]]:
    """Run every sample of ``page`` in one namespace; return what each printed."""
    namespace: dict[str, Any] = {"__name__": "__main__"}  # as in a REPL or a notebook
    printed = []
    for sample in samples(page):
        code = compile(
            sample.code,
            f"{sample.page}:{sample.line}",
            "exec",
            flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        )
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            result = eval(code, namespace)
            if inspect.iscoroutine(result):
                await result
        printed.append((sample, buffer.getvalue()))
    return printed


def run_page_sync(page: Path) -> list[tuple[Sample, str]]:
    return asyncio.run(run_page(page))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class BuiltSite:
    folder: Path
    output: str  # what `mkdocs build` printed
    seconds: float


_built: list[BuiltSite] = []


def build_site(tmp_path_factory: Any) -> BuiltSite:
    """Build the site once per test session (``mkdocs build --strict``) and reuse it."""
    if not _built:
        folder = tmp_path_factory.mktemp("site")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(folder)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise AssertionError(f"mkdocs build failed ({done.returncode}):\n{output}")
        _built.append(BuiltSite(folder, output, time.perf_counter() - started))
    return _built[0]
