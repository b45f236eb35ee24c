"""A static scan of the answer files for code that tries to fool the grader.

The answers are parsed with :mod:`ast`, never run. Each finding becomes a flag of kind
``suspicious-code`` and severity ``review``, with the file and line: a person looks
before the score is final. A flag never changes a score by itself; the sandbox and the
test process's own checks are what stop an attack, this scan is what makes it visible.

What is flagged (names are followed through ``import ... as`` and ``from ... import``):

* imports of pytest (except in the learner's own ``test_*.py`` files), pluggy, the
  grader's own code or ``coverage``; of ``ctypes``; of modules that
  start processes (``subprocess``, ``pty``, ``multiprocessing``) or reach the network
  (``socket``, ``urllib.request``, ``http.client`` ...); of ``atexit``;
* writes to ``sys.modules`` or ``builtins`` (and any use of ``__builtins__``), and
  assignments to attributes of the interpreter's, pytest's or the grader's modules
  (monkeypatching);
* frame and heap inspection (``sys._getframe``, ``inspect.stack``,
  ``inspect.currentframe``, ``gc.get_objects``, ``gc.get_referrers`` ...) and reading
  ``__closure__``, ``__globals__``, ``__code__``, ``f_back``, ``tb_frame`` and the like;
* ``sys.settrace``/``setprofile``/``gettrace``, ``sys.addaudithook``, ``atexit.register``,
  ``os._exit``, ``sys.exit``, ``signal.signal``/``setitimer``/``alarm``/``pthread_sigmask``;
* processes and raw file descriptors: ``os.fork``, ``os.system``, ``os.exec*``,
  ``os.spawn*``, ``os.kill``, ``os.write``, ``os.dup2`` ...;
* ``exec``, ``eval``, ``compile``; imports whose module name is computed at run time;
  loading modules from a file path;
* threads made to outlive a test (``daemon=True``, ``.daemon = True``, ``Timer``,
  ``_thread.start_new_thread``);
* ``open()`` (and ``Path``, ``os.listdir`` ...) of an absolute path or one with ``..``;
* classes whose ``__eq__`` always returns a true constant or ``__ne__`` a false one (and
  ordering methods that return a constant), whose ``__bool__``, ``__len__`` or
  ``__getattr__`` return a constant or ``self`` (an object that agrees with any test),
  and ``__instancecheck__`` tricks;
* test doubles in an answer (``unittest.mock``, ``mock``, ``pytest_mock`` ...): an answer
  fakes nothing; the learner's own ``test_*.py`` files may use them;
* changes to code the answer does not own: assigning or deleting an attribute of a
  module, class or function of the course (the kernel ``shared``, the domains,
  ``deployment``) that is not one of the learner's own answer modules.

It can be evaded (``getattr`` with a name decoded at run time, say): the run-time
checks in the test process are the second line, see ``grader/SECURITY_MODEL.md``.

``PARSE_LOCK``: CPython 3.11's ``ast.parse`` is not safe in threads (gh-106905: "AST
constructor recursion depth mismatch" when two threads parse at once), and a batch
grades in threads. Every ``ast`` parse the grader makes in its own process takes it.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from deployment.boundaries.static_scan import literal_string
from grader.application.ports import OwnTests, TestCollector
from grader.domain.exercise import Exercise, TestSpec
from grader.domain.result import Flag, Severity

PARSE_LOCK = threading.RLock()

KIND = "suspicious-code"
MAX_FINDINGS = 50  # per file

PYTEST_MODULES = {"_pytest", "pytest", "pluggy", "py"}
PROCESS_MODULES = {"subprocess", "pty", "multiprocessing", "pexpect", "_posixsubprocess"}
NETWORK_MODULES = {
    "socket",
    "ssl",
    "socketserver",
    "urllib.request",
    "http.client",
    "http.server",
    "ftplib",
    "smtplib",
    "poplib",
    "imaplib",
    "telnetlib",
    "xmlrpc",
    "asyncio.streams",
}
# Modules whose attributes an answer has no business replacing.
GUARDED_MODULES = {
    "builtins",
    "sys",
    "os",
    "signal",
    "importlib",
    "threading",
    "json",
    "hmac",
    "time",
    "asyncio",
    "inspect",
    "gc",
    "unittest",
    *PYTEST_MODULES,
    "grader",
}
EXACT_CALLS = {
    "os._exit": "exits the process at once (os._exit)",
    "os.abort": "aborts the process (os.abort)",
    "sys.exit": "exits the interpreter (sys.exit)",
    "sys.gettrace": "reads the trace function, which measures coverage (sys.gettrace)",
    "builtins.exit": "exits the interpreter (exit)",
    "builtins.quit": "exits the interpreter (quit)",
    "os.kill": "sends signals to processes (os.kill)",
    "os.killpg": "sends signals to processes (os.killpg)",
    "os.fork": "forks the process (os.fork)",
    "os.forkpty": "forks the process (os.forkpty)",
    "os.system": "runs a shell command (os.system)",
    "os.popen": "runs a shell command (os.popen)",
    "os.posix_spawn": "starts a process (os.posix_spawn)",
    "os.posix_spawnp": "starts a process (os.posix_spawnp)",
    "sys._getframe": "inspects the call stack (sys._getframe)",
    "sys._current_frames": "inspects the call stack (sys._current_frames)",
    "inspect.stack": "inspects the call stack (inspect.stack)",
    "inspect.currentframe": "inspects the call stack (inspect.currentframe)",
    "inspect.getouterframes": "inspects the call stack (inspect.getouterframes)",
    "inspect.getinnerframes": "inspects the call stack (inspect.getinnerframes)",
    "inspect.trace": "inspects the call stack (inspect.trace)",
    "traceback.walk_stack": "inspects the call stack (traceback.walk_stack)",
    "gc.get_objects": "inspects the heap (gc.get_objects)",
    "gc.get_referrers": "inspects the heap (gc.get_referrers)",
    "gc.get_referents": "inspects the heap (gc.get_referents)",
    "sys.settrace": "installs a trace function (sys.settrace)",
    "sys.setprofile": "installs a profile function (sys.setprofile)",
    "threading.settrace": "installs a trace function (threading.settrace)",
    "threading.setprofile": "installs a profile function (threading.setprofile)",
    "sys.addaudithook": "adds an audit hook (sys.addaudithook)",
    "atexit.register": "runs code at interpreter exit (atexit.register)",
    "signal.signal": "changes signal handling (signal.signal)",
    "signal.setitimer": "changes the interval timer (signal.setitimer)",
    "signal.alarm": "changes the alarm (signal.alarm)",
    "signal.pthread_sigmask": "blocks signals (signal.pthread_sigmask)",
    "signal.siginterrupt": "changes signal handling (signal.siginterrupt)",
    "signal.set_wakeup_fd": "changes signal handling (signal.set_wakeup_fd)",
    "asyncio.set_event_loop_policy": "replaces the event loop policy the tests run on",
    "asyncio.set_event_loop": "replaces the event loop the tests run on",
    "builtins.exec": "runs code built at run time (exec)",
    "builtins.eval": "runs code built at run time (eval)",
    "builtins.compile": "compiles code at run time (compile)",
    "importlib.util.spec_from_file_location": "loads a module from a file path",
    "importlib.util.module_from_spec": "builds a module by hand (importlib.util.module_from_spec)",
    "importlib.machinery.SourceFileLoader": "loads a module from a file path",
    "importlib.reload": "reloads a module",
    "runpy.run_path": "runs a file as a module (runpy)",
    "runpy.run_module": "runs a module by name (runpy)",
    "os.write": "writes to a raw file descriptor (os.write)",
    "os.close": "closes a raw file descriptor (os.close)",
    "os.closerange": "closes raw file descriptors (os.closerange)",
    "os.dup": "duplicates a raw file descriptor (os.dup)",
    "os.dup2": "replaces a raw file descriptor (os.dup2)",
    "os.fdopen": "opens a raw file descriptor (os.fdopen)",
    "threading.Timer": "starts a timer thread that can outlive the test",
    "_thread.start_new_thread": "starts a bare thread that can outlive the test",
    "_thread.start_new": "starts a bare thread that can outlive the test",
}
PREFIX_CALLS = {
    "os.exec": "replaces the process (os.exec*)",
    "os.spawn": "starts a process (os.spawn*)",
    "subprocess.": "starts a process (subprocess)",
    "pty.": "starts a process on a terminal (pty)",
    "socket.": "uses the network (socket)",
    "ctypes.": "uses ctypes (raw memory access)",
    "importlib._bootstrap": "uses the import machinery's internals",
}
DYNAMIC_IMPORTERS = {
    "builtins.__import__",
    "importlib.import_module",
    "importlib.__import__",
    "importlib.util.find_spec",
    "pkgutil.resolve_name",
}
PATH_CALLS = {
    "builtins.open",
    "io.open",
    "os.open",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
    "os.listdir",
    "os.scandir",
    "os.walk",
    "os.stat",
    "os.remove",
    "os.unlink",
    "os.rename",
    "os.replace",
    "os.mkdir",
    "os.makedirs",
    "os.symlink",
    "glob.glob",
    "glob.iglob",
    "shutil.copy",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.rmtree",
    "shutil.move",
}
MODULES_WRITES = {"pop", "popitem", "update", "setdefault", "clear", "__setitem__", "__delitem__"}
INTROSPECTION = {
    "__closure__",
    "__globals__",
    "__code__",
    "__defaults__",
    "__kwdefaults__",
    "__subclasses__",
    "__builtins__",
    "f_back",
    "f_globals",
    "f_locals",
    "f_code",
    "f_trace",
    "f_builtins",
    "tb_frame",
    "tb_next",
    "gi_frame",
    "gi_code",
    "cr_frame",
    "ag_frame",
}
BUILTIN_NAMES = {
    "exit",
    "quit",
    "open",
    "exec",
    "eval",
    "compile",
    "__import__",
    "getattr",
    "setattr",
    "delattr",
}
TEST_DOUBLES = {"unittest.mock", "mock", "pytest_mock", "flexmock", "doublex", "pretend", "mockito"}
# Methods that, returning a constant or ``self``, make an object agree with any test.
AGREEABLE = {
    "__bool__": "always gives the same truth value",
    "__len__": "always gives the same length",
    "__getattr__": "answers every attribute the same way",
    "__getattribute__": "answers every attribute the same way",
}
RIGGED = {
    "__eq__": (True, "always returns a true value, so it equals anything"),
    "__ne__": (False, "always returns a false value, so it differs from nothing"),
    "__lt__": (None, "always returns the same value"),
    "__le__": (None, "always returns the same value"),
    "__gt__": (None, "always returns the same value"),
    "__ge__": (None, "always returns the same value"),
    "__contains__": (None, "always returns the same value"),
}


def _top_modules(name: str) -> Iterator[str]:
    """``a.b.c``, ``a.b``, ``a``: every module a dotted name may name."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        yield ".".join(parts[:cut])


