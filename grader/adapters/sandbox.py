"""How the test process is confined.

Two sandboxes, chosen once per grader process by :func:`choose_sandbox`:

* :class:`Bubblewrap` (preferred): the test process runs under ``bwrap`` with an empty
  root file system on which only the following are mounted read-only: the system
  (``/usr`` and its ``/lib``, ``/bin`` links), the Python installation, the virtual
  environment, the grader package, and the parts of this run's workspace the process
  needs (the packages, the tests it runs, the pytest ini). Nothing else of the machine
  is visible: not ``solutions/``, not the rest of the repository, not other workspaces,
  not the output folder. ``/tmp`` is a small private tmpfs, the only writable place.
  It gets its own network namespace (no network at all), its own PID namespace (every
  process it starts dies with it), a new session, ``--die-with-parent``, and, when the
  grader runs as root, an unprivileged user id of its own for each run (``setpriv``),
  so it has no capabilities and the process limit counts its processes only.
* :class:`ResourceLimits` (fallback, where bubblewrap cannot run): ``prlimit`` plus
  ``unshare --net`` where the machine allows it. The file system is not hidden.

Both keep ``prlimit`` on the test process itself: address space, processes, file
size, open files, CPU time, no core dumps. ``describe()`` says which confinement a
result was graded under (the ``sandbox`` key of every result's environment).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from grader.domain.exercise import Limits

MB = 1024 * 1024
SCRATCH_MB = 64  # the private /tmp inside the sandbox
OPEN_FILES = 256
UNPRIVILEGED_UIDS = (200_000, 900_000)  # a fresh uid per run, well above real accounts
PROBE_SECONDS = 30
SANDBOX_ENV = "GRADER_SANDBOX"
SCRATCH = "/tmp"  # inside the sandbox: a private tmpfs, HOME and TMPDIR

log = logging.getLogger("grader.sandbox")


@dataclass(frozen=True)
class View:
    """What one test process may see of this run, besides the system and Python.

    ``read_only`` paths are mounted read-only at the same place; ``workdir`` is the
    directory the process starts in.
    """

    read_only: tuple[Path, ...]
    workdir: Path


class Sandbox(Protocol):
    def wrap(self, command: list[str], view: View, limits: Limits) -> list[str]: ...

    def describe(self) -> str: ...


def rlimits(limits: Limits) -> dict[str, int]:
    """The resource limits of a test process, by ``resource.RLIMIT_*`` name."""
    return {
        "RLIMIT_AS": max(limits.memory_mb, 256) * MB,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_FSIZE": limits.file_size_mb * MB,
        "RLIMIT_NOFILE": OPEN_FILES,
        "RLIMIT_CORE": 0,
        "RLIMIT_CPU": int(limits.total_seconds) + 1,
    }


def _limits(prlimit: str, limits: Limits) -> list[str]:
    options = {name.removeprefix("RLIMIT_").lower(): v for name, v in rlimits(limits).items()}
    return [prlimit, *(f"--{name}={value}" for name, value in options.items()), "--"]


def fresh_uid() -> int:
    low, high = UNPRIVILEGED_UIDS
    return low + secrets.randbelow(high - low)


def _drop_root(setpriv: str | None) -> list[str]:
    """Run as a fresh unprivileged user when the grader is root.

    Root ignores the process limit and keeps capabilities; an unused uid has neither,
    and sharing it with no other process makes ``--nproc`` count this run only.
    """
    if os.geteuid() != 0 or setpriv is None:
        return []
    uid = fresh_uid()
    return [
        setpriv,
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def make_readable(paths: Iterable[Path]) -> None:
    """Let another user read ``paths`` (and traverse them): the test process runs as one.

    Workspaces are made by ``mkdtemp``, which creates folders only their owner may open.
    """
    for top in paths:
        if not top.exists():
            continue
        walk = [top] if top.is_file() else [top, *top.rglob("*")]
        for path in walk:
            try:
                if path.is_symlink():
                    continue
                mode = path.stat().st_mode
            except OSError:
                continue  # gone meanwhile
            wanted = mode | stat.S_IRGRP | stat.S_IROTH
            if path.is_dir():
                wanted |= stat.S_IXGRP | stat.S_IXOTH
            if wanted != mode:
                os.chmod(path, stat.S_IMODE(wanted))


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


@cache
def can_drop_root(python: str) -> bool:
    """Whether Python still starts as an unprivileged user (it may live under /root)."""
    drop = _drop_root(shutil.which("setpriv"))
    if not drop:
        return False
    # Through a second program, as the test process is started: setpriv itself may still
    # reach a path that the unprivileged user cannot.
    then = shutil.which("prlimit") or shutil.which("env") or "/usr/bin/env"
    try:
        probe = subprocess.run(
            [*drop, then, python, "-I", "-c", "pass"],
            capture_output=True,
            timeout=10,
            check=False,
            cwd="/",
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


class ResourceLimits:
    """The fallback: resource limits and, where possible, no network; no file-system view.

    As root, the test process runs as a fresh unprivileged user where Python can still
    start that way; otherwise it keeps root's privileges, and the process limit does not
    apply to it (``describe()`` says so).
    """

    def __init__(
        self, isolate_network: bool = True, reason: str = "", python: str = sys.executable
    ) -> None:
        self.network = network_isolation() if isolate_network else ()
        self.prlimit = shutil.which("prlimit")
        self.setpriv = shutil.which("setpriv")
        self.as_root = os.geteuid() == 0 and not can_drop_root(python)
        self.reason = reason  # why bubblewrap is not used, when it was wanted

    def wrap(self, command: list[str], view: View, limits: Limits) -> list[str]:
        prefix: list[str] = list(self.network)
        if os.geteuid() == 0 and not self.as_root:
            make_readable([view.workdir, *view.read_only])
            prefix += _drop_root(self.setpriv)
        if self.prlimit:
            prefix += _limits(self.prlimit, limits)
        return prefix + command

    def describe(self) -> str:
        parts = ["resource limits" if self.prlimit else "no resource limits (prlimit missing)"]
        if self.as_root:
            parts.append("as root (no process limit)")
        parts.append("no network" if self.network else "network NOT isolated")
        parts.append("file system NOT hidden")
        text = ", ".join(parts)
        return f"{text} (bubblewrap unavailable: {self.reason})" if self.reason else text


def _system_paths(python: str) -> tuple[list[Path], list[tuple[str, str]]]:
    """What a Python process needs of the machine: mounts and top-level symlinks."""
    mounts: list[Path] = [Path("/usr")]
    links: list[tuple[str, str]] = []
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(top)
        if path.is_symlink():
            links.append((os.readlink(path), top))
        elif path.is_dir():
            mounts.append(path)
    for file in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        if Path(file).exists():
            mounts.append(Path(file))
    if Path("/etc/ld.so.conf.d").is_dir():
        mounts.append(Path("/etc/ld.so.conf.d"))
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    prefixes |= {sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib")}
    prefixes.add(str(Path(os.path.realpath(python)).parent))
    prefixes.add(str(Path(python).parent))
    import grader  # the package the test process loads its plugin from

    prefixes.add(str(Path(grader.__file__).resolve().parent))
    mounts += [Path(p).resolve() for p in prefixes]
    return mounts, links


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """``paths`` without those already inside another one, shortest first."""
    kept: list[Path] = []
    for path in sorted(set(paths), key=lambda p: (len(p.parts), str(p))):
        if not any(path == k or path.is_relative_to(k) for k in kept if k.is_dir()):
            kept.append(path)
    return kept


class Bubblewrap:
    """Runs the test process under bubblewrap: see the module's docstring."""

    def __init__(self, bwrap: str, python: str = sys.executable) -> None:
        self.bwrap = bwrap
        self.python = python
        self.prlimit = shutil.which("prlimit")
        self.setpriv = shutil.which("setpriv")
        self.mounts, self.links = _system_paths(python)

    def wrap(self, command: list[str], view: View, limits: Limits) -> list[str]:
        args = [*self.confine(view), "--", *_drop_root(self.setpriv)]
        if self.prlimit:
            args += _limits(self.prlimit, limits)
        return args + command

    def confine(self, view: View) -> list[str]:
        """The ``bwrap`` command line up to its ``--``: the mounts and namespaces."""
        make_readable(view.read_only)
        args = [self.bwrap]
        for target, link in self.links:
            args += ["--symlink", target, link]
        made: set[Path] = {Path("/")}
        scratch = Path(SCRATCH)
        args += ["--perms", "1777", "--size", str(SCRATCH_MB * MB), "--tmpfs", str(scratch)]
        made.add(scratch)

        def folder(path: Path) -> None:  # an empty, root-owned, read-only folder and its parents
            for step in [*reversed(path.parents), path]:
                if step not in made:
                    args.extend(["--perms", "0755", "--dir", str(step)])
                    made.add(step)

        for path in [*_outermost(self.mounts), *_outermost(view.read_only)]:
            folder(path.parent)
            args += ["--ro-bind", str(path), str(path)]
            made.add(path)
        folder(view.workdir)
        return [
            *args,
            *("--proc", "/proc", "--dev", "/dev"),
            *("--remount-ro", "/"),
            *("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"),
            "--unshare-cgroup-try",
            *("--die-with-parent", "--new-session"),
            *("--hostname", "grader"),
            *("--setenv", "HOME", str(scratch), "--setenv", "TMPDIR", str(scratch)),
            *("--chdir", str(view.workdir)),
        ]

    def describe(self) -> str:
        parts = [
            "bubblewrap (read-only system, only this run's workspace visible, no network, "
            "own PID namespace"
        ]
        if os.geteuid() == 0 and self.setpriv:
            parts.append("unprivileged user")
        text = ", ".join(parts) + ")"
        return text + (", resource limits" if self.prlimit else ", no resource limits")

    def probe(self) -> str | None:
        """None when a Python test process starts under this sandbox here, else why not."""
        if os.geteuid() == 0 and not self.setpriv:
            return "setpriv is missing, so the test process would keep root's privileges"
        with tempfile.TemporaryDirectory(prefix="grader-probe-") as folder:
            root = Path(folder)
            (root / "probe").mkdir()
            view = View((root / "probe",), root)
            code = "import pytest, grader.adapters.inprocess.plugin; print('ok')"
            command = self.wrap([self.python, "-I", "-B", "-c", code], view, Limits())
            try:
                done = subprocess.run(
                    command,
                    capture_output=True,
                    timeout=PROBE_SECONDS,
                    check=False,
                    cwd=root,
                    stdin=subprocess.DEVNULL,
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                return f"{type(error).__name__}: {error}"
        if done.returncode != 0 or done.stdout.strip() != b"ok":
            detail = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
            return f"exit status {done.returncode}: {detail[-1] if detail else 'no output'}"
        return None


def bubblewrap_problem(python: str = sys.executable) -> str | None:
    """Why bubblewrap cannot confine a test process here, or None when it can (probed once).

    ``GRADER_SANDBOX=limits`` in the environment asks for the fallback on purpose.
    """
    if os.environ.get(SANDBOX_ENV) == "limits":
        return f"{SANDBOX_ENV}=limits asks for resource limits only"
    return _probe(python)


@cache
def _probe(python: str) -> str | None:
    found = shutil.which("bwrap")
    if found is None:
        return "the bwrap program is not installed"
    return Bubblewrap(found, python).probe()


_warned: set[str] = set()


def choose_sandbox(python: str = sys.executable, prefer: Sequence[str] = ("bwrap",)) -> Sandbox:
    """Bubblewrap where it runs here, else resource limits with a warning (logged once)."""
    if "bwrap" in prefer:
        problem = bubblewrap_problem(python)
        if problem is None:
            found = shutil.which("bwrap")
            assert found is not None
            return Bubblewrap(found, python)
        if problem not in _warned:
            _warned.add(problem)
            log.warning(
                "bubblewrap cannot run here (%s): grading with resource limits only; "
                "the test process can see the file system",
                problem,
            )
        return ResourceLimits(reason=problem, python=python)
    return ResourceLimits(python=python)
