"""``grader watch``: check again whenever a Python file of the workspace is saved.

Behaviour choices, stated once:

* One check at the start, then one after every save (watchfiles groups the events of
  one save; editors often write a file twice).
* Only ``.py`` files count: the grader's own state file and editor swap files do not
  start a check. What decides is the files' modification times and sizes, compared with
  those at the last check: watchfiles only wakes the loop up (at least twice a second),
  so a save made while a check ran, before the watcher was listening, is not lost.
* The screen is cleared before each check, so the newest table is the only one shown.
* Ctrl-C ends the watch with a one-line goodbye and exit status 0, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.console import Console

Snapshot = dict[str, tuple[int, int]]  # path -> (mtime in ns, size)


def snapshot(folder: Path) -> Snapshot:
    """The modification time and size of every ``.py`` file under ``folder``."""
    found: Snapshot = {}
    for path in folder.rglob("*.py"):
        try:
            stat = path.stat()
        except OSError:  # deleted while we looked
            continue
        found[path.relative_to(folder).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def wake_ups(folder: Path) -> Iterable[Any]:
    """watchfiles' batches of changes to Python files, or an empty one every 0.5 s."""
    from watchfiles import PythonFilter, watch  # imported here: only the watch needs it

    return watch(
        folder,
        watch_filter=PythonFilter(),
        raise_interrupt=True,
        yield_on_timeout=True,
        rust_timeout=500,
    )


def watch_and_check(
    folder: Path,
    check: Callable[[], object],
    console: Console,
    wakes: Iterable[Any] | None = None,
) -> int:
    """Run ``check`` now and after every change of a ``.py`` file, until Ctrl-C; 0."""
    try:
        seen = snapshot(folder)
        console.clear()
        check()
        _waiting(console, folder)
        for _ in wakes if wakes is not None else wake_ups(folder):
            now = snapshot(folder)
            if now == seen:
                continue
            changed = sorted(
                Path(p).name
                for p in now.keys() ^ seen.keys()
                | {p for p in now.keys() & seen.keys() if now[p] != seen[p]}
            )
            seen = now
            console.clear()
            console.print(f"[dim]saved: {', '.join(changed)}[/]", highlight=False)
            check()
            _waiting(console, folder)
    except KeyboardInterrupt:
        console.print("stopped watching.")
    return 0


def _waiting(console: Console, folder: Path) -> None:
    console.print(
        f"[dim]Watching {folder} for saves; Ctrl-C stops.[/]", highlight=False, soft_wrap=True
    )