def import_concern(module: str) -> str | None:
    """Why importing ``module`` deserves a look, or None."""
    top = module.split(".")[0]
    if top in PYTEST_MODULES:
        return f"imports pytest's internals ({module})" if top != "pytest" else "imports pytest"
    if top == "grader":
        return f"imports the grader's own code ({module})"
    if top == "coverage":
        return f"imports the coverage tool that measures the learner's tests ({module})"
    if top in {"ctypes", "cffi"}:
        return f"imports {module} (raw memory access)"
    if top in PROCESS_MODULES:
        return f"imports {module} (starts processes)"
    if any(m in NETWORK_MODULES for m in _top_modules(module)):
        return f"imports {module} (network access)"
    if top == "atexit":
        return "imports atexit (code that runs after the tests)"
    if module.startswith("importlib._bootstrap"):
        return "imports the import machinery's internals"
    if top == "_thread":
        return "imports _thread (bare threads)"
    if any(m in TEST_DOUBLES for m in _top_modules(module)):
        return f"imports a test double library ({module}): an answer should fake nothing"
    return None


def _path_start(node: ast.expr) -> str | None:
    """The literal text a path expression starts with (enough to tell it is absolute)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _path_start(node.values[0]) if isinstance(node.values[0], ast.Constant) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Div):
        return _path_start(node.left)
    if isinstance(node, ast.Call) and node.args:
        return _path_start(node.args[0])  # os.path.join("/x", ...), Path("/x")
    return None


def _outside(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return path.startswith(("/", "~")) or ".." in parts


def _constant(node: ast.expr) -> tuple[bool, object]:
    """Whether ``node`` is a constant (``not`` of a constant counts), and its value."""
    if isinstance(node, ast.Constant):
        return True, node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        known, value = _constant(node.operand)
        return known, not value if known else None
    return False, None


def _only_return(body: list[ast.stmt]) -> ast.expr | None:
    """The returned expression of a body that is one ``return`` (after a docstring)."""
    statements = [
        s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if len(statements) == 1 and isinstance(statements[0], ast.Return):
        return statements[0].value
    return None


def _returns_constant(body: list[ast.stmt]) -> tuple[bool, object]:
    returned = _only_return(body)
    return _constant(returned) if returned is not None else (False, None)


def _returns_self(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    returned = _only_return(function.body)
    first = function.args.args[0].arg if function.args.args else None
    return isinstance(returned, ast.Name) and returned.id == first


@dataclass
class _Scan(ast.NodeVisitor):
    aliases: dict[str, str] = field(default_factory=dict)
    findings: dict[tuple[int, str], None] = field(default_factory=dict)
    course: frozenset[str] = frozenset()  # the course's top-level packages
    own: frozenset[str] = frozenset()  # the learner's answer modules, theirs to change

    def note(self, node: ast.AST, what: str) -> None:
        self.findings.setdefault((getattr(node, "lineno", 0), what), None)

    # names -------------------------------------------------------------------------
    def learn_aliases(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    if alias.name != "*":
                        self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def qualify(self, node: ast.expr) -> str | None:
        """The dotted name an expression stands for (``o._exit`` -> ``os._exit``)."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return f"builtins.{node.id}" if node.id in BUILTIN_NAMES else None
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            function = self.qualify(node.func)
            if function in DYNAMIC_IMPORTERS and node.args:
                return literal_string(node.args[0])
            if function == "builtins.getattr" and len(node.args) >= 2:
                base, name = self.qualify(node.args[0]), literal_string(node.args[1])
                return f"{base}.{name}" if base and name else None
        return None

    # imports -----------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._import(node, node.module)
            for alias in node.names:
                self._import(node, f"{node.module}.{alias.name}", quiet_top=True)

    def _import(self, node: ast.AST, module: str, quiet_top: bool = False) -> None:
        concern = import_concern(module)
        if concern and not (quiet_top and import_concern(module.rsplit(".", 1)[0])):
            self.note(node, concern)

    # calls -------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = self.qualify(node.func)
        if name:
            self._call(node, name)
        self.generic_visit(node)

    def _call(self, node: ast.Call, name: str) -> None:
        if name in EXACT_CALLS:
            self.note(node, EXACT_CALLS[name])
        for prefix, what in PREFIX_CALLS.items():
            if name.startswith(prefix):
                self.note(node, what)
        if name in DYNAMIC_IMPORTERS and node.args:
            target = literal_string(node.args[0])
            if target is None:
                self.note(node, "imports a module whose name is computed at run time")
            elif concern := import_concern(target):
                self.note(node, concern)
        if name in PATH_CALLS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, int):
                self.note(node, f"opens file descriptor {first.value} ({name})")
            start = _path_start(first)
            if start is not None and _outside(start):
                self.note(node, f"reaches {start!r} outside its workspace ({name})")
        if name == "threading.Thread" and any(
            k.arg == "daemon" and _constant(k.value) == (True, True) for k in node.keywords
        ):
            self.note(node, "starts a daemon thread that can outlive the test")
        if name.endswith(".setDaemon"):
            self.note(node, "makes a daemon thread that can outlive the test")
        if name in {"builtins.setattr", "builtins.delattr"} and node.args:
            target = self.qualify(node.args[0])
            if target and target.split(".")[0] in GUARDED_MODULES:
                self.note(node, f"changes {target} at run time ({name.split('.')[1]})")
            elif target and self.not_owned(target):
                self.note(node, f"changes {target}, which the answer does not own")
        if (
            name == "builtins.getattr"
            and len(node.args) >= 2
            and literal_string(node.args[1]) is None
        ):
            target = self.qualify(node.args[0])
            if target and target.split(".")[0] in GUARDED_MODULES:
                self.note(node, f"reads an attribute of {target} whose name is computed")
        if name.startswith("sys.modules.") and name.rsplit(".", 1)[1] in MODULES_WRITES:
            self.note(node, "replaces modules in sys.modules")

    # attributes, subscripts, assignments ---------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load) and self.qualify(node) == "sys.modules":
            self.note(node, "looks modules up in sys.modules")
        if node.attr in INTROSPECTION:
            self.note(node, f"introspects {node.attr}")
        if isinstance(node.ctx, ast.Store | ast.Del):
            base = self.qualify(node.value)
            if base and base.split(".")[0] in GUARDED_MODULES:
                self.note(node, f"replaces {base}.{node.attr} (monkeypatching)")
            elif base and self.not_owned(base):
                self.note(node, f"changes {base}.{node.attr}, which the answer does not own")
        self.generic_visit(node)

    def not_owned(self, dotted: str) -> bool:
        """A module of the course, or a name in one, that is not the learner's own."""
        if dotted.split(".")[0] not in self.course:
            return False
        return not any(dotted == m or dotted.startswith(f"{m}.") for m in self.own)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.note(node, "reaches the builtins through __builtins__")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        target = self.qualify(node.value)
        if target == "sys.modules":
            if isinstance(node.ctx, ast.Store | ast.Del):
                self.note(node, "replaces modules in sys.modules")
            else:
                self.note(node, "looks modules up in sys.modules")
            self.visit(node.slice)
            return
        if target in {"builtins.__dict__", "builtins"} and isinstance(node.ctx, ast.Store):
            self.note(node, "replaces a builtin")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            daemon = isinstance(target, ast.Attribute) and target.attr == "daemon"
            if daemon and _constant(node.value) == (True, True):
                self.note(node, "makes a daemon thread that can outlive the test")
        self.generic_visit(node)

    # classes -------------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for item in node.body:
            self._rigged(node, item)
        self.generic_visit(node)

    def _rigged(self, cls: ast.ClassDef, item: ast.stmt) -> None:
        name, known, value = "", False, None
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            name = item.name
            known, value = _returns_constant(item.body)
        elif isinstance(item, ast.Assign) and isinstance(item.value, ast.Lambda):
            names = [t.id for t in item.targets if isinstance(t, ast.Name)]
            name = names[0] if names else ""
            known, value = _constant(item.value.body)
        returns_self = isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _returns_self(
            item
        )
        if name in AGREEABLE and (known or returns_self):
            self.note(item, f"class {cls.name}: {name} {AGREEABLE[name]}")
        if name in {"__instancecheck__", "__subclasscheck__"}:
            self.note(item, f"class {cls.name} defines {name}, which fools isinstance()")
        if name == "__class__":
            self.note(item, f"class {cls.name} disguises its class (__class__)")
        if name not in RIGGED or not known:
            return
        truth, what = RIGGED[name]
        if truth is None or bool(value) is truth:
            self.note(item, f"class {cls.name}: {name} {what}")


