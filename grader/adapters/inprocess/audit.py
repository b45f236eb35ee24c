"""The audit hook: what the answer's own code does at run time, reported as it happens.

Behaviour choices, stated once:

* Installed with :func:`sys.addaudithook`, which nothing can remove; it reports before
  the audited call returns, and never raises (an audit hook that raises would abort
  the call it watches).
* Only calls an answer file made are reported (:class:`~.imports._Blame` decides), at
  most :data:`MAX_AUDIT_REPORTS` per process and each (what, file, line) once.
* ``tamper`` (frames, the heap, tracing, code objects, ``ctypes``, process memory, the
  tests' own files or modules, the coverage tool measuring the learner's tests): the
  grader counts neither the running test nor any later one of the process.
  ``review``: a flag for a person (processes, signals, the network, files outside the
  workspace, writes into the Python installation); the sandbox confines these anyway.
* An import of another domain's module by domain code is reported once per
  (file, line, module), with the most precise module name seen.
"""

from __future__ import annotations

import linecache
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from grader.adapters.inprocess import wire
from grader.adapters.inprocess.imports import IMPORT_EVENT, _Blame

MAX_AUDIT_REPORTS = 50  # per process: enough to review, not a flood

# Audit events that reach into the grader's own objects or change how code runs.
# Learner code doing any of these during a test invalidates that test (the grader decides).
TAMPER_EVENTS = {
    "sys._getframe": "inspects the call stack (sys._getframe)",
    "sys._current_frames": "inspects the call stack (sys._current_frames)",
    "gc.get_objects": "inspects the heap (gc.get_objects)",
    "gc.get_referrers": "inspects the heap (gc.get_referrers)",
    "gc.get_referents": "inspects the heap (gc.get_referents)",
    "sys.settrace": "installs a trace function (sys.settrace)",
    "sys.setprofile": "installs a profile function (sys.setprofile)",
    "sys.addaudithook": "adds an audit hook",
    "code.__new__": "builds code objects at run time",
    "object.__getattr__": "reads {1} (the way to another frame)",
    "object.__setattr__": "replaces {1} of a function",
}
TAMPER_SETATTR = {"__code__", "__defaults__", "__kwdefaults__"}
FRAME_ATTRIBUTES = {"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"}
# Events the sandbox confines anyway: reported for review, tests are not invalidated.
SANDBOX_EVENTS = {
    "os.fork": "forks a process",
    "os.forkpty": "forks a process",
    "os.system": "runs a shell command",
    "os.exec": "replaces the process (os.exec*)",
    "os.posix_spawn": "starts a process",
    "os.spawn": "starts a process",
    "subprocess.Popen": "starts a process (subprocess)",
    "os.kill": "sends a signal to a process",
    "os.killpg": "sends a signal to a process group",
    "object.__getattr__": "reads {1}",
    "exec": "runs code built at run time (exec/eval)",
    "compile": "compiles code at run time",
    "open": "opens {0}",
    "os.listdir": "lists {0}",
    "os.scandir": "lists {0}",
    "glob.glob": "searches files matching {0}",
    "os.remove": "removes {0}",
    "os.rename": "renames {0}",
    "os.mkdir": "creates {0}",
    "os.rmdir": "removes {0}",
    "os.symlink": "links {0}",
    "os.link": "links {0}",
    "os.chmod": "changes the mode of {0}",
    "os.truncate": "truncates {0}",
    "shutil.rmtree": "removes {0}",
}
FILE_EVENTS = {
    "open",
    "os.listdir",
    "os.scandir",
    "glob.glob",
    "os.remove",
    "os.rename",
    "os.mkdir",
    "os.rmdir",
    "os.symlink",
    "os.link",
    "os.chmod",
    "os.truncate",
    "shutil.rmtree",
}
# Blamed on learner code only when it made the call itself (stdlib helpers use them too).
DIRECT = {
    "sys._getframe",
    "sys._current_frames",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "code.__new__",
    "object.__getattr__",
    "object.__setattr__",
    "exec",
    "compile",
}
IMPORT_EVENTS = {"import", IMPORT_EVENT}
NETWORK_EVENTS = {
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
}
FRAME_EVENTS = {"sys._getframe", "sys._current_frames"}
_LINECACHE = linecache.__file__
_frame_of = sys._getframe  # captured before any answer loads


