"""The grader's side inside the test process: loaded by ``-p`` before any learner code.

What it does, in the order it happens:

1. At ``pytest_configure`` (before any test module, so before any answer, is imported)
   it reads its settings from a pipe the grader opened (``GRADER_CONFIG_FD``) and
   closes it: a per-run secret key, the report pipe, the per-test time limit, the
   answer files and the domains. Nothing of it stays in the environment or on disk.
2. It installs an audit hook (:func:`sys.addaudithook`, which nothing can remove) and
   import watchers (``builtins.__import__``, ``importlib.import_module`` and a
   ``sys.meta_path`` finder). When the learner's own code inspects frames or the heap,
   installs a trace function, rewrites code objects, uses ``ctypes``, starts
   processes, opens sockets or files outside its workspace, or imports another
   domain's module (whatever the name was built from), the hook reports it, with the
   answer's file and line, before the call returns.
3. It snapshots the pytest, pluggy, asyncio and grader functions that decide an
   outcome, the clocks, and the builtins, and checks them before every result: a change
   is reported. The course's own modules (the kernel, the domains, ``deployment``; not
   the learner's answer modules) are snapshotted too, each right after it first loads
   and before the code that imported it runs on: their functions, values and class
   attributes. An answer that patches them, at import or later, is reported, and the
   tests from then on are not graded.
4. It runs each test function itself, so a test counts as passed only when its body
   ran to its end here, whatever pytest's report objects say; it arms a per-test
   alarm (the grader also kills the process from outside when the alarm is ignored);
   it runs ``async def`` tests on an event loop of its own (not the policy's, which an
   answer may replace), and counts one as run only when its coroutine finished.
5. When the grader asks for the lines of some answer files (the learner's own tests
   are being run), coverage.py measures them from before any answer is imported, and
   the lines that ran are reported at the end. Its modules are hidden from
   ``sys.modules`` meanwhile; learner code importing ``coverage`` or replacing its
   tracer is reported as tampering.
6. Every report line carries a sequence number and an HMAC with the run's key; the
   grader checks both and expects a final ``done`` line.

Nothing here decides a score: the grader reads these lines, checks them against the
tests it expects, and applies its own rules. What this defends against, and what it
does not, is in ``grader/SECURITY_MODEL.md``.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import hmac
import importlib
import importlib.abc
import importlib.util
import inspect
import json
import os
import re
import signal
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

CONFIG_FD_ENV = "GRADER_CONFIG_FD"
TESTS_FOLDER = "grader_tests"  # in the workspace (the grader's domain.exercise says so too)
MAX_AUDIT_REPORTS = 50  # per process: enough to review, not a flood
MAX_MESSAGE_LINES = 60  # a failure's message: a whole diff of a small result, not a flood
MAX_MESSAGE_CHARS = 6000

Emit = Callable[[dict[str, Any]], None]

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
IMPORT_EVENTS = {"import", "grader.import"}
NETWORK_EVENTS = {
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
}
# The functions a test outcome depends on; a change to any of them is reported.
# Modules whose functions and classes decide an outcome: every one of them, and every
# attribute of the classes they define, is snapshotted; a change is reported.
GUARDED_MODULES = (
    "grader.testing",
    "_pytest.runner",
    "_pytest.reports",
    "_pytest.python",
    "_pytest.main",
    "_pytest.nodes",
    "_pytest.outcomes",
    "_pytest.assertion.rewrite",
    "_pytest.assertion.util",
    "pluggy._callers",
    "pluggy._manager",
    "pluggy._hooks",
    "pluggy._result",
    "asyncio.base_events",
    "asyncio.events",
    "asyncio.runners",
    "asyncio.unix_events",
    "asyncio.selector_events",
)
# Single functions the plugin itself relies on.
GUARDED = (
    "signal.signal",
    "signal.setitimer",
    "os.write",
    "os.getpid",
    "json.dumps",
    "hmac.digest",
    "time.perf_counter",
    "time.monotonic",
    "time.time",
    "time.sleep",
    "asyncio.run",
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.get_event_loop_policy",
    "asyncio.set_event_loop_policy",
    "asyncio.new_event_loop",
    "inspect.iscoroutine",
    "sys.audit",
    "sys.exit",
)

FRAME_EVENTS = {"sys._getframe", "sys._current_frames"}
_INSPECT = inspect.__file__
_per_test = 0.0
_packages = ""


# Captured before any answer loads: an async test runs on a loop of this class, never on
# one the event-loop policy (which an answer may replace) hands out.
_Runner = asyncio.Runner
_Loop = asyncio.SelectorEventLoop


def _run_to_end(coroutine: Any) -> None:
    """Run an ``async def`` test; it passes only if its own body ran to its end."""
    finished: list[bool] = []

    async def judged() -> None:
        await coroutine
        finished.append(True)

    with _Runner(loop_factory=_Loop) as runner:
        runner.run(judged())
    if not finished:
        raise RuntimeError("the async test never ran to its end (its event loop was altered)")


class TestTimeout(BaseException):
    """Raised in a test by the alarm: a BaseException, so ``except Exception`` in learner
    code does not swallow it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise TestTimeout(f"took longer than {_per_test:g} s")


