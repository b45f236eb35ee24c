"""How the test process is confined: resource limits, and no network where possible.

:class:`ResourceLimits` wraps the command with util-linux's ``prlimit`` (memory,
processes, file size, open files, CPU time, no core dumps) and, when this machine
allows it, ``unshare --net`` so the tests run with no network. ``describe()`` says
which, for the environment section of every result.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from typing import Protocol

from grader.application.ports import Workspace
from grader.domain.exercise import Limits

MB = 1024 * 1024


class Sandbox(Protocol):
    def wrap(self, command: list[str], workspace: Workspace, limits: Limits) -> list[str]: ...

    def describe(self) -> str: ...


@cache
def network_isolation() -> tuple[str, ...]:
    """The ``unshare`` prefix that gives a process no network here, or () if none works."""
    if not shutil.which("unshare"):
        return ()
    for prefix in (("unshare", "--net"), ("unshare", "--user", "--map-root-user", "--net")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=5, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return ()


class ResourceLimits:
    def __init__(self, isolate_network: bool = True) -> None:
        self.network = network_isolation() if isolate_network else ()
        self.prlimit = shutil.which("prlimit")

    def wrap(self, command: list[str], workspace: Workspace, limits: Limits) -> list[str]:
        prefix: list[str] = list(self.network)
        if self.prlimit:
            prefix += [
                self.prlimit,
                f"--as={max(limits.memory_mb, 256) * MB}",
                f"--nproc={limits.processes}",
                f"--fsize={limits.file_size_mb * MB}",
                "--nofile=256",
                "--core=0",
                f"--cpu={int(limits.total_seconds) + 1}",
                "--",
            ]
        return prefix + command

    def describe(self) -> str:
        parts = ["resource limits" if self.prlimit else "no resource limits (prlimit missing)"]
        parts.append("no network" if self.network else "network NOT isolated")
        return ", ".join(parts)
