import asyncio
from pathlib import Path
from typing import Any

import pytest

from shared.exceptions import SagaDefinitionError, SagaNotFound
from shared.integration.cross_domain_patterns import (
    SagaContext,
    SagaOrchestrator,
    SagaStatus,
    SagaStep,
    SqliteSagaLog,
    Transition,
)


class Journal:
    """Records what the steps and compensations did, in order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def step(self, name: str, fail: bool = False) -> SagaStep:
        async def action(context: SagaContext) -> str:
            self.lines.append(f"do {name}")
            if fail:
                raise RuntimeError(f"{name} broke")
            return f"{name} done"

        def undo(context: SagaContext) -> None:
            self.lines.append(f"undo {name}")

        return SagaStep(name, action, undo)


async def test_a_saga_that_succeeds_keeps_every_result() -> None:
    journal = Journal()
    saga = SagaOrchestrator("pipeline")
    for name in ("validate", "train", "deploy"):
        saga.add_step(journal.step(name))

    result = await saga.execute(SagaContext(dataset="d"))

    assert result.status is SagaStatus.COMPLETED
    assert result.succeeded
    assert result.completed_steps == ("validate", "train", "deploy")
    assert result.context.results == {
        "validate": "validate done",
        "train": "train done",
        "deploy": "deploy done",
    }
    assert journal.lines == ["do validate", "do train", "do deploy"]
    assert "completed" in result.summary()


async def test_a_failing_step_compensates_the_completed_ones_in_reverse() -> None:
    journal = Journal()
    saga = SagaOrchestrator("pipeline")
    saga.add_step(journal.step("validate"))
    saga.add_step(journal.step("train"))
    saga.add_step(journal.step("deploy", fail=True))

    result = await saga.execute(SagaContext())

    assert result.status is SagaStatus.COMPENSATED
    assert result.status == "compensated"
    assert result.failed_step == "deploy"
    assert isinstance(result.error, RuntimeError)
    assert result.compensated_steps == ("train", "validate")
    assert journal.lines == ["do validate", "do train", "do deploy", "undo train", "undo validate"]
    assert "deploy" in result.summary()
    assert "undone: train, validate" in result.summary()


async def test_a_failing_compensation_is_reported_and_the_others_still_run() -> None:
    undone: list[str] = []

    def undo_a(context: SagaContext) -> None:
        undone.append("a")

    def undo_b(context: SagaContext) -> None:
        raise OSError("cannot undo b")

    def fail(context: SagaContext) -> None:
        raise ValueError("c failed")

    saga = SagaOrchestrator("s")
    saga.add_step(SagaStep("a", lambda c: "a", undo_a))
    saga.add_step(SagaStep("b", lambda c: "b", undo_b))
    saga.add_step(SagaStep("c", fail, lambda c: undone.append("c")))

    result = await saga.execute()

    assert result.status is SagaStatus.FAILED
    assert undone == ["a"]
    assert result.compensated_steps == ("a",)
    (failure,) = result.compensation_errors
    assert failure.step == "b"
    assert isinstance(failure.error, OSError)
    assert "compensation of 'b' failed" in result.summary()


async def test_steps_without_compensation_are_skipped_on_rollback() -> None:
    saga = SagaOrchestrator("s")
    saga.add_step(SagaStep("read", lambda c: 1))
    saga.add_step(SagaStep("write", lambda c: 1 / 0))

    result = await saga.execute()

    assert result.status is SagaStatus.COMPENSATED
    assert result.compensated_steps == ()


async def test_retries_with_backoff_until_success() -> None:
    attempts: list[float] = []

    async def flaky(context: SagaContext) -> str:
        attempts.append(asyncio.get_running_loop().time())
        if len(attempts) < 3:
            raise ConnectionError("busy")
        return "ok"

    saga = SagaOrchestrator("s").add_step(SagaStep("call", flaky, retries=2, backoff=0.01))

    result = await saga.execute()

    assert result.succeeded
    assert len(attempts) == 3
    assert attempts[2] - attempts[1] >= attempts[1] - attempts[0]  # backoff doubles


async def test_retries_run_out() -> None:
    attempts: list[int] = []

    def always_fails(context: SagaContext) -> None:
        attempts.append(1)
        raise ConnectionError("down")

    saga = SagaOrchestrator("s").add_step(SagaStep("call", always_fails, retries=2, backoff=0))

    result = await saga.execute()

    assert result.status is SagaStatus.COMPENSATED
    assert len(attempts) == 3
    assert isinstance(result.error, ConnectionError)


async def test_a_step_past_its_timeout_fails_and_rolls_back() -> None:
    undone: list[str] = []

    async def slow(context: SagaContext) -> None:
        await asyncio.sleep(5)

    saga = SagaOrchestrator("s")
    saga.add_step(SagaStep("first", lambda c: 1, lambda c: undone.append("first")))
    saga.add_step(SagaStep("slow", slow, timeout=0.02))

    result = await saga.execute()

    assert result.failed_step == "slow"
    assert isinstance(result.error, TimeoutError)
    assert undone == ["first"]


def test_context_gives_attribute_access_and_explains_what_is_missing() -> None:
    context = SagaContext(dataset="d", user="ada")
    context.model = "m"

    assert (context.dataset, context.user, context.model) == ("d", "ada", "m")
    assert context.values() == {"dataset": "d", "user": "ada", "model": "m"}
    with pytest.raises(AttributeError, match=r"no 'datset'.*dataset, model, user"):
        _ = context.datset


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: SagaStep("", print), "needs a name"),
        (lambda: SagaStep("x", "not callable"), "action must be callable"),
        (lambda: SagaStep("x", print, "nope"), "compensation must be callable"),
        (lambda: SagaStep("x", print, retries=-1), "retries must be >= 0"),
        (lambda: SagaStep("x", print, timeout=0), "timeout > 0"),
    ],
)
def test_bad_steps_are_refused(build: Any, message: str) -> None:
    with pytest.raises(SagaDefinitionError, match=message):
        build()


async def test_bad_sagas_are_refused() -> None:
    saga = SagaOrchestrator("s").add_step(SagaStep("a", print))
    with pytest.raises(SagaDefinitionError, match="already has a step 'a'"):
        saga.add_step(SagaStep("a", print))
    with pytest.raises(SagaDefinitionError, match="takes a SagaStep"):
        saga.add_step(print)  # type: ignore[arg-type]
    with pytest.raises(SagaDefinitionError, match="no steps"):
        await SagaOrchestrator("empty").execute()


async def test_every_transition_is_logged() -> None:
    journal = Journal()
    saga = SagaOrchestrator("s")
    saga.add_step(journal.step("a"))
    saga.add_step(journal.step("b", fail=True))

    result = await saga.execute()

    transitions = [(e.transition, e.step) for e in saga.log.entries(result.saga_id)]
    assert transitions == [
        (Transition.STARTED, None),
        (Transition.STEP_STARTED, "a"),
        (Transition.STEP_COMPLETED, "a"),
        (Transition.STEP_STARTED, "b"),
        (Transition.STEP_FAILED, "b"),
        (Transition.COMPENSATION_STARTED, "a"),
        (Transition.COMPENSATION_COMPLETED, "a"),
        (Transition.COMPENSATED, "b"),
    ]
    assert saga.log.interrupted() == []


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so the saga cannot catch it."""