def pytest_configure(config: pytest.Config) -> None:
    global _per_test, _packages
    config.addinivalue_line("markers", "points(n): the points this test is worth")
    fd = os.environ.pop(CONFIG_FD_ENV, None)
    if fd is None:
        return  # plain pytest, not the grader: only the marker
    settings = _read_settings(int(fd))
    _per_test = float(settings.get("per_test", 0) or 0)
    _packages = str(settings.get("packages", ""))
    reporter = _Reporter(settings)
    config.pluginmanager.register(reporter, "grader-reporter")
    reporter.ready()


def _read_settings(fd: int) -> dict[str, Any]:
    chunks = []
    try:
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    finally:
        os.close(fd)
    settings: dict[str, Any] = json.loads(b"".join(chunks))
    return settings


def _emitter(fd: int, key: bytes) -> Emit:
    """Signed, numbered JSON lines on the report pipe; silent in forked children."""
    owner = os.getpid()
    lock = threading.RLock()
    counter = [0]
    finished = [False]
    dumps, digest, write, getpid = json.dumps, hmac.digest, os.write, os.getpid
    os.set_inheritable(fd, False)

    def close_in_child() -> None:
        with contextlib.suppress(OSError):
            os.close(fd)

    os.register_at_fork(after_in_child=close_in_child)

    def emit(event: dict[str, Any]) -> None:
        if getpid() != owner or finished[0]:
            return
        with lock:
            finished[0] = event.get("event") == "done"  # nothing of ours follows "done"
            payload = dumps({**event, "seq": counter[0]}, default=str).encode()
            counter[0] += 1
            data = payload + b" " + digest(key, payload, "sha256").hex().encode() + b"\n"
            while data:
                try:
                    written = write(fd, data)
                except OSError:
                    return
                data = data[written:]

    return emit


def _resolve(dotted: str) -> tuple[bool, Any]:
    """The object a dotted name stands for, read without running descriptors."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is not None:
            break
    else:
        try:
            module = importlib.import_module(parts[0])
        except ImportError:
            return False, None
        cut = 1
    target: Any = module
    for part in parts[cut:]:
        try:
            target = inspect.getattr_static(target, part)
        except AttributeError:
            return False, None
    return True, target


def _identities(module_name: str) -> dict[str, Any]:
    """The functions and classes a module defines, and the methods of those classes.

    (Only what the module defines itself: pytest sets other module attributes and class
    flags as it runs, and those decide nothing.)
    """
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    found: dict[str, Any] = {}
    for name, value in list(vars(module).items()):
        if not callable(value) or getattr(value, "__module__", None) != module_name:
            continue
        found[f"{module_name}.{name}"] = value
        if isinstance(value, type):
            for attribute, member in list(vars(value).items()):
                if callable(member) or isinstance(member, property | classmethod | staticmethod):
                    found[f"{module_name}.{name}.{attribute}"] = member
    return found


class _Snapshot:
    """Identities of what decides an outcome, taken before learner code runs."""

    def __init__(self, extra: dict[str, Any]) -> None:
        self.builtins = dict(vars(builtins))
        self.modules: dict[str, Any] = {}
        for module_name in GUARDED_MODULES:
            self.modules.update(_identities(module_name))
        self.objects = {name: found for name in GUARDED for ok, found in [_resolve(name)] if ok}
        self.extra = dict(extra)
        self.tests: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def add_test_module(self, module: ModuleType) -> None:
        """A test module's names, right after it was imported."""
        namespace = vars(module)
        self.tests[module.__name__] = (namespace, dict(namespace))

    def changes(self, extra: dict[str, Any]) -> list[str]:
        changed = _differences("builtins", vars(builtins), self.builtins)
        current: dict[str, Any] = {}
        for module_name in GUARDED_MODULES:
            current.update(_identities(module_name))
        changed += [
            name
            for name, before in self.modules.items()
            if _value_now(name, before, current) is not before
        ]
        for name, before in self.objects.items():
            ok, found = _resolve(name)
            if not ok or found is not before:
                changed.append(name)
        changed += [k for k, v in self.extra.items() if extra.get(k, _MISSING) is not v]
        for module_name, (namespace, before) in self.tests.items():
            changed += _differences(module_name, namespace, before)
        return sorted(set(changed))


