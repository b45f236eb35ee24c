"""Grading on a Dask distributed cluster: ``grader batch --cluster tcp://HOST:8786``.

Only this module imports Dask, and only ``--cluster`` imports this module. Behaviour
choices, stated once:

* Each worker wires one grader for its own course checkout when the batch registers the
  :class:`GradingPlugin` (``wire``: ``$GRADER_COURSE``, else the checkout its grader
  lives in), keeps it warm for the batch's tasks, and closes it at teardown.
* A task carries the exercise's id and the submission as plain text (answer paths to
  source); it returns our result JSON as text. No grader object and no path of the
  instructor's machine crosses the wire. Results do not name their worker: feedback
  pages show a result's environment, and a worker's address is not for learners.
* Every task carries the instructor's course fingerprint
  (:func:`grader.adapters.fingerprint.course_fingerprint`). A worker whose checkout
  has another refuses, in one sentence the instructor sees, and the batch stops: a
  grade made against other tests would be wrong without a trace.
* A worker that dies: the scheduler gives its tasks, running or finished but not yet
  fetched, to another worker (a task that kills several is given up, and its work gets
  a zero result that asks for review). A task that raises is retried ``RETRIES`` times.
  Each future completes once, so each piece of work is delivered once however often it
  ran; saving stays with the instructor's process (see ``application.batch.run_batch``).
* If every worker is gone, the batch waits for one to join (Ctrl-C stops it, and the
  same command resumes). No worker at the start, or no scheduler within
  ``CONNECT_SECONDS``, is an error in one sentence; so is losing the scheduler, and
  Dask's own log (its reconnection tracebacks) is silenced in this process meanwhile.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

import distributed
from distributed.diagnostics.plugin import WorkerPlugin

from grader.adapters.reports import from_json, to_json
from grader.application.batch import grade_safely
from grader.application.grading import Grader
from grader.application.ports import ExerciseRepository
from grader.domain.exercise import Exercise
from grader.domain.result import GradeResult
from grader.domain.submission import Submission
from grader.errors import ClusterError

PLUGIN = "hexagon-grader"
CONNECT_SECONDS = 10.0  # to reach the scheduler, then to see a worker
RETRIES = 2  # for a task that raises; a dead worker's tasks are the scheduler's to move
DASK_LOGS = ("distributed", "tornado")  # what Dask's client logs through, to stderr


class Kept(Protocol):
    """What a worker keeps between tasks: a wired grader (``configuration.App``)."""

    @property
    def grader(self) -> Grader: ...

    @property
    def exercises(self) -> ExerciseRepository: ...

    def close(self) -> None: ...


Wire = Callable[[], tuple[Kept, str]]  # on a worker: its grader, and its course's fingerprint


class GradingPlugin(WorkerPlugin):
    """Wires the worker's grader once, at setup, and closes it at teardown. Sent to the
    workers pickled: ``wire`` must be a module-level function (pickled by name)."""

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        self.kept: Kept | None = None
        self.fingerprint = ""
        self.problem = ""  # why this worker cannot grade at all, said by each task

    def setup(self, worker: distributed.Worker) -> None:
        try:
            self.kept, self.fingerprint = self.wire()
        except Exception as error:  # said to the instructor, not buried in a worker's log
            self.problem = f"worker {worker.address} cannot grade: {error}"

    def teardown(self, worker: distributed.Worker) -> None:
        if self.kept is not None:
            self.kept.close()
            self.kept = None

    def refusal(self, address: str, fingerprint: str) -> str:
        """Why this worker must not grade for a course with ``fingerprint``; "" if none."""
        if self.problem or self.kept is None:
            return self.problem or f"worker {address} has not wired its grader"
        if self.fingerprint != fingerprint:
            return (
                f"worker {address}: its course checkout differs from yours (fingerprint "
                f"{self.fingerprint} ≠ {fingerprint}): update it and restart the worker"
            )
        return ""


def grade_on_worker(exercise_id: str, submission: dict[str, Any], fingerprint: str) -> str:
    """A task, run on a worker: the result JSON of grading ``submission`` (plain data,
    see :func:`plain`), hidden tests included; or ``{"refused": why}``."""
    worker = distributed.get_worker()
    plugin = worker.plugins.get(PLUGIN)
    if not isinstance(plugin, GradingPlugin):
        return json.dumps({"refused": f"worker {worker.address} has no grader plugin"})
    refusal = plugin.refusal(worker.address, fingerprint)
    if refusal or plugin.kept is None:
        return json.dumps({"refused": refusal})
    exercise = plugin.kept.exercises.get(exercise_id)
    result = grade_safely(plugin.kept.grader, exercise, unplain(submission), True)
    return json.dumps(to_json(result))


def plain(submission: Submission) -> dict[str, Any]:
    """A submission as data any worker can read back: texts and lists."""
    return {
        "learner": submission.learner,
        "answers": dict(submission.answers),
        "source": submission.source,
        "ignored": list(submission.ignored),
        "problems": list(submission.problems),
    }


def unplain(data: dict[str, Any]) -> Submission:
    return Submission(
        data["learner"],
        dict(data["answers"]),
        data["source"],
        tuple(data["ignored"]),
        tuple(data["problems"]),
    )


class DaskGrading:
    """A :class:`~grader.application.ports.GradingPool` on a Dask cluster: each
    submission one task; its Dask future is bridged to a ``concurrent.futures`` one."""

    def __init__(self, client: distributed.Client, fingerprint: str) -> None:
        self.client = client
        self.fingerprint = fingerprint
        self._lock = threading.Lock()
        self._running: set[distributed.Future[str]] = set()  # a released Dask future is cancelled

    def submit(self, exercise: Exercise, submission: Submission) -> Future[GradeResult]:
        remote = self.client.submit(
            grade_on_worker,
            exercise.id,
            plain(submission),
            self.fingerprint,
            key=f"grade-{uuid.uuid4().hex}",  # one task group: the scheduler queues them
            pure=False,
            retries=RETRIES,
        )
        local: Future[GradeResult] = Future()
        with self._lock:
            self._running.add(remote)
        remote.add_done_callback(lambda done: self._deliver(done, local))
        return local

    def _deliver(self, remote: distributed.Future[str], local: Future[GradeResult]) -> None:
        """Runs in Dask's callback thread, once per future."""
        with self._lock:
            self._running.discard(remote)
        if not local.set_running_or_notify_cancel():
            return
        try:
            local.set_result(_result(remote))
        except Exception as error:  # the batch decides what it means (see GradingPool)
            local.set_exception(error)

    def close(self) -> None:
        with self._lock:
            running, self._running = list(self._running), set()
        try:
            self.client.cancel(running)
        finally:
            self.client.close()
            _quiet(False)