def scan_source(
    source: str,
    filename: str = "<answer>",
    course: frozenset[str] = frozenset(),
    own: frozenset[str] = frozenset(),
) -> list[tuple[int, str]]:
    """(line, what) for every finding in one answer file, in line order. ``course`` names
    the course's top-level packages, ``own`` the learner's answer modules."""
    try:
        with PARSE_LOCK:
            tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError):
        return []  # its tests fail at import anyway
    scan = _Scan(course=course, own=own)
    scan.learn_aliases(tree)
    scan.visit(tree)
    return sorted(scan.findings)[:MAX_FINDINGS]


class AnswerScan:
    """The :class:`~grader.application.ports.AnswerScanner` the grader uses.

    ``course_packages`` are the top-level packages of the course's monorepo: an answer
    that changes one of their modules, classes or functions (other than its own answer
    modules) is flagged.
    """

    def __init__(self, course_packages: frozenset[str] = frozenset()) -> None:
        self.course_packages = course_packages

    def scan(self, answers: Mapping[str, str]) -> list[Flag]:
        own = frozenset(module_name(path) for path in answers)
        return [
            Flag(KIND, f"{path}:{line}: {what}", Severity.REVIEW, path, line)
            for path in sorted(answers)
            for line, what in scan_source(answers[path], path, self.course_packages, own)
            if not (_is_test_file(path) and _allowed_in_tests(what))
        ]


def module_name(path: str) -> str:
    """``data/x/y.py`` -> ``data.x.y`` (a package's ``__init__.py`` -> the package)."""
    dotted = path.removesuffix(".py").replace("/", ".")
    return dotted.removesuffix(".__init__")


def _allowed_in_tests(what: str) -> bool:
    return what == "imports pytest" or what.startswith("imports a test double library")


def _is_test_file(path: str) -> bool:
    """A learner's own test file (``coverage.tests``) may import pytest."""
    return path.rsplit("/", 1)[-1].startswith("test_")


class SerializedCollector:
    """A :class:`TestCollector` whose ``ast`` parsing never overlaps another thread's."""

    def __init__(self, inner: TestCollector) -> None:
        self.inner = inner

    def collect(self, exercise: Exercise, include_hidden: bool) -> list[TestSpec]:
        with PARSE_LOCK:
            return self.inner.collect(exercise, include_hidden)

    def collect_own(self, exercise: Exercise, answers: Mapping[str, str]) -> OwnTests:
        with PARSE_LOCK:
            return self.inner.collect_own(exercise, answers)