def _value_now(name: str, before: Any, current: dict[str, Any]) -> Any:
    """What ``name`` holds now (a replacement defined elsewhere is not in ``current``)."""
    if name in current:
        return current[name]
    return _resolve(name)[1] if _resolve(name)[0] else _MISSING


def _differences(prefix: str, now: dict[str, Any], before: dict[str, Any]) -> list[str]:
    return [
        f"{prefix}.{k}"
        for k in now.keys() | before.keys()
        if now.get(k, _MISSING) is not before.get(k, _MISSING)
    ]


_MISSING = object()
# Class attributes that Python itself keeps up to date.
_RUNTIME_ATTRIBUTES = {"__dict__", "__weakref__", "__doc__", "__module__", "_abc_impl"}


class _CourseModules:
    """The course's own modules, each recorded right after it first loads.

    Recorded: every module-level value (not submodules, which packages gain as they
    load) and every attribute of the classes a module defines, by identity.
    """

    def __init__(self, tops: Sequence[str], own: Sequence[str], packages: str) -> None:
        self.tops = frozenset(tops)
        self.own = frozenset(own)
        self.packages = packages
        self.recorded: dict[str, dict[str, Any]] = {}
        self.foreign: list[str] = []  # course names served by a module from elsewhere
        self._seen = 0
        self._known: set[str] = set()
        self._loading = False

    def _ours(self, name: str) -> bool:
        return name.split(".")[0] in self.tops and name not in self.own

    def record_new(self) -> None:
        """Record the course modules that finished loading since the last call (a module
        still running its own body is left for a later call)."""
        if len(sys.modules) == self._seen and not self._loading:
            return
        self._seen = len(sys.modules)
        fresh = sys.modules.keys() - self._known  # a set difference: cheap, in C
        self._known |= fresh
        self._loading = False
        for name in fresh:
            module = sys.modules.get(name)
            if not self._ours(name) or not isinstance(module, ModuleType):
                continue
            if getattr(getattr(module, "__spec__", None), "_initializing", False):
                self._known.discard(name)  # look again next time
                self._loading = True
                continue
            self.recorded[name] = _module_values(module)
            origin = getattr(module, "__file__", None) or next(
                iter(getattr(module, "__path__", None) or ()), None
            )  # a namespace package has a path, not a file
            if self.packages and not (isinstance(origin, str) and origin.startswith(self.packages)):
                self.foreign.append(f"{name} (a module from outside the course was put in)")

    def changes(self) -> list[str]:
        changed = list(self.foreign)
        for name, before in self.recorded.items():
            module = sys.modules.get(name)
            now = _module_values(module) if isinstance(module, ModuleType) else {}
            changed += [
                f"{name}.{key}"
                for key in before.keys() | now.keys()
                if before.get(key, _MISSING) is not now.get(key, _MISSING)
            ]
        return changed


def _module_values(module: ModuleType) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in list(vars(module).items()):
        if name.startswith("__") or isinstance(value, ModuleType):
            continue
        found[name] = value
        if isinstance(value, type) and value.__module__ == module.__name__:
            for attribute, member in list(vars(value).items()):
                if attribute not in _RUNTIME_ATTRIBUTES:
                    found[f"{name}.{attribute}"] = member
    return found