def _result(remote: distributed.Future[str]) -> GradeResult:
    if remote.cancelled():
        raise ClusterError(
            "the Dask cluster dropped the batch's work (is its scheduler gone?); "
            "run the same command again to resume"
        )
    data = json.loads(remote.result())  # a task's error (after its retries) raises here
    if "refused" in data:
        raise ClusterError(data["refused"])
    return from_json(data)


def connect(address: str, fingerprint: str, wire: Wire) -> DaskGrading:
    """The cluster whose scheduler is at ``address``, its workers wired by ``wire``."""
    _quiet(True)
    try:
        return _connect(address, fingerprint, wire)
    except BaseException:
        _quiet(False)
        raise


def _connect(address: str, fingerprint: str, wire: Wire) -> DaskGrading:
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise ClusterError(
            f"cannot reach a Dask scheduler at {address} ({error}): is `dask scheduler` "
            "running there, and its port open to this machine?"
        ) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError:
        client.close()
        raise ClusterError(
            f"the Dask scheduler at {address} has no worker: start `dask worker {address}` "
            "on the machines that grade (see the instructor guide)"
        ) from None
    try:
        client.register_plugin(GradingPlugin(wire), name=PLUGIN)
    except Exception as error:  # a worker that cannot even load the grader's plugin
        client.close()
        raise ClusterError(
            f"the workers of {address} cannot take the grader ({type(error).__name__}: "
            f"{error}): run `make setup` in their checkout and restart them"
        ) from None
    return DaskGrading(client, fingerprint)


def _silent(record: logging.LogRecord) -> bool:
    return False


def _quiet(on: bool) -> None:
    """Silence Dask's log in this process, or let it speak again. Dask's config gives
    several of its (and tornado's) loggers handlers of their own: filter each one."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in DASK_LOGS:
            for handler in logger.handlers:
                if on:
                    handler.addFilter(_silent)
                else:
                    handler.removeFilter(_silent)