def crashing_saga(log: SqliteSagaLog, journal: list[str], crash_in: str | None) -> SagaOrchestrator:
    def step(name: str) -> SagaStep:
        def action(context: SagaContext) -> dict[str, str]:
            journal.append(f"do {name}")
            if name == crash_in:
                raise Crash()
            return {"step": name}

        return SagaStep(name, action, lambda c: journal.append(f"undo {name}"))

    saga = SagaOrchestrator("durable", log=log)
    for name in ("reserve", "charge", "ship"):
        saga.add_step(step(name))
    return saga


def interrupted_saga(path: Path) -> str:
    log = SqliteSagaLog(path)
    with pytest.raises(Crash):
        asyncio.run(crashing_saga(log, [], crash_in="charge").execute())
    (saga_id,) = log.interrupted()
    log.close()
    return saga_id


def test_an_interrupted_saga_can_be_resumed_from_a_new_process(tmp_path: Path) -> None:
    saga_id = interrupted_saga(tmp_path / "saga.sqlite")
    journal: list[str] = []
    log = SqliteSagaLog(tmp_path / "saga.sqlite")  # as a restarted process would

    result = asyncio.run(crashing_saga(log, journal, None).resume(saga_id, SagaContext()))

    assert result.succeeded
    assert journal == ["do charge", "do ship"]
    assert result.context.results["reserve"] == {"step": "reserve"}
    assert log.interrupted() == []


def test_an_interrupted_saga_can_be_compensated_instead(tmp_path: Path) -> None:
    saga_id = interrupted_saga(tmp_path / "saga.sqlite")
    journal: list[str] = []
    log = SqliteSagaLog(tmp_path / "saga.sqlite")

    result = asyncio.run(crashing_saga(log, journal, None).compensate(saga_id, SagaContext()))

    assert result.status is SagaStatus.COMPENSATED
    assert journal == ["undo charge", "undo reserve"]  # the in-flight step first
    assert log.interrupted() == []


async def test_recovering_an_unknown_saga_says_so() -> None:
    saga = SagaOrchestrator("s").add_step(SagaStep("a", print))
    with pytest.raises(SagaNotFound, match="no saga 'nope'"):
        await saga.resume("nope", SagaContext())
