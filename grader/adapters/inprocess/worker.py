"""A warm test worker: started once inside its sandbox, it forks one child per test run.

The grader starts it as the sandbox's PID 1 (``python -I -B -m`` this module, with the
file descriptor of a ``SOCK_SEQPACKET`` control socket as its argument: one message
per packet, file descriptors beside it). It imports pytest, pytest's own plugins, the
grader's plugin and the course's kernel (from the slot the grader staged a course
copy in), says ``ready``, and then serves requests, one at a time:

* ``run``: with three file descriptors (the output pipe, the report pipe, the settings
  pipe), it forks a child that moves them to fixed numbers (``wire.REPORT_FD``,
  ``wire.SETTINGS_FD``), closes everything else, starts a session, sets the run's
  resource limits, drops to the run's unprivileged user (when the worker is root),
  forbids new privileges and runs ``pytest.main``, then leaves with ``os._exit``. No
  learner code ever runs in the worker itself, nor in a process another run touched.
* When the child ends, or on ``kill``, every other process in the PID namespace is
  killed (a daemon one run left behind never sees the next), reaped, ``/tmp`` is
  emptied, and ``exit`` carries the child's status as ``Popen.returncode`` says it.

Behaviour choices: standard library and pytest only (it shares the child's address
space up to the fork); the worker ignores SIGINT and SIGTERM, which a child could send
it when they share a user, and is not dumpable, so a child cannot trace it either.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import json
import os
import pkgutil
import resource
import select
import shutil
import signal
import socket
import sys
import threading
from typing import Any

from grader.adapters.inprocess import wire

MAX_REQUEST = 256 * 1024
SCRATCH = "/tmp"
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
LAST_CAPABILITY = 63


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    control.sendall(json.dumps(message).encode())


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(option, value, 0, 0, 0)


def warm(packages: str, preload: list[str]) -> None:
    """Import what every test run needs, so that no child pays for it."""
    import pytest  # noqa: F401
    from _pytest.config import default_plugins

    for name in default_plugins:
        importlib.import_module(f"_pytest.{name}")
    importlib.import_module("grader.adapters.inprocess.plugin")
    sys.path.insert(0, packages)
    for top in preload:
        package = importlib.import_module(top)
        for found in pkgutil.walk_packages(package.__path__, f"{top}."):
            importlib.import_module(found.name)
    sys.path.remove(packages)


def _forget(answers: list[str]) -> None:
    """Drop preloaded packages that hold one of this run's answer files."""
    tops = set()
    for name, module in list(sys.modules.items()):
        if getattr(module, "__file__", None) in answers:
            tops.add(name.split(".")[0])
    for name in list(sys.modules):
        if name.split(".")[0] in tops:
            del sys.modules[name]


def _child(request: dict[str, Any], fds: list[int]) -> None:
    """Become the test process; never returns."""
    code = 70
    try:
        output, report, settings = (os.dup(fd) for fd in fds)  # above every fixed number
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.dup2(report, wire.REPORT_FD)
        os.dup2(settings, wire.SETTINGS_FD)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.closerange(wire.SETTINGS_FD + 1, 1 << 16)
        os.setsid()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        limits = request["limits"]
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, name), (value, value))
        uid = request.get("uid")
        if uid is not None:
            for capability in range(LAST_CAPABILITY + 1):
                with contextlib.suppress(OSError):
                    _prctl(PR_CAPBSET_DROP, capability)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _prctl(PR_SET_DUMPABLE, 1)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        _forget(request.get("answers", []))
        sys.argv = ["pytest", *request["argv"]]
        import pytest

        code = int(pytest.main(request["argv"]))
        _finish()
    except BaseException as error:
        with contextlib.suppress(BaseException):
            os.write(2, f"warm worker: {type(error).__name__}: {error}\n".encode())
    finally:
        os._exit(code)


def _finish() -> None:
    """What the interpreter does on its way out, as a cold test process would: wait for
    the threads that are not daemons, run the ``atexit`` functions, flush."""
    getattr(threading, "_shutdown")()  # noqa: B009 - private, called by the interpreter
    getattr(atexit, "_run_exitfuncs")()  # noqa: B009 - likewise
    sys.stdout.flush()
    sys.stderr.flush()


def _clean_up(keep: str) -> None:
    """Kill every process of the namespace but this one, reap them, empty ``/tmp`` but
    for ``keep`` (the folder the slot is mounted in, when it lies under ``/tmp``)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    for entry in os.listdir(SCRATCH):
        path = os.path.join(SCRATCH, entry)
        if path == keep:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _serve(control: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    child = os.fork()
    if child == 0:
        control.close()
        _child(request, fds)
    for fd in fds:
        os.close(fd)
    watcher = os.pidfd_open(child)
    status: int | None = None
    try:
        while status is None:
            ready = _wait_for(control, watcher)
            if watcher in ready:
                _, raw = os.waitpid(child, 0)
                status = os.waitstatus_to_exitcode(raw)
            elif control.fileno() in ready:
                message = _receive(control)
                if message is None:
                    raise SystemExit(0)  # the grader is gone
                for fd in message["fds"]:
                    os.close(fd)
                if message.get("op") == "kill":
                    os.kill(child, signal.SIGKILL)
    finally:
        os.close(watcher)
        _clean_up(request["keep"])
    _send(control, {"exit": status})


def _wait_for(control: socket.socket, watcher: int) -> list[int]:
    readable, _, _ = select.select([control.fileno(), watcher], [], [])
    return readable


def _receive(control: socket.socket) -> dict[str, Any] | None:
    data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 3)
    if not data:
        return None
    message: dict[str, Any] = json.loads(data)
    message["fds"] = fds
    return message


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _prctl(PR_SET_DUMPABLE, 0)
    control = socket.socket(fileno=int(sys.argv[1]))
    os.set_inheritable(control.fileno(), False)
    setup = _receive(control)
    if setup is None:
        return
    warm(setup["packages"], setup["preload"])
    _send(control, {"ready": True})
    while (request := _receive(control)) is not None:
        fds = request.pop("fds")
        if request.get("op") == "run" and len(fds) == 3:
            _serve(control, request, fds)
            continue
        for fd in fds:  # a kill that crossed the end of its run: nothing to do
            os.close(fd)


if __name__ == "__main__":
    main()
