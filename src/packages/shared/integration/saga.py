"""Sagas: multi-step workflows across domains, undone step by step when one fails.

Behaviour choices, stated once:

* Steps run in the order they were added. A step's action gets the
  :class:`SagaContext`; its return value is kept in ``context.results[step.name]``.
* A step may have a ``timeout`` (seconds, per attempt) and ``retries`` (extra attempts,
  waiting ``backoff * 2**n`` seconds before attempt ``n + 1``).
* When a step fails for good, every step that *completed* is compensated, in reverse
  order, exactly once. The failed step itself is not compensated: it did not complete.
  A compensation that fails is recorded and the remaining ones still run.
* Status: ``completed``; ``compensated`` (a step failed, all undone); ``failed`` (a
  compensation failed too, so the system may be inconsistent and needs a person).
* Every transition is appended to the saga log. After a crash, :meth:`resume` goes on
  from the interrupted step; :meth:`compensate` undoes the completed steps and the one
  that was in flight, whose outcome is unknown, so compensations must be idempotent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shared.exceptions import SagaDefinitionError, SagaNotFound
from shared.integration._calls import invoke
from shared.integration.saga_log import InMemorySagaLog, SagaLog, SagaLogEntry, Transition

logger = logging.getLogger("shared.integration.saga")

StepFunction = Callable[["SagaContext"], Awaitable[Any] | Any]


class SagaContext:
    """The data a saga's steps share: attribute access plus each step's result.

    ``SagaContext(dataset=d).dataset`` is ``d``; steps may set new attributes too.
    ``results`` maps step names to what their actions returned.
    """

    def __init__(self, **values: Any) -> None:
        self.results: dict[str, Any] = {}
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: say what the context does hold.
        known = ", ".join(sorted(k for k in self.__dict__ if k != "results")) or "nothing"
        raise AttributeError(f"the saga context has no {name!r}; it holds: {known}")

    def __setattr__(self, name: str, value: Any) -> None:
        # Declared so that type checkers accept ``context.model = ...`` in a step.
        super().__setattr__(name, value)

    def values(self) -> dict[str, Any]:
        """The context's own values, without ``results``."""
        return {k: v for k, v in self.__dict__.items() if k != "results"}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        return f"SagaContext({inner})"


@dataclass(frozen=True)
class SagaStep:
    """One step: an action and the compensation that undoes it (``None``: nothing to undo)."""

    name: str
    action: StepFunction
    compensation: StepFunction | None = None
    timeout: float | None = None
    retries: int = 0
    backoff: float = 0.05

    def __post_init__(self) -> None:
        if not self.name:
            raise SagaDefinitionError("a saga step needs a name")
        if not callable(self.action):
            raise SagaDefinitionError(f"step {self.name!r}: action must be callable")
        if self.compensation is not None and not callable(self.compensation):
            raise SagaDefinitionError(f"step {self.name!r}: compensation must be callable")
        if self.retries < 0 or (self.timeout is not None and self.timeout <= 0):
            raise SagaDefinitionError(
                f"step {self.name!r}: retries must be >= 0 and timeout > 0 (or None)"
            )


class SagaStatus(StrEnum):
    COMPLETED = "completed"
    COMPENSATED = "compensated"
    FAILED = "failed"


@dataclass(frozen=True)
class CompensationFailure:
    step: str
    error: BaseException


@dataclass(frozen=True)
class SagaResult:
    """How a saga ended, and everything needed to explain it."""

    saga_id: str
    name: str
    status: SagaStatus
    context: SagaContext
    completed_steps: tuple[str, ...] = ()
    failed_step: str | None = None
    error: BaseException | None = None
    compensated_steps: tuple[str, ...] = ()
    compensation_errors: tuple[CompensationFailure, ...] = ()

    @property
    def succeeded(self) -> bool:
        return self.status is SagaStatus.COMPLETED

    def summary(self) -> str:
        """One readable sentence on the outcome."""
        if self.succeeded:
            return f"saga {self.name!r} completed: {', '.join(self.completed_steps)}"
        text = f"saga {self.name!r} {self.status.value}: step {self.failed_step!r} failed"
        text += f" ({self.error!r})"
        if self.compensated_steps:
            text += f"; undone: {', '.join(self.compensated_steps)}"
        for failure in self.compensation_errors:
            text += f"; compensation of {failure.step!r} failed ({failure.error!r})"
        return text


@dataclass
class _Run:
    saga_id: str
    context: SagaContext
    completed: list[SagaStep] = field(default_factory=list)


