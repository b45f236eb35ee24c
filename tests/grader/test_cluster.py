"""Grading on a real Dask cluster: a scheduler and workers, as processes on 127.0.0.1.

One scheduler and two workers serve the module's tests. Workers run ``--no-nanny``: the
process a test kills is then the worker itself, and nothing restarts it, so the batch
must finish on the others. The expected verdicts come from one local batch of the four
kinds of work that ``write_class`` hands in (every learner of a kind hands in the same
answer, and grading depends on the answer only).
"""

from __future__ import annotations

import _thread
import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from grader import api
from grader.adapters.fingerprint import course_fingerprint
from grader.configuration import COURSE_ENV
from grader.domain.result import GradeResult
from tests.grader.support import FIXTURE, run_batch, write_class

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent  # the venv's: `dask`, and the Python workers grade with
STARTUP = 60.0  # seconds for a process to come up on a busy machine
DEADLINE = 240.0  # a test still running then has hung: interrupt the run, not hang CI

Verdict = tuple[Any, ...]


def verdict(result: GradeResult) -> Verdict:
    """What must not depend on where a result was graded (not durations, not paths)."""
    return (
        result.score,
        result.max_score,
        tuple((t.id, t.outcome, t.earned) for t in result.tests),
        tuple((c.id, c.kept, c.earned) for c in result.contracts),
        tuple(sorted((f.kind, f.severity) for f in result.flags)),
    )