class _Blame:
    """Decides whether learner code (an answer file) is behind an event, and where."""

    def __init__(self, answers: Sequence[str], packages: str, domains: Sequence[str]) -> None:
        self.answers = frozenset(answers)
        self.packages = packages.rstrip("/") + "/" if packages else ""
        self.domains = sorted(domains, key=len, reverse=True)
        paths = sysconfig.get_paths()
        self.stdlib = tuple({paths["stdlib"] + "/", paths["platstdlib"] + "/"})
        self.site = tuple({paths["purelib"] + "/", paths["platlib"] + "/"})
        self.me = __file__

    def _learner_file(self, frame: FrameType) -> str | None:
        filename = frame.f_code.co_filename
        if filename in self.answers:
            return filename
        if filename.startswith("<") and not filename.startswith("<frozen"):
            file = frame.f_globals.get("__file__")
            if isinstance(file, str) and file in self.answers:
                return file
        return None

    def _is_stdlib(self, filename: str) -> bool:
        if filename.startswith("<frozen"):
            return True
        return filename.startswith(self.stdlib) and not filename.startswith(self.site)

    def culprit(
        self, frame: FrameType | None, direct: bool, through_inspect: bool = False
    ) -> tuple[str, int] | None:
        """(answer file, line) when an answer's code made the call, else None."""
        if direct:
            while through_inspect and frame is not None and frame.f_code.co_filename == _INSPECT:
                frame = frame.f_back  # inspect.stack() and currentframe() are the learner's
            if frame is None:
                return None
            file = self._learner_file(frame)
            return (file, frame.f_lineno) if file else None
        while frame is not None:
            file = self._learner_file(frame)
            if file:
                return file, frame.f_lineno
            filename = frame.f_code.co_filename
            if not (filename.startswith("<") or self._is_stdlib(filename)):
                return None  # pytest, the tests, the reference code, the grader
            frame = frame.f_back
        return None

    def module_name(self, path: str) -> str:
        """The dotted name of a file under the packages folder."""
        return self.relative(path).removesuffix(".py").replace("/", ".").removesuffix(".__init__")

    def relative(self, path: str) -> str:
        return (
            path[len(self.packages) :] if self.packages and path.startswith(self.packages) else path
        )

    def owner(self, module: str) -> str | None:
        for domain in self.domains:
            if module == domain or module.startswith(domain + "."):
                return domain
        return None

    def importer(self, frame: FrameType | None) -> tuple[str, str, int] | None:
        """(module, file under packages, line) of the domain code asking for an import."""
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename == self.me or self._is_stdlib(filename):
                frame = frame.f_back
                continue
            if filename.startswith("<"):
                file = frame.f_globals.get("__file__")
                if not (isinstance(file, str) and file.startswith(self.packages)):
                    frame = frame.f_back
                    continue
                filename = file
            if not (self.packages and filename.startswith(self.packages)):
                return None
            relative = self.relative(filename)
            parts = relative.removesuffix(".py").split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            return ".".join(parts), relative, frame.f_lineno
        return None


def _pytest_temp() -> str:
    """Where pytest's ``tmp_path`` folders go in this process (tests hand them to answers)."""
    from _pytest.tmpdir import get_user

    return os.path.join(tempfile.gettempdir(), f"pytest-of-{get_user() or 'unknown'}")