class SagaOrchestrator:
    """Runs a sequence of :class:`SagaStep` and compensates on failure.

    Use it directly (``SagaOrchestrator("name").add_step(...)``) or subclass it and add
    steps in ``__init__``. ``log`` defaults to an in-memory log; pass a
    :class:`~shared.integration.saga_log.SqliteSagaLog` for durability.
    """

    def __init__(self, name: str, *, log: SagaLog | None = None) -> None:
        self.name = name
        self.steps: list[SagaStep] = []
        self.log: SagaLog = log if log is not None else InMemorySagaLog()

    def add_step(self, step: SagaStep) -> SagaOrchestrator:
        if not isinstance(step, SagaStep):
            raise SagaDefinitionError(f"add_step() takes a SagaStep, got {type(step).__name__}")
        if any(s.name == step.name for s in self.steps):
            raise SagaDefinitionError(f"saga {self.name!r} already has a step {step.name!r}")
        self.steps.append(step)
        return self

    async def execute(self, context: SagaContext | None = None) -> SagaResult:
        """Run every step; on a failure, compensate what completed."""
        if not self.steps:
            raise SagaDefinitionError(f"saga {self.name!r} has no steps")
        run = _Run(str(uuid.uuid4()), context if context is not None else SagaContext())
        self._record(run, Transition.STARTED)
        return await self._run_from(run, 0)

    async def resume(self, saga_id: str, context: SagaContext) -> SagaResult:
        """Go on with an interrupted saga from the step that was in flight.

        Steps the log shows as completed are not run again; their JSON results are put
        back into ``context.results``.
        """
        run, next_index = self._restore(saga_id, context)
        return await self._run_from(run, next_index)

    async def compensate(self, saga_id: str, context: SagaContext) -> SagaResult:
        """Undo an interrupted saga: the in-flight step, then the completed ones."""
        run, next_index = self._restore(saga_id, context)
        in_flight = self.steps[next_index] if next_index < len(self.steps) else None
        if in_flight is not None:
            run.completed.append(in_flight)
        error = RuntimeError("interrupted before finishing; compensated on recovery")
        return await self._roll_back(run, in_flight.name if in_flight else None, error)

    async def _run_from(self, run: _Run, start: int) -> SagaResult:
        for step in self.steps[start:]:
            self._record(run, Transition.STEP_STARTED, step.name)
            try:
                result = await self._attempt(step, run.context)
            except Exception as error:
                self._record(run, Transition.STEP_FAILED, step.name, repr(error))
                return await self._roll_back(run, step.name, error)
            run.context.results[step.name] = result
            run.completed.append(step)
            self._record(run, Transition.STEP_COMPLETED, step.name, result=result)
        self._record(run, Transition.COMPLETED)
        return self._result(run, SagaStatus.COMPLETED)

    async def _attempt(self, step: SagaStep, context: SagaContext) -> Any:
        for attempt in range(step.retries + 1):
            try:
                return await invoke(step.action, context, timeout=step.timeout)
            except Exception as error:
                if attempt == step.retries:
                    raise
                delay = step.backoff * 2**attempt
                logger.warning(
                    "saga %s: step %s attempt %d failed (%r); retrying in %.2f s",
                    self.name,
                    step.name,
                    attempt + 1,
                    error,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _roll_back(
        self, run: _Run, failed_step: str | None, error: BaseException
    ) -> SagaResult:
        undone: list[str] = []
        failures: list[CompensationFailure] = []
        for step in reversed(run.completed):
            if step.compensation is None:
                continue
            self._record(run, Transition.COMPENSATION_STARTED, step.name)
            try:
                await invoke(step.compensation, run.context, timeout=step.timeout)
            except Exception as comp_error:
                failures.append(CompensationFailure(step.name, comp_error))
                self._record(run, Transition.COMPENSATION_FAILED, step.name, repr(comp_error))
                logger.error(
                    "saga %s: compensation of %s failed: %r", self.name, step.name, comp_error
                )
            else:
                undone.append(step.name)
                self._record(run, Transition.COMPENSATION_COMPLETED, step.name)
        status = SagaStatus.FAILED if failures else SagaStatus.COMPENSATED
        self._record(run, Transition(status.value), failed_step, repr(error))
        return self._result(run, status, failed_step, error, undone, failures)

    def _restore(self, saga_id: str, context: SagaContext) -> tuple[_Run, int]:
        entries = self.log.entries(saga_id)
        if not entries:
            raise SagaNotFound(f"the saga log has no saga {saga_id!r}")
        by_name = {step.name: step for step in self.steps}
        run = _Run(saga_id, context)
        for entry in entries:
            if entry.transition is Transition.STEP_COMPLETED and entry.step in by_name:
                run.completed.append(by_name[entry.step])
                context.results[entry.step] = entry.result
        return run, len(run.completed)

    def _result(
        self,
        run: _Run,
        status: SagaStatus,
        failed_step: str | None = None,
        error: BaseException | None = None,
        undone: list[str] | None = None,
        failures: list[CompensationFailure] | None = None,
    ) -> SagaResult:
        return SagaResult(
            run.saga_id,
            self.name,
            status,
            run.context,
            tuple(s.name for s in run.completed),
            failed_step,
            error,
            tuple(undone or ()),
            tuple(failures or ()),
        )

    def _record(
        self,
        run: _Run,
        transition: Transition,
        step: str | None = None,
        detail: str | None = None,
        result: Any = None,
    ) -> None:
        self.log.append(
            SagaLogEntry(run.saga_id, self.name, transition, step, detail, _json_or_none(result))
        )

    def __iter__(self) -> Iterator[SagaStep]:
        return iter(self.steps)


def _json_or_none(value: Any) -> Any:
    """Keep a step result in the log only when it is plain JSON data."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return None
    return value