def _for_traceback() -> bool:
    """Whether the standard library's line cache is reading source for a traceback (an
    answer that logs an exception with its traceback reads the test's lines that way).
    The static scan flags ``linecache`` in an answer, which could read files the same way.
    """
    frame: FrameType | None = _frame_of(1)
    while frame is not None:
        if frame.f_code.co_filename == _LINECACHE:
            return True
        frame = frame.f_back
    return False


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_PROCESS_MEMORY = re.compile(r"/proc/[^/]+/(mem|task/.*/mem)")

Emit = Callable[[wire.Message], None]
Judgement = tuple[str, str]  # (category, what the answer did)


def _pytest_temp() -> str:
    """Where pytest's ``tmp_path`` folders go in this process (tests hand them to answers)."""
    from _pytest.tmpdir import get_user

    return os.path.join(tempfile.gettempdir(), f"pytest-of-{get_user() or 'unknown'}")


def _allowed_path(path: str, allowed: tuple[str, ...]) -> bool:
    return path.startswith(allowed) or path in ("/dev/null", "/dev/urandom", "/dev/random")


def _writes(event: str, args: tuple[Any, ...]) -> bool:
    """Whether a file event changes the file system (an ``open`` for writing, a removal)."""
    if event != "open":
        return event != "os.listdir" and event not in {"os.scandir", "glob.glob"}
    mode, flags = (*args[1:3], None, None)[:2]
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _watched(event: str) -> bool:
    return (
        event in IMPORT_EVENTS
        or event in TAMPER_EVENTS
        or event in SANDBOX_EVENTS
        or event in NETWORK_EVENTS
        or event.startswith("ctypes.")
    )