def _allowed_path(path: str, allowed: tuple[str, ...]) -> bool:
    return path.startswith(allowed) or path in ("/dev/null", "/dev/urandom", "/dev/random")


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _writes(event: str, args: tuple[Any, ...]) -> bool:
    """Whether a file event changes the file system (an ``open`` for writing, a removal)."""
    if event != "open":
        return event != "os.listdir" and event not in {"os.scandir", "glob.glob"}
    mode, flags = (*args[1:3], None, None)[:2]
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _install_audit(
    emit: Emit,
    blame: _Blame,
    workspace: str,
    current: list[str],
    measuring: bool,
    test_modules: set[str],
) -> None:
    """The audit hook: it cannot be removed, and it reports before the call returns.
    ``test_modules`` names the test modules as they are imported: an answer importing
    one (to rebind its names, say) is tampering."""
    local = threading.local()
    getframe = sys._getframe
    reported: set[tuple[str, str, int]] = set()
    imports: set[tuple[str, int, str]] = set()  # (file, line, module) already reported
    installation = tuple(
        p.rstrip("/") + "/" for p in {sys.prefix, sys.base_prefix, sys.exec_prefix} if p
    )
    own = tuple(p.rstrip("/") + "/" for p in (workspace, _pytest_temp()) if p)
    allowed = own + installation
    tests = os.path.join(workspace, TESTS_FOLDER) if workspace else None

    def on_import(event: str, args: tuple[Any, ...]) -> None:
        name = args[0] if args and isinstance(args[0], str) else ""
        fromlist = args[1] if event == "grader.import" and len(args) > 1 else ()
        names = [f"{name}.{item}" for item in fromlist or () if isinstance(item, str)] or [name]
        if measuring and name.split(".")[0] == "coverage":
            report_coverage_import()
            return
        if name in test_modules:
            report_test_import(name)
            return
        targets = {n: blame.owner(n) for n in names}
        if not any(targets.values()):
            return
        found = blame.importer(getframe(2))
        if found is None:
            return
        module, relative, line = found
        mine = blame.owner(module)
        if mine is None:
            return
        for target, theirs in targets.items():
            if theirs is None or theirs == mine or (relative, line, target) in imports:
                continue
            imports.add((relative, line, target))
            emit(
                {
                    "event": "runtime_import",
                    "importer": module,
                    "file": relative,
                    "line": line,
                    "target": target,
                    "domain": theirs,
                }
            )

    def report_test_import(name: str) -> None:
        frame: FrameType | None = getframe(3)
        while frame is not None and frame.f_code.co_filename == blame.me:
            frame = frame.f_back  # the import wrappers
        culprit = blame.culprit(frame, False)
        if culprit is None:
            return  # pytest importing the tests, or the tests importing each other
        relative = blame.relative(culprit[0])
        emit(
            {
                "event": "audit",
                "category": "tamper",
                "what": f"imports the tests' own module {name}",
                "call": "import",
                "file": relative,
                "line": culprit[1],
                "test": current[0],
            }
        )

    def report_coverage_import() -> None:
        found = blame.importer(getframe(3))
        if found is None or blame.packages + found[1] not in blame.answers:
            return  # coverage.py importing its own parts, or pytest
        _, relative, line = found
        what = "imports the coverage tool that measures its tests"
        if (what, relative, line) not in reported:
            reported.add((what, relative, line))
            emit(
                {
                    "event": "audit",
                    "category": "tamper",
                    "what": what,
                    "call": "import coverage",
                    "file": relative,
                    "line": line,
                    "test": current[0],
                }
            )

    def describe_event(event: str, args: tuple[Any, ...]) -> tuple[str, str] | None:
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
        if event in SANDBOX_EVENTS:
            if event in FILE_EVENTS:
                target: Any = args[0] if args and args[0] is not None else "."
                if isinstance(target, bytes):
                    target = target.decode(errors="replace")
                where = os.path.abspath(target) if isinstance(target, str) else ""
                if tests and (where == tests or where.startswith(tests + "/")):
                    return "tamper", f"reads the tests' own files ({target!r})"
                inside = where.startswith(installation) and not where.startswith(own)
                if where and inside and _writes(event, args):
                    return "review", f"writes to {target!r}, inside the Python installation"
                if isinstance(target, str) and _allowed_path(os.path.abspath(target), allowed):
                    return None
                if isinstance(target, str) and re.fullmatch(
                    r"/proc/[^/]+/(mem|task/.*/mem)", os.path.abspath(target)
                ):
                    return "tamper", f"reads process memory ({target})"
                text = f"file descriptor {target}" if isinstance(target, int) else repr(target)
                return "review", SANDBOX_EVENTS[event].format(text[:120])
            return "review", SANDBOX_EVENTS[event].format("", "")
        return None

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if getattr(local, "busy", False):
            return
        watched = (
            event in IMPORT_EVENTS
            or event in TAMPER_EVENTS
            or event in SANDBOX_EVENTS
            or event in NETWORK_EVENTS
            or event.startswith("ctypes.")
        )
        if not watched:
            return
        local.busy = True
        try:
            if event in IMPORT_EVENTS:
                on_import(event, args)
                return
            found = describe_event(event, args)
            if found is None:
                return
            category, what = found
            culprit = blame.culprit(getframe(1), event in DIRECT, event in FRAME_EVENTS)
            if culprit is None:
                return
            file, line = culprit
            relative = blame.relative(file)
            key = (what, relative, line)
            if key in reported or len(reported) >= MAX_AUDIT_REPORTS:
                return
            reported.add(key)
            emit(
                {
                    "event": "audit",
                    "category": category,
                    "what": what,
                    "call": event,
                    "file": relative,
                    "line": line,
                    "test": current[0],
                }
            )
        except Exception:  # an audit hook that raises would abort the audited call
            pass
        finally:
            local.busy = False

    sys.addaudithook(hook)