def _poll(what: str, probe: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {STARTUP} s")


class Cluster:
    """A ``dask scheduler`` for ``course`` and the workers added to it; :meth:`stop`
    ends every process. Logs go to ``folder``."""

    def __init__(self, folder: Path, course: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env = {**os.environ, "PATH": path, COURSE_ENV: str(course)}
        self.processes: list[subprocess.Popen[bytes]] = []
        file = folder / "scheduler.json"
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0")
        self.address: str = _poll("the scheduler's start", lambda: self._address(file))

    def _address(self, file: Path) -> str | None:
        try:
            return str(json.loads(file.read_text())["address"])
        except (OSError, ValueError, KeyError):
            return None  # not written yet, or half written

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        return self._start(name, "worker", self.address, "--name", name, "--nthreads", "1")

    def _start(self, log: str, *args: str) -> subprocess.Popen[bytes]:
        common = ["--no-dashboard"]
        if args[0] == "worker":  # its scratch space here too: a killed worker leaves it
            common += ["--no-nanny", "--local-directory", str(self.folder / log)]
        if args[0] == "scheduler":
            common += ["--scheduler-file", str(self.folder / "scheduler.json")]
        with (self.folder / f"{log}.log").open("wb") as out:
            process = subprocess.Popen(
                [str(BIN / "dask"), *args, *common],
                env=self.env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def workers(self) -> dict[str, str]:
        """The workers the scheduler knows: name -> address."""
        import distributed

        with distributed.Client(self.address, timeout=STARTUP, set_as_default=False) as client:
            info = client.scheduler_info()["workers"]
        return {str(w["name"]): address for address, w in info.items()}

    def wait_for_workers(self, count: int) -> None:
        _poll(f"{count} workers' start", lambda: len(self.workers()) >= count)

    def stop(self) -> None:
        """Workers first, then the scheduler: a worker told to close by both at once can
        hang in Dask's own shutdown."""
        scheduler, *workers = self.processes
        for group in (workers, [scheduler]):
            for process in group:
                if process.poll() is None:
                    process.terminate()
            for process in group:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    timer = threading.Timer(DEADLINE, _thread.interrupt_main)
    timer.start()
    yield
    timer.cancel()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    pytest.importorskip("distributed", reason="the cluster extra is not installed")
    running = Cluster(tmp_path_factory.mktemp("cluster"), FIXTURE)
    try:
        running.worker("one")
        running.worker("two")
        running.wait_for_workers(2)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def graded_here(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    """Each kind of work's verdict, from a local batch (no cluster)."""
    folder = tmp_path_factory.mktemp("here")
    write_class(folder / "room")
    report = api.batch(folder / "room", folder / "out", jobs=2, course=FIXTURE)
    return {r.learner: verdict(r) for r in report.outcome.graded}


def stored(out: Path) -> list[str]:
    return sorted(p.parent.name for p in (out / "results").glob("*/*.json"))


def test_a_class_graded_on_the_cluster_scores_as_graded_here(
    cluster: Cluster, graded_here: dict[str, Verdict], tmp_path: Path
) -> None:
    kinds = write_class(tmp_path / "room", 40)

    report = api.batch(tmp_path / "room", tmp_path / "out", course=FIXTURE, cluster=cluster.address)

    graded = report.outcome.graded
    assert {r.learner: verdict(r) for r in graded} == {
        learner: graded_here[kind] for learner, kind in kinds.items()
    }
    assert len(graded) == 40
    rows = list(csv.DictReader((tmp_path / "out/gradebook.csv").open()))
    assert sorted(r["learner"] for r in rows) == sorted(kinds)
    assert {r["learner"]: Decimal(r["rules"]) for r in rows}["ada7"] == Decimal(7)


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(
    cluster: Cluster, graded_here: dict[str, Verdict], tmp_path: Path
) -> None:
    import distributed

    kinds = write_class(tmp_path / "room", 12)
    victim = cluster.worker("victim")
    cluster.wait_for_workers(3)
    address = cluster.workers()["victim"]
    killed: list[str] = []

    def kill_when_busy() -> None:
        """SIGKILL the victim while it grades (its task is the scheduler's to move)."""
        with distributed.Client(cluster.address, set_as_default=False) as observer:
            deadline = time.monotonic() + STARTUP
            while time.monotonic() < deadline:
                busy = observer.processing([address]).get(address)
                if busy:
                    killed.extend(busy)
                    break
                time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    report = api.batch(tmp_path / "room", tmp_path / "out", course=FIXTURE, cluster=cluster.address)
    killer.join()

    assert victim.wait(timeout=10) == -signal.SIGKILL
    assert killed, "the victim was killed before it had any work: not mid-batch"
    learners = [r.learner for r in report.outcome.graded]
    assert sorted(learners) == sorted(kinds)  # each once: nothing lost, nothing doubled
    assert {r.learner: verdict(r) for r in report.outcome.graded} == {
        learner: graded_here[kind] for learner, kind in kinds.items()
    }
    assert stored(tmp_path / "out") == sorted(kinds)
    suites = ET.parse(tmp_path / "out/junit.xml").getroot()
    assert sorted(s.get("name", "") for s in suites) == sorted(f"{k}/rules" for k in kinds)


def test_an_interrupted_batch_resumes_where_it_stopped(cluster: Cluster, tmp_path: Path) -> None:
    kinds = write_class(tmp_path / "room", 8)
    room, out = tmp_path / "room", tmp_path / "out"
    seen = 0

    def interrupt_at_the_third() -> None:
        nonlocal seen
        seen += 1
        if seen == 3:
            raise KeyboardInterrupt  # as Ctrl-C would, in the middle of the batch

    with pytest.raises(KeyboardInterrupt):
        api.batch(
            room, out, course=FIXTURE, progress=interrupt_at_the_third, cluster=cluster.address
        )
    first = stored(out)
    assert len(first) == 3

    report = api.batch(room, out, course=FIXTURE, cluster=cluster.address)

    assert sorted(learner for learner, _ in report.outcome.skipped) == first
    again = sorted(r.learner for r in report.outcome.graded)
    assert sorted(first + again) == sorted(kinds)
    assert stored(out) == sorted(kinds)


def test_a_worker_on_another_checkout_refuses_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed", reason="the cluster extra is not installed")
    copy = tmp_path / "course"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    hidden = copy / "solutions/rules/tests/test_rules_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# one hidden test changed since\n")
    write_class(tmp_path / "room")
    stale = Cluster(tmp_path / "stale", copy)
    try:
        stale.worker("stale")
        stale.wait_for_workers(1)
        code = run_batch(tmp_path / "room", tmp_path / "out", "--cluster", stale.address)
    finally:
        stale.stop()

    assert code == 2
    ours, theirs = course_fingerprint(FIXTURE), course_fingerprint(copy)
    assert re.fullmatch(
        rf"grader: worker tcp://127\.0\.0\.1:\d+: its course checkout differs from yours "
        rf"\(fingerprint {theirs} ≠ {ours}\): update it and restart the worker\n",
        capsys.readouterr().err,
    )
    assert stored(tmp_path / "out") == []


def test_a_scheduler_without_workers_is_one_sentence_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed", reason="the cluster extra is not installed")
    from grader.adapters import dask_cluster

    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1.0)
    write_class(tmp_path / "room", 1)
    empty = Cluster(tmp_path / "empty", FIXTURE)
    try:
        code = run_batch(tmp_path / "room", tmp_path / "out", "--cluster", empty.address)
    finally:
        empty.stop()

    assert code == 2
    assert capsys.readouterr().err == (
        f"grader: the Dask scheduler at {empty.address} has no worker: start "
        f"`dask worker {empty.address}` on the machines that grade (see the instructor guide)\n"
    )


def test_an_unreachable_scheduler_is_one_sentence_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed", reason="the cluster extra is not installed")
    from grader.adapters import dask_cluster

    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1.0)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_class(tmp_path / "room", 1)

    code = run_batch(tmp_path / "room", tmp_path / "out", "--cluster", f"tcp://127.0.0.1:{port}")

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"grader: cannot reach a Dask scheduler at tcp://127.0.0.1:{port} (")
    assert err.endswith("is `dask scheduler` running there, and its port open to this machine?\n")
    assert err.count("\n") == 1


def test_without_dask_the_cluster_option_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import grader.adapters

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    monkeypatch.delitem(sys.modules, "grader.adapters.dask_cluster", raising=False)
    monkeypatch.delattr(grader.adapters, "dask_cluster", raising=False)
    write_class(tmp_path / "room", 1)

    code = run_batch(tmp_path / "room", tmp_path / "out", "--cluster", "tcp://127.0.0.1:8786")

    assert code == 2
    assert capsys.readouterr().err == (
        "grader: --cluster needs Dask, and distributed is not installed here: install the "
        "cluster extra: pip install '.[cluster]'\n"
    )


def test_the_grader_imports_no_dask_without_the_cluster_option() -> None:
    check = (
        "import sys, grader.cli; sys.exit('distributed' in sys.modules or 'dask' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
