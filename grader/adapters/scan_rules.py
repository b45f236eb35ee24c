"""What the static scan of answer files looks for: the tables, and why an import matters.

Behaviour choices, stated once: module names are matched by their top-level package
(``socket`` covers ``socket.x``), except where a table names a dotted module
(``urllib.request``); a call is matched by its fully qualified name after the scan
followed the answer's ``import ... as`` and ``from ... import``. The scan itself is
:mod:`grader.adapters.integrity`.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    "traceback.extract_stack": "inspects the call stack (traceback.extract_stack)",
    "traceback.format_stack": "inspects the call stack (traceback.format_stack)",
    "traceback.print_stack": "inspects the call stack (traceback.print_stack)",
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
    if top == "linecache":
        return "imports linecache (it reads source files, the tests' too)"
    if top == "_thread":
        return "imports _thread (bare threads)"
    if any(m in TEST_DOUBLES for m in _top_modules(module)):
        return f"imports a test double library ({module}): an answer should fake nothing"
    return None