class AuditHook:
    """The hook and everything it remembers; :meth:`install` makes it permanent.

    ``test_modules`` names the test modules as they are imported: an answer importing
    one (to rebind its names, say) is tampering. ``measuring``: coverage.py runs, and
    an answer importing it is tampering.
    """

    def __init__(
        self,
        emit: Emit,
        blame: _Blame,
        workspace: str,
        measuring: bool,
        test_modules: set[str],
    ) -> None:
        self._emit = emit
        self._blame = blame
        self._measuring = measuring
        self._test_modules = test_modules
        self._local = threading.local()
        self._getframe = sys._getframe
        self._reported: set[tuple[str, str, int]] = set()
        self._imports: set[tuple[str, int, str]] = set()  # (file, line, module) reported
        self._installation = tuple(
            p.rstrip("/") + "/" for p in {sys.prefix, sys.base_prefix, sys.exec_prefix} if p
        )
        self._own = tuple(p.rstrip("/") + "/" for p in (workspace, _pytest_temp()) if p)
        self._allowed = self._own + self._installation
        self._tests = os.path.join(workspace, wire.TESTS_FOLDER) if workspace else None

    def install(self) -> None:
        sys.addaudithook(self.hook)

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if getattr(self._local, "busy", False) or not _watched(event):
            return
        self._local.busy = True
        try:
            if event in IMPORT_EVENTS:
                self._on_import(event, args)
                return
            found = self._judge(event, args)
            if found is None:
                return
            culprit = self._blame.culprit(self._getframe(1), event in DIRECT, event in FRAME_EVENTS)
            if culprit is None:
                return
            file, line = culprit
            self._report(found, event, self._blame.relative(file), line)
        except Exception:  # an audit hook that raises would abort the audited call
            pass
        finally:
            self._local.busy = False

    def _report(
        self, found: Judgement, call: str, relative: str, line: int, *, limited: bool = True
    ) -> None:
        """Emit an ``audit`` line once per (what, file, line), unless ``limited`` is False:
        then every time, and past :data:`MAX_AUDIT_REPORTS` too (these end the grading)."""
        category, what = found
        key = (what, relative, line)
        if limited:
            if key in self._reported or len(self._reported) >= MAX_AUDIT_REPORTS:
                return
            self._reported.add(key)
        self._emit(
            {
                "event": wire.Event.AUDIT,
                "category": category,
                "what": what,
                "call": call,
                "file": relative,
                "line": line,
            }
        )

    def _on_import(self, event: str, args: tuple[Any, ...]) -> None:
        name = args[0] if args and isinstance(args[0], str) else ""
        fromlist = args[1] if event == IMPORT_EVENT and len(args) > 1 else ()
        names = [f"{name}.{item}" for item in fromlist or () if isinstance(item, str)] or [name]
        if self._measuring and name.split(".")[0] == "coverage":
            self._on_coverage_import()
            return
        if name in self._test_modules:
            self._on_test_import(name)
            return
        targets = {n: self._blame.owner(n) for n in names}
        if not any(targets.values()):
            return
        found = self._blame.importer(self._getframe(2))  # 0: here, 1: the hook
        if found is None:
            return
        module, relative, line = found
        mine = self._blame.owner(module)
        if mine is None:
            return
        for target, theirs in targets.items():
            if theirs is None or theirs == mine or (relative, line, target) in self._imports:
                continue
            self._imports.add((relative, line, target))
            self._emit(
                {
                    "event": wire.Event.RUNTIME_IMPORT,
                    "importer": module,
                    "file": relative,
                    "line": line,
                    "target": target,
                    "domain": theirs,
                }
            )

    def _on_test_import(self, name: str) -> None:
        frame: FrameType | None = self._getframe(3)  # 0: here, 1: _on_import, 2: the hook
        while frame is not None and frame.f_code.co_filename == self._blame.me:
            frame = frame.f_back  # the import wrappers
        culprit = self._blame.culprit(frame, False)
        if culprit is None:
            return  # pytest importing the tests, or the tests importing each other
        found = ("tamper", f"imports the tests' own module {name}")
        self._report(found, "import", self._blame.relative(culprit[0]), culprit[1], limited=False)

    def _on_coverage_import(self) -> None:
        found = self._blame.importer(self._getframe(3))
        if found is None or self._blame.packages + found[1] not in self._blame.answers:
            return  # coverage.py importing its own parts, or pytest
        _, relative, line = found
        what = "imports the coverage tool that measures its tests"
        if (what, relative, line) not in self._reported:
            self._reported.add((what, relative, line))
            self._report(("tamper", what), "import coverage", relative, line, limited=False)

    def _judge(self, event: str, args: tuple[Any, ...]) -> Judgement | None:
        """(category, what) for a call worth reporting, else None."""
        if event in TAMPER_EVENTS:
            if event == "object.__setattr__" and (len(args) < 2 or args[1] not in TAMPER_SETATTR):
                return None
            if event == "object.__getattr__" and (len(args) < 2 or args[1] not in FRAME_ATTRIBUTES):
                return "review", SANDBOX_EVENTS[event].format(
                    "", repr(args[1])[:40] if args[1:] else ""
                )
            return "tamper", TAMPER_EVENTS[event].format(*[repr(a)[:80] for a in args[:2]], "", "")
        if event.startswith("ctypes."):
            return "tamper", f"uses ctypes ({event})"
        if event in NETWORK_EVENTS:
            return "review", f"uses the network ({event})"
        if event in FILE_EVENTS:
            return self._judge_file(event, args)
        if event in SANDBOX_EVENTS:
            return "review", SANDBOX_EVENTS[event].format("", "")
        return None

    def _judge_file(self, event: str, args: tuple[Any, ...]) -> Judgement | None:
        """What a file event means (a traceback's source lines read for a log or a
        message are not the answer reading the tests)."""
        target: Any = args[0] if args and args[0] is not None else "."
        if isinstance(target, bytes):
            target = target.decode(errors="replace")
        where = os.path.abspath(target) if isinstance(target, str) else ""
        tests = self._tests
        if tests and (where == tests or where.startswith(tests + "/")) and not _for_traceback():
            return "tamper", f"reads the tests' own files ({target!r})"
        inside = where.startswith(self._installation) and not where.startswith(self._own)
        if where and inside and _writes(event, args):
            return "review", f"writes to {target!r}, inside the Python installation"
        if isinstance(target, str) and _allowed_path(os.path.abspath(target), self._allowed):
            return None
        if isinstance(target, str) and _PROCESS_MEMORY.fullmatch(os.path.abspath(target)):
            return "tamper", f"reads process memory ({target})"
        text = f"file descriptor {target}" if isinstance(target, int) else repr(target)
        return "review", SANDBOX_EVENTS[event].format(text[:120])
