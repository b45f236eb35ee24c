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

Every parse takes :data:`grader.adapters.parsing.PARSE_LOCK` (``ast`` is not thread-safe
in CPython 3.11).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from deployment.boundaries.static_scan import literal_string
from grader.adapters.parsing import PARSE_LOCK
from grader.adapters.scan_rules import (
    AGREEABLE,
    BUILTIN_NAMES,
    DYNAMIC_IMPORTERS,
    EXACT_CALLS,
    GUARDED_MODULES,
    INTROSPECTION,
    MODULES_WRITES,
    PATH_CALLS,
    PREFIX_CALLS,
    RIGGED,
    import_concern,
)
from grader.domain.result import Flag, FlagKind, Severity

__all__ = ["KIND", "AnswerScan", "module_name", "scan_source"]

KIND = FlagKind.SUSPICIOUS_CODE
MAX_FINDINGS = 50  # per file


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