class _ImportWatch(importlib.abc.MetaPathFinder):
    """First imports by any route: finds nothing, only announces the name."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        sys.audit("grader.import", fullname, ())
        return None


def _absolute(name: str, globals_: Any, level: int) -> str:
    if level <= 0:
        return name
    package = ""
    if isinstance(globals_, dict):
        package = globals_.get("__package__") or ""
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{name}" if name else base


def _watch_imports(loaded: Callable[[], None]) -> tuple[Any, Any, _ImportWatch]:
    """Wrap the two ways to import by name, so already-loaded modules are seen too;
    ``loaded`` runs after every import, before the importing code goes on."""
    original_import = builtins.__import__
    original_import_module = importlib.import_module
    audit = sys.audit

    def watched_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        absolute = _absolute(name, globals, level)
        try:
            module = original_import(name, globals, locals, fromlist or (), level)
        except BaseException:
            with contextlib.suppress(Exception):
                audit("grader.import", absolute, ())  # an attempt counts too
            raise
        with contextlib.suppress(Exception):
            loaded()
        with contextlib.suppress(Exception):
            # ``from ai.ml import model``: name the submodules, the most precise target
            submodules = tuple(
                item
                for item in fromlist or ()
                if isinstance(item, str) and isinstance(getattr(module, item, None), ModuleType)
            )
            audit("grader.import", absolute, submodules)
        return module

    def watched_import_module(name: str, package: str | None = None) -> ModuleType:
        try:
            absolute = importlib.util.resolve_name(name, package) if name.startswith(".") else name
            audit("grader.import", absolute, ())
        except Exception:
            pass
        module = original_import_module(name, package)
        with contextlib.suppress(Exception):
            loaded()
        return module

    finder = _ImportWatch()
    builtins.__import__ = watched_import
    importlib.import_module = watched_import_module
    sys.meta_path.insert(0, finder)
    return watched_import, watched_import_module, finder


def _start_coverage(paths: Sequence[str]) -> tuple[Any, dict[str, ModuleType]]:
    """coverage.py measuring ``paths`` only, in memory, with no configuration file read.

    Its modules are then taken out of ``sys.modules`` until the end, so that learner code
    looking for the running instance there finds nothing (importing it is reported).
    """
    import coverage

    measuring = coverage.Coverage(data_file=None, include=list(paths), config_file=False)
    measuring.start()
    hidden = {
        name: sys.modules.pop(name)
        for name in list(sys.modules)
        if name == "coverage" or name.startswith("coverage.")
    }
    return measuring, hidden


class _Reporter:
    """The hooks that report; registered by :func:`pytest_configure`."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self._emit = _emitter(int(settings["report_fd"]), bytes.fromhex(settings["key"]))
        self._per_test = float(settings.get("per_test", 0) or 0)
        self._signal, self._setitimer = signal.signal, signal.setitimer
        self._run_async = _run_to_end
        self._clock = time.perf_counter
        self._iscoroutine = inspect.iscoroutine
        self._gettrace, self._getprofile = sys.gettrace, sys.getprofile
        self._started: dict[str, float] = {}
        self._phases: dict[str, list[pytest.TestReport]] = {}
        self._ran: set[str] = set()
        self._overtime: set[str] = set()
        self._current = [""]  # the test running now, for the audit hook
        self._reported: set[str] = set()
        self._measure = [str(m) for m in settings.get("measure", [])]
        self._coverage: Any = None
        self._coverage_modules: dict[str, ModuleType] = {}
        if self._measure:
            self._coverage, self._coverage_modules = _start_coverage(self._measure)
        self._tracer = sys.gettrace()  # coverage's, when measuring; else None
        blame = _Blame(
            [str(a) for a in settings.get("answers", [])],
            str(settings.get("packages", "")),
            [str(d) for d in settings.get("domains", [])],
        )
        own = [blame.module_name(a) for a in blame.answers]
        self._course = _CourseModules(
            [str(t) for t in settings.get("course", [])], own, blame.packages
        )
        importer, import_module, finder = _watch_imports(self._course.record_new)
        self._finder = finder
        workspace = str(settings.get("workspace", ""))
        self._test_modules: set[str] = set()
        _install_audit(
            self._emit, blame, workspace, self._current, bool(self._measure), self._test_modules
        )
        self._relative = blame.relative
        self._snapshot = _Snapshot(
            {
                "builtins.__import__": importer,
                "importlib.import_module": import_module,
                **{f"{type(self).__name__}.{k}": v for k, v in vars(type(self)).items()},
                **{f"plugin.{k}": v for k, v in globals().items() if callable(v)},
            }
        )

    def _now(self) -> dict[str, Any]:
        plugin = sys.modules.get(__name__)
        return {
            "builtins.__import__": builtins.__import__,
            "importlib.import_module": importlib.import_module,
            **{f"{type(self).__name__}.{k}": v for k, v in vars(type(self)).items()},
            **{f"plugin.{k}": v for k, v in (vars(plugin) if plugin else {}).items()},
        }

    def _check(self, when: str) -> None:
        self._course.record_new()
        changed = self._snapshot.changes(self._now()) + self._course.changes()
        if self._finder not in sys.meta_path:
            changed.append("sys.meta_path (the import watch was removed)")
        if self._gettrace() is not self._tracer or self._getprofile() is not None:
            changed.append("sys.settrace/sys.setprofile (a trace function is installed)")
        changed = [c for c in changed if c not in self._reported]
        if changed:
            self._reported.update(changed)
            self._emit({"event": "integrity", "changed": changed, "when": when})

    def ready(self) -> None:
        self._emit({"event": "ready", "import_watch": True})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        started = self._clock()
        if self._per_test:
            self._signal(signal.SIGALRM, _on_alarm)
            self._setitimer(signal.ITIMER_REAL, self._per_test)
        try:
            yield
        finally:
            if self._per_test:
                self._setitimer(signal.ITIMER_REAL, 0)
                if self._clock() - started >= self._per_test:
                    self._overtime.add(item.nodeid)  # even if the answer caught the alarm

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool:
        function = pyfuncitem.obj
        code = getattr(function, "__code__", None)
        expected_name = pyfuncitem.originalname
        if (
            code is None
            or code.co_name != expected_name
            or os.path.realpath(code.co_filename) != os.path.realpath(str(pyfuncitem.path))
        ):
            self._emit(
                {"event": "integrity", "changed": [f"{pyfuncitem.nodeid} (the test function)"]}
            )
            raise RuntimeError("the test function was replaced before it ran")
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}
        result = function(**kwargs)
        if self._iscoroutine(result):
            self._run_async(result)
        self._ran.add(pyfuncitem.nodeid)
        return True

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self._check("before " + nodeid)
        self._current[0] = nodeid
        self._started[nodeid] = self._clock()
        self._emit({"event": "start", "nodeid": nodeid})

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._phases.setdefault(report.nodeid, []).append(report)

    def pytest_runtest_logfinish(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self._check("after " + nodeid)
        self._current[0] = ""
        reports = self._phases.pop(nodeid, [])
        failed = next((r for r in reports if r.failed), None)
        if failed is None:
            outcome = "skipped" if any(r.skipped for r in reports) else "passed"
            message = ""
        else:
            outcome = "failed" if failed.when == "call" else "error"
            message = describe(failed)
        if nodeid in self._overtime or "TestTimeout" in message:
            timed_out = "TestTimeout" in message
            outcome = "timeout"
            message = (
                message.split(": ", 1)[-1]
                if timed_out
                else f"took longer than {self._per_test:g} s"
            )
        elif outcome == "passed" and nodeid not in self._ran:
            outcome = "error"
            message = "the test body never ran to its end here (pytest's machinery was altered)"
            self._emit(
                {"event": "integrity", "changed": ["a test passed without its body running"]}
            )
        self._ran.discard(nodeid)
        self._overtime.discard(nodeid)
        duration = self._clock() - self._started.pop(nodeid, self._clock())
        self._emit(
            {
                "event": "result",
                "nodeid": nodeid,
                "outcome": outcome,
                "duration": duration,
                "message": message,
            }
        )

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, None, None]:
        yield
        if isinstance(collector, pytest.Module):
            module = collector.__dict__.get("_obj")  # imported by now, unless it failed
            if isinstance(module, ModuleType):
                self._snapshot.add_test_module(module)
                self._test_modules.add(module.__name__)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._emit(
                {"event": "collect_error", "nodeid": report.nodeid, "message": describe(report)}
            )

    def pytest_internalerror(
        self, excrepr: object, excinfo: pytest.ExceptionInfo[BaseException]
    ) -> None:
        """pytest itself stopped (a ``SystemExit`` while importing the answer, say)."""
        self._stopped(excinfo)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """A ``KeyboardInterrupt`` raised by the answer (at import, say) ends the run."""
        self._stopped(excinfo)

    def _stopped(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        where = ""
        for entry in excinfo.traceback:
            relative = _in_packages(str(entry.path))
            if relative:
                where = f"{relative}:{entry.lineno + 1}"
        value = str(excinfo.value)[:300]
        message = excinfo.typename + (f" ({value})" if value else "") + " was raised"
        message += f" at {where}" if where else ""
        self._emit({"event": "stopped", "message": f"the test run stopped: {message}"})

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self._check("at the end")
        if self._coverage is not None:
            sys.modules.update(self._coverage_modules)
            self._coverage.stop()
            data = self._coverage.get_data()
            lines = {self._relative(path): sorted(data.lines(path) or ()) for path in self._measure}
            self._emit({"event": "lines", "lines": lines})
        self._emit({"event": "done"})


def describe(report: pytest.TestReport | pytest.CollectReport) -> str:
    """One short, readable account of a failure: what went wrong and where in the answer."""
    if isinstance(report, pytest.CollectReport):
        return _describe_import_failure(str(report.longrepr))
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    message = crash.message if crash is not None else str(longrepr).strip().splitlines()[-1:]
    if isinstance(message, list):
        message = message[0] if message else "failed"
    lines = [line for line in str(message).splitlines() if line.strip()]
    if len(lines) > MAX_MESSAGE_LINES:
        lines = [*lines[:MAX_MESSAGE_LINES], f"... ({len(lines) - MAX_MESSAGE_LINES} more lines)"]
    text = "\n".join(lines)[:MAX_MESSAGE_CHARS]
    where = _answer_location(longrepr)
    if where:
        text += f"\n(at {where})"
    return text


def _answer_location(longrepr: Any) -> str:
    """The deepest traceback entry inside the learner's packages, as path:line."""
    chain = getattr(longrepr, "chain", None) or []
    found = ""
    for traceback, _crash, _description in chain:
        for entry in getattr(traceback, "reprentries", []):
            location = getattr(entry, "reprfileloc", None)
            if location is None:
                continue
            relative = _in_packages(str(location.path))
            if relative:
                found = f"{relative}:{location.lineno}"
    return found


def _in_packages(path: str) -> str:
    """``path`` relative to the learner's packages folder, or "" when outside it."""
    marker = "src/packages/"
    if _packages and path.startswith(_packages):
        return str(Path(path).relative_to(_packages))
    return path.split(marker, 1)[1] if marker in path else ""


def _describe_import_failure(text: str) -> str:
    """``SyntaxError: '(' was never closed (at data/x.py:2)`` from pytest's long report."""
    errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    errors = [e for e in errors if e]
    problem = errors[-1] if errors else (text.strip().splitlines() or ["unknown error"])[-1]
    where = ""
    locations = re.findall(r'File "([^"]+)", line (\d+)|^(\S+\.py):(\d+): in ', text, re.M)
    for quoted, quoted_line, short, short_line in locations:
        path, line = (quoted, quoted_line) if quoted else (short, short_line)
        relative = _in_packages(path)
        if relative:
            where = f"{relative}:{line}"
    return f"{problem} (at {where})" if where else problem
