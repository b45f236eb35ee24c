"""Warm test workers: sandboxes started once, each forking a fresh child per test run.

Behaviour choices, stated once:

* A worker is a bubblewrap sandbox like the one a cold run gets (read-only system, no
  network, its own PID namespace), started once, whose PID 1 is
  :mod:`grader.adapters.inprocess.worker`. It has pytest, the grader's plugin and the
  course kernel imported before any request; each test run is a child forked from
  that state, with its own session, resource limits and (as root) its own fresh
  unprivileged user, so no learner code runs where another learner's code ran.
* The worker sees one folder of the machine besides the system and Python: its slot,
  which lies beside the workspaces (in a batch's output folder, or the temporary one).
  For each run the grader stages there, as hard links (copies across file systems),
  exactly what a cold run would be shown (the packages, that run's test folder, the
  pytest ini), at the same place relative to the slot as in the workspace, and empties
  the slot afterwards. Hidden tests are never in the slot while public tests run.
* Between runs the worker kills every other process of its namespace and empties its
  ``/tmp`` (see the worker's docstring); a worker that stops answering is killed and
  replaced.
* Workers start on first use and are reused; there are as many as runs have been
  wanted at once. :meth:`WarmPool.close` stops them all. When a worker cannot start,
  the pool says why once (:class:`~grader.errors.WorkerUnavailable`) and the runner
  grades that run cold.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.adapters.inprocess import wire
from grader.adapters.inprocess import worker as protocol
from grader.adapters.linking import link_file, link_tree
from grader.adapters.run_watch import Launch
from grader.adapters.sandbox import SCRATCH, Bubblewrap, View, fresh_uid, make_readable, rlimits
from grader.application.ports import Workspace
from grader.errors import WorkerUnavailable

READY_SECONDS = 60.0  # a loaded machine starting Python, pytest and the kernel
ANSWER_SECONDS = 5.0  # a live worker answers a kill at once
PRELOAD = ("shared",)  # the course kernel: every exercise imports it

log = logging.getLogger("grader.warm_pool")


def _discard(paths: Sequence[Path], trash: Path) -> None:
    """Move ``paths`` out of the worker's sight, into ``trash``, at once; they are
    deleted there in the background."""
    present = [p for p in paths if p.exists() or p.is_symlink()]
    if not present:
        return
    discard = Path(tempfile.mkdtemp(prefix="trash-", dir=trash))
    for number, path in enumerate(present):
        path.rename(discard / f"{number}-{path.name}")
    threading.Thread(target=shutil.rmtree, args=(discard, True), daemon=True).start()


def _new_folders(folder: Path, inside: Path) -> list[Path]:
    """Make ``folder`` (inside ``inside``); the topmost folder made, if any, in a list."""
    missing = [f for f in [folder, *folder.parents] if f.is_relative_to(inside) and not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[-1:]


def _mount_point(slot: Path) -> str:
    """The top folder of ``/tmp`` that holds ``slot`` (the sandbox made it to mount the
    slot in, so it stays), or "" when the slot lies elsewhere."""
    parts = slot.parts
    return str(Path(*parts[:3])) if parts[:2] == ("/", SCRATCH.strip("/")) else ""


class WorkerRun:
    """One test run in a warm worker, seen as a :class:`~.run_watch.TestProcess`."""

    def __init__(self, worker: WarmWorker, output_fd: int) -> None:
        self.worker = worker
        self.output_fd = output_fd
        self.code: int | None = None

    def poll(self) -> int | None:
        if self.code is None:
            message = self.worker.receive(timeout=0)
            if message is not None:
                self.code = _exit_code(message)
        return self.code

    def kill(self) -> None:
        if self.poll() is not None:
            return
        self.worker.send({"op": "kill"})
        message = self.worker.receive(timeout=ANSWER_SECONDS)
        self.code = _exit_code(message) if message is not None else -9
        if message is None:
            self.worker.stop()  # it did not answer: it is not trusted again


def _exit_code(message: dict[str, Any]) -> int:
    code = message.get("exit")
    return code if isinstance(code, int) else -9


@dataclass(frozen=True)
class WarmPlace:
    """A test run's place in a warm worker: its slot, with the run's view staged."""

    worker: WarmWorker
    root: Path

    def start(self, launch: Launch) -> WorkerRun:
        make_readable([p for p in launch.view if p.is_file()])  # the ini; the rest is staged
        return self.worker.start(launch)


class WarmWorker:
    """One sandboxed worker and its slot (see the module's docstring)."""

    def __init__(self, sandbox: Bubblewrap, template: Path, home: Path, python: str) -> None:
        # Beside the workspaces, as a cold run's workspace is: the same folders around it.
        self.slot = Path(tempfile.mkdtemp(prefix="slot-", dir=home.parent))
        self.home = home  # the log and what the slot held, outside the worker's sight
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = home / f"{self.slot.name}.log"
        command = [
            *sandbox.confine(View((self.slot,), self.slot)),
            *("--as-pid-1", "--", python, "-I", "-B", "-m", protocol.__name__),
            str(theirs.fileno()),
            str(self.slot),  # unread: names the worker and its children in the process table
        ]
        environment = {
            "PATH": os.path.dirname(python) + ":/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        self.template = template
        self.packages = self.slot / "src" / "packages"  # the course's, for good
        link_tree(template, self.packages)
        make_readable([self.slot])
        self.dirty = False  # set when a run's files could not be taken out again
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                command,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
            )
        theirs.close()
        self.send({"packages": str(self.packages), "preload": PRELOAD})
        ready = self.receive(timeout=READY_SECONDS)
        if ready is None or not ready.get("ready"):
            why = self._last_words()
            self.stop()
            raise WorkerUnavailable(why)

    def _last_words(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else "it did not say it was ready"

    @property
    def alive(self) -> bool:
        """Running, and fit for another run."""
        return not self.dirty and self.process.poll() is None

    def send(self, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
        with contextlib.suppress(OSError):
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))

    def receive(self, timeout: float) -> dict[str, Any] | None:
        """The worker's next message, or None if none came in ``timeout`` (or it died)."""
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(protocol.MAX_REQUEST)
        except (TimeoutError, BlockingIOError, OSError):
            return None
        if not data:
            self.stop()
            return {"exit": -9}
        message: dict[str, Any] = json.loads(data)
        return message

    @contextlib.contextmanager
    def staged(self, workspace: Workspace, tests: Sequence[Path]) -> Iterator[Path]:
        """The slot showing ``workspace``: the course's packages are there for good; the
        workspace's overlays (answers, starters) and ``tests`` (folders inside the
        workspace) are put in, and taken out again afterwards."""
        made: list[Path] = []  # folders new to the packages, to take out
        try:
            for relative in workspace.overlays:
                target = self.packages / relative
                made += _new_folders(target.parent, self.packages)
                target.unlink(missing_ok=True)
                link_file(workspace.packages / relative, target)
            for folder in tests:
                link_tree(folder, self.slot / folder.relative_to(workspace.root))
            shown = [self.slot / t.relative_to(workspace.root) for t in tests]
            make_readable([self.packages / r for r in workspace.overlays] + made + shown)
            yield self.slot
        finally:
            self._restore(workspace.overlays, made)

    def _restore(self, overlays: Sequence[str], made: list[Path]) -> None:
        """The slot as it was before the run: the course's own files back, the rest out."""
        try:
            for relative in overlays:
                target = self.packages / relative
                target.unlink(missing_ok=True)
                if (self.template / relative).is_file():
                    link_file(self.template / relative, target)
            others = [p for p in self.slot.iterdir() if p.name != "src"]  # tests, ini
            _discard([*made, *others], self.home)
        except OSError:
            self.dirty = True  # not trusted with another run: the pool replaces it

    def start(self, launch: Launch) -> WorkerRun:
        """Run pytest as ``launch`` says, in a fresh child of this worker."""
        read_end, write_end = os.pipe()
        request = {
            "op": "run",
            "argv": launch.arguments,
            "cwd": str(self.slot),
            "env": {
                **launch.env,
                wire.CONFIG_FD_ENV: str(wire.SETTINGS_FD),
                "HOME": SCRATCH,
                "TMPDIR": SCRATCH,
            },
            "limits": rlimits(launch.limits),
            "uid": fresh_uid() if os.geteuid() == 0 else None,
            "answers": launch.answers,
            "keep": _mount_point(self.slot),
        }
        try:
            self.send(request, [write_end, *launch.fds])
        finally:
            os.close(write_end)
        return WorkerRun(self, read_end)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 9)
        self.process.wait()
        self.control.close()
        shutil.rmtree(self.slot, ignore_errors=True)
        self.log.unlink(missing_ok=True)


class WarmPool:
    """Warm workers for one course's packages, handed out one run at a time."""

    def __init__(
        self,
        sandbox: Bubblewrap,
        template: Callable[[], Path],
        base: Path | None = None,
        python: str = sys.executable,
    ) -> None:
        self.sandbox = sandbox
        self.template = template  # the course's packages, made once (see workspace.py)
        self.base = base
        self.python = python
        self._idle: queue.SimpleQueue[WarmWorker] = queue.SimpleQueue()
        self._all: list[WarmWorker] = []
        self._lock = threading.Lock()
        self._home: Path | None = None
        self.problem: str | None = None  # why workers cannot start here, once known
        # Workers are started from this one long-lived thread: bubblewrap's
        # --die-with-parent follows the thread that started it, and a run's own thread
        # ends with the run.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="warm-spawner")
        atexit.register(self.close)  # a pool nobody closed still leaves nothing behind

    def _folder(self) -> Path:
        with self._lock:
            if self._home is None:
                if self.base is not None:
                    self.base.mkdir(parents=True, exist_ok=True)
                self._home = Path(tempfile.mkdtemp(prefix="warm-", dir=self.base))
            return self._home

    @contextlib.contextmanager
    def worker(self) -> Iterator[WarmWorker]:
        """An idle worker (a new one when none is idle), returned after the run."""
        if self.problem is not None:
            raise WorkerUnavailable(self.problem)
        chosen = None
        while chosen is None:
            try:
                chosen = self._idle.get_nowait()
            except queue.Empty:
                chosen = self._start()
            if not chosen.alive:  # died while idle
                self._forget(chosen)
                chosen = None
        try:
            yield chosen
        finally:
            if chosen.alive:
                self._idle.put(chosen)
            else:
                self._forget(chosen)

    def _forget(self, gone: WarmWorker) -> None:
        gone.stop()
        with self._lock:
            if gone in self._all:
                self._all.remove(gone)

    def _start(self) -> WarmWorker:
        try:
            started = self._spawner.submit(
                WarmWorker, self.sandbox, self.template(), self._folder(), self.python
            ).result()
        except (OSError, WorkerUnavailable) as error:
            with self._lock:
                first, self.problem = self.problem is None, self.problem or str(error)
            if first:  # two runs may have tried at once: say it once
                log.warning("warm workers cannot start here (%s): grading cold", error)
            raise WorkerUnavailable(self.problem) from error
        with self._lock:
            self._all.append(started)
        return started

    @property
    def slots(self) -> list[Path]:
        """The slots of the workers running now."""
        with self._lock:
            return [w.slot for w in self._all]

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
            home, self._home = self._home, None
        for each in workers:
            each.stop()
        self._spawner.shutdown(wait=False)
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
